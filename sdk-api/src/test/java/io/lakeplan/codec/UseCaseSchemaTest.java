package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class UseCaseSchemaTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void json_isDraft202012WithUseCaseKeys() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());

    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(schema.path("required"))
        .extracting(JsonNode::asText)
        .containsExactly("api-version", "name", "owner");
    assertThat(schema.path("properties").path("api-version").path("const").asText())
        .isEqualTo(UseCaseCodec.API_VERSION);
    assertThat(fieldNames(schema.path("properties")))
        .contains("name", "owner", "schedule", "migrations", "jdbc-ingestions", "merges");
    assertThat(fieldNames(schema.path("$defs")))
        .contains("Migration", "Merge", "MaintenanceTask", "NotificationTarget");
  }

  @Test
  void json_isTheBuiltResourceAndDeterministic() {
    String generated = SchemaGenerator.generate();

    assertThat(SchemaGenerator.generate()).isEqualTo(generated);
    assertThat(UseCaseSchema.json()).isEqualTo(generated);
    assertThat(UseCaseSchema.class.getClassLoader().getResource(SchemaGenerator.RESOURCE))
        .as("schema resource generated at build time")
        .isNotNull();
  }

  @Test
  void polymorphicTypes_areOneOfWithTypeConst() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    JsonNode tasks = schema.path("$defs").path("MaintenanceTask").path("oneOf");

    List<String> types = new ArrayList<>();
    tasks.forEach(task -> types.add(task.path("properties").path("type").path("const").asText()));
    assertThat(types)
        .containsExactly(
            "expire-snapshots",
            "remove-old-metadata",
            "compact",
            "rewrite-manifests",
            "remove-orphans",
            "hard-delete");
    assertThat(fieldNames(tasks.get(0).path("properties"))).doesNotContain("kind");
  }

  @Test
  void examples_validateAgainstSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    List<Path> examples = nativeExamples();

    assertThat(examples).isNotEmpty();
    for (Path example : examples) {
      JsonNode document = Mappers.yaml().readTree(Files.readString(example));
      assertThat(schemaErrors(document)).as(example.toString()).isEmpty();
    }
  }

  @Test
  void unknownKey_failsSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("merges").get(0)).put("merge-keys", "order_id");

    assertThat(schemaErrors(document)).containsExactly("/merges/0 additionalProperties");
  }

  @Test
  void wrongEnumValue_failsSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("migrations").get(0).path("source")).put("format", "excel");

    assertThat(schemaErrors(document)).containsExactly("/migrations/0/source/format enum");
  }

  @Test
  void missingRequiredAndWrongVersion_failSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    document.remove("owner");
    document.put("api-version", "lakeplan/v0");

    assertThat(schemaErrors(document)).containsExactlyInAnyOrder(" required", "/api-version const");
  }

  @Test
  void wrongMaintenanceType_failsOneOf() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("maintenance").get(0).path("tasks").get(0)).put("type", "vacuum");

    assertThat(schemaErrors(document))
        .contains("/maintenance/0/tasks/0 oneOf")
        .allMatch(error -> error.startsWith("/maintenance/0/tasks/0"));
  }

  @Test
  void jdbcLookback_isADurationOrAWholeNumber_andNeedsKeys() throws IOException {
    ObjectNode document = orders();
    ObjectNode ingestion = document.putArray("jdbc-ingestions").addObject();
    ingestion.put("id", "load").put("table", "public.events").put("target", "raw.events");
    ingestion.putObject("connection").put("url", "jdbc:postgresql://db/shop");
    ingestion.put("incremental-column", "updated_at").putArray("keys").add("id");

    for (String valid : List.of("10m", "PT10M", "1d12h", "500", "0x10")) {
      ingestion.put("lookback", valid);
      assertThat(schemaErrors(document)).as(valid).isEmpty();
    }
    ingestion.put("lookback", 500);
    assertThat(schemaErrors(document)).isEmpty();
    ingestion.put("lookback", 2.5);
    assertThat(schemaErrors(document)).contains("/jdbc-ingestions/0/lookback type");
    ingestion.put("lookback", "soon");
    assertThat(schemaErrors(document)).contains("/jdbc-ingestions/0/lookback pattern");
    ingestion.put("lookback", "10m").remove("keys");
    assertThat(schemaErrors(document)).contains("/jdbc-ingestions/0 required");
  }

  private static ObjectNode orders() throws IOException {
    return (ObjectNode)
        Mappers.yaml().readTree(Files.readString(EXAMPLES.resolve("orders/orders.yaml")));
  }

  private static List<Path> nativeExamples() throws IOException {
    try (Stream<Path> walk = Files.walk(EXAMPLES)) {
      List<Path> files =
          walk.filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
              .filter(path -> !path.toString().contains("/target/"))
              .sorted()
              .toList();
      List<Path> result = new ArrayList<>();
      for (Path file : files) {
        if (Mappers.yaml().readTree(Files.readString(file)).has("api-version")) {
          result.add(file);
        }
      }
      return result;
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** What networknt's validator finds in YAML text {@code yaml}. */
  static List<String> schemaErrors(String yaml) {
    try {
      return schemaErrors(Mappers.yaml().readTree(yaml));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** What networknt's validator finds, as {@code location keyword} lines. */
  private static List<String> schemaErrors(JsonNode document) {
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(UseCaseSchema.json());
    List<String> errors = new ArrayList<>();
    for (Error error : schema.validate(document)) {
      errors.add(error.getInstanceLocation() + " " + error.getKeyword());
    }
    return errors;
  }
}
