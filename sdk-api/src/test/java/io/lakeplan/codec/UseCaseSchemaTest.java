package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.DisallowUnknownKeywordFactory;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UseCaseSchemaTest {
  private static final Path EXAMPLES = Path.of("..", "examples");
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

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
  void everyNativeUseCaseFileLakeplanAccepts_validatesAgainstSchema() throws IOException {
    List<Path> files = nativeUseCaseFiles();
    List<String> checked = new ArrayList<>();

    for (Path file : files) {
      Workspace workspace = Workspace.load(file);
      if (!workspace.problems().isEmpty()) {
        continue; // a file Lakeplan rejects: SchemaParserAgreementTest compares those
      }
      // the tree Lakeplan validates: anchors, aliases and merge keys (<<) resolved
      JsonNode document = yamlTree(file);
      assertThat(schemaErrors(document)).as(file.toString()).isEmpty();
      checked.add(ROOT.relativize(file).toString().replace('\\', '/'));
    }

    assertThat(checked)
        .contains(
            "examples/orders/orders.yaml",
            "sdk-api/src/test/resources/golden/orders-dsl.yaml",
            "sdk-aws/src/test/resources/iam/payments/payments.yaml");
  }

  @Test
  void schema_isValidAgainstTheDraft202012MetaSchema() throws IOException {
    Schema metaSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    JsonNode generated = Mappers.json().readTree(UseCaseSchema.json());
    // the check works: a negative minItems is refused
    ObjectNode broken = generated.deepCopy();
    ((ObjectNode) broken.at("/$defs/TableDefinition/properties/columns")).put("minItems", -1);

    assertThat(metaSchema.validate(generated)).isEmpty();
    assertThat(metaSchema.validate(broken))
        .extracting(error -> error.getInstanceLocation() + " " + error.getKeyword())
        .contains("/$defs/TableDefinition/properties/columns/minItems minimum");
  }

  @Test
  void schema_usesOnlyKeywordsTheValidatorKnows() throws IOException {
    SchemaRegistry strict = strictRegistry();
    JsonNode generated = Mappers.json().readTree(UseCaseSchema.json());
    // the check works: a misspelt keyword deep in $defs is refused
    ObjectNode misspelt = generated.deepCopy();
    ((ObjectNode) misspelt.path("$defs").path("Column")).put("minLenght", 1);

    // every subschema is loaded (not only those one document reaches): validate each $defs entry
    // and each property on its own, and a document through the whole schema
    for (JsonNode node : schemaNodes(generated)) {
      strict.getSchema(node).validate(Mappers.json().nullNode());
    }
    strict.getSchema(generated).validate(orders());
    assertThatThrownBy(() -> strict.getSchema(schemaNodes(misspelt).get(0)).validate(orders()))
        .hasMessageContaining("minLenght");
  }

  @Test
  void unknownKey_failsSchema() throws IOException {
    ObjectNode document = orders();
    ((ObjectNode) document.path("merges").get(0)).put("merge-keys", "order_id");

    assertThat(schemaErrors(document)).containsExactly("/merges/0 additionalProperties");
  }

  @Test
  void wrongEnumValue_failsSchema() throws IOException {
    ObjectNode document = orders();
    ((ObjectNode) document.path("migrations").get(0).path("source")).put("format", "excel");

    assertThat(schemaErrors(document)).containsExactly("/migrations/0/source/format enum");
  }

  @Test
  void missingRequiredAndWrongVersion_failSchema() throws IOException {
    ObjectNode document = orders();
    document.remove("owner");
    document.put("api-version", "lakeplan/v0");

    assertThat(schemaErrors(document)).containsExactlyInAnyOrder(" required", "/api-version const");
  }

  @Test
  void wrongMaintenanceType_failsOneOf() throws IOException {
    ObjectNode document = orders();
    ((ObjectNode) document.path("maintenance").get(0).path("tasks").get(0)).put("type", "vacuum");

    assertThat(schemaErrors(document))
        .contains("/maintenance/0/tasks/0 oneOf")
        .allMatch(error -> error.startsWith("/maintenance/0/tasks/0"));
  }

  @Test
  void invalidDocuments_areRejectedWhereLakeplanRejectsThem(@TempDir Path folder)
      throws IOException {
    ObjectNode noColumns = orders();
    ((ObjectNode) noColumns.path("tables").get(0)).putArray("columns");
    ObjectNode keysNotAList = orders();
    ((ObjectNode) keysNotAList.path("merges").get(0)).putObject("keys").put("id", 1);
    ObjectNode tagsAsMap = orders();
    tagsAsMap.putObject("tags").put("team", "sales");
    ObjectNode tableWithoutNamespace = orders();
    ((ObjectNode) tableWithoutNamespace.path("tables").get(0)).put("table", "orders");
    ObjectNode retriesText = orders();
    retriesText.put("retries", "many");

    Map<ObjectNode, String> expected = new LinkedHashMap<>();
    expected.put(noColumns, "/tables/0/columns minItems");
    expected.put(keysNotAList, "/merges/0/keys type");
    expected.put(tagsAsMap, "/tags type");
    expected.put(tableWithoutNamespace, "/tables/0/table pattern");
    expected.put(retriesText, "/retries pattern");
    for (Map.Entry<ObjectNode, String> invalid : expected.entrySet()) {
      Path file =
          Files.writeString(
              folder.resolve("invalid.yaml"), Mappers.yaml().writeValueAsString(invalid.getKey()));
      assertThat(schemaErrors(invalid.getKey()))
          .as(invalid.getValue())
          .contains(invalid.getValue());
      assertThat(Workspace.load(file).problems())
          .as("Lakeplan rejects it too: " + invalid.getValue())
          .isNotEmpty();
    }
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

  /**
   * The native-format use-case files of the repository: examples, fixtures and every module's test
   * resources (YAML files with an {@code api-version}).
   */
  private static List<Path> nativeUseCaseFiles() throws IOException {
    List<Path> folders =
        new ArrayList<>(List.of(ROOT.resolve("examples"), ROOT.resolve("fixtures")));
    try (Stream<Path> modules = Files.list(ROOT)) {
      modules.map(module -> module.resolve("src/test/resources")).forEach(folders::add);
    }
    List<Path> result = new ArrayList<>();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> walk = Files.walk(folder)) {
        for (Path file :
            walk.filter(
                    path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
                .filter(path -> !folder.relativize(path).toString().contains("target/"))
                .sorted()
                .toList()) {
          JsonNode document;
          try {
            document = Mappers.yaml().readTree(Files.readString(file));
          } catch (IOException e) {
            continue; // not YAML Jackson reads (broken on purpose): no use case to check
          }
          if (document != null && document.has("api-version")) {
            result.add(file);
          }
        }
      }
    }
    return result;
  }

  /** Each {@code $defs} entry and each top-level property of {@code schema}, standalone. */
  private static List<JsonNode> schemaNodes(JsonNode schema) {
    List<JsonNode> nodes = new ArrayList<>();
    schema
        .path("$defs")
        .fields()
        .forEachRemaining(
            definition -> {
              ObjectNode standalone = ((ObjectNode) definition.getValue()).deepCopy();
              standalone.set("$defs", schema.path("$defs"));
              nodes.add(standalone);
            });
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            property -> {
              ObjectNode standalone = Mappers.json().createObjectNode();
              standalone.put("$schema", schema.path("$schema").asText());
              standalone.set("allOf", Mappers.json().createArrayNode().add(property.getValue()));
              standalone.set("$defs", schema.path("$defs"));
              nodes.add(standalone);
            });
    return nodes;
  }

  /** A draft 2020-12 registry that refuses any keyword it does not know. */
  private static SchemaRegistry strictRegistry() {
    Dialect strict =
        Dialect.builder(Dialects.getDraft202012())
            .unknownKeywordFactory(DisallowUnknownKeywordFactory.getInstance())
            .build();
    return SchemaRegistry.withDefaultDialect(strict);
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

  private static JsonNode yamlTree(Path file) throws IOException {
    try {
      return YamlTree.load(Files.readString(file)).root();
    } catch (YamlTree.LoadException e) {
      throw new AssertionError(file + " is a use case Lakeplan accepts but cannot load: " + e, e);
    }
  }
}
