package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.internal.Mappers;
import io.lakeplan.internal.SchemaGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
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
      assertThat(new MiniValidator(schema).validate(document)).as(example.toString()).isEmpty();
    }
  }

  @Test
  void unknownKey_failsSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("merges").get(0)).put("merge-keys", "order_id");

    assertThat(new MiniValidator(schema).validate(document))
        .containsExactly("/merges/0: unknown key 'merge-keys'");
  }

  @Test
  void wrongEnumValue_failsSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("migrations").get(0).path("source")).put("format", "excel");

    assertThat(new MiniValidator(schema).validate(document))
        .containsExactly("/migrations/0/source/format: 'excel' is not one of the enum values");
  }

  @Test
  void missingRequiredAndWrongVersion_failSchema() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    document.remove("owner");
    document.put("api-version", "lakeplan/v0");

    assertThat(new MiniValidator(schema).validate(document))
        .containsExactlyInAnyOrder(
            ": missing required key 'owner'", "/api-version: must be 'lakeplan/v1'");
  }

  @Test
  void wrongMaintenanceType_failsOneOf() throws IOException {
    JsonNode schema = Mappers.json().readTree(UseCaseSchema.json());
    ObjectNode document = orders();
    ((ObjectNode) document.path("maintenance").get(0).path("tasks").get(0)).put("type", "vacuum");

    assertThat(new MiniValidator(schema).validate(document))
        .containsExactly("/maintenance/0/tasks/0: matches 0 of the oneOf schemas, not exactly 1");
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

  /**
   * Validates the subset of JSON Schema the generator emits: $ref, type, const, enum, pattern,
   * properties, required, additionalProperties, items and oneOf.
   */
  static final class MiniValidator {
    private final JsonNode root;

    MiniValidator(JsonNode root) {
      this.root = root;
    }

    List<String> validate(JsonNode document) {
      List<String> errors = new ArrayList<>();
      check(root, document, "", errors);
      return errors;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
      if (schema.has("$ref")) {
        String name = schema.get("$ref").asText().substring("#/$defs/".length());
        check(root.path("$defs").path(name), value, path, errors);
        return;
      }
      if (schema.has("const") && !schema.get("const").equals(value)) {
        errors.add(path + ": must be '" + schema.get("const").asText() + "'");
        return;
      }
      if (schema.has("type") && !hasType(value, schema.get("type").asText())) {
        errors.add(path + ": expected " + schema.get("type").asText());
        return;
      }
      if (schema.has("enum")) {
        boolean found = false;
        for (JsonNode option : schema.get("enum")) {
          found |= option.equals(value);
        }
        if (!found) {
          errors.add(path + ": '" + value.asText() + "' is not one of the enum values");
        }
      }
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
        errors.add(path + ": '" + value.asText() + "' does not match " + schema.get("pattern"));
      }
      if (schema.has("oneOf")) {
        int matches = 0;
        for (JsonNode option : schema.get("oneOf")) {
          List<String> optionErrors = new ArrayList<>();
          check(option, value, path, optionErrors);
          matches += optionErrors.isEmpty() ? 1 : 0;
        }
        if (matches != 1) {
          errors.add(path + ": matches " + matches + " of the oneOf schemas, not exactly 1");
        }
      }
      if (schema.has("items")) {
        for (int i = 0; i < value.size(); i++) {
          check(schema.get("items"), value.get(i), path + "/" + i, errors);
        }
      }
      if (value.isObject()) {
        checkObject(schema, value, path, errors);
      }
    }

    private void checkObject(JsonNode schema, JsonNode value, String path, List<String> errors) {
      JsonNode properties = schema.path("properties");
      for (JsonNode required : schema.path("required")) {
        if (!value.has(required.asText())) {
          errors.add(path + ": missing required key '" + required.asText() + "'");
        }
      }
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String fieldPath = path + "/" + field.getKey();
        if (properties.has(field.getKey())) {
          check(properties.get(field.getKey()), field.getValue(), fieldPath, errors);
        } else if (schema.path("additionalProperties").isObject()) {
          check(schema.get("additionalProperties"), field.getValue(), fieldPath, errors);
        } else if (!schema.path("additionalProperties").asBoolean(true)) {
          errors.add(path + ": unknown key '" + field.getKey() + "'");
        }
      }
    }

    private static boolean hasType(JsonNode value, String type) {
      return switch (type) {
        case "object" -> value.isObject();
        case "array" -> value.isArray();
        case "string" -> value.isTextual();
        case "integer" -> value.isIntegralNumber();
        case "number" -> value.isNumber();
        case "boolean" -> value.isBoolean();
        default -> throw new IllegalArgumentException("Unsupported schema type: " + type);
      };
    }
  }
}
