package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.lakeplan.codec.UseCaseSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCommandTest {
  @Test
  void schema_printsTheUseCaseJsonSchema() throws Exception {
    CliRun run = CliRun.of("schema");

    JsonNode schema = new ObjectMapper().readTree(run.out());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo(UseCaseSchema.json());
    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("properties").has("api-version")).isTrue();
  }

  @Test
  void schema_acceptsTheExampleAndNewUseCases_andRejectsWhatLakeplanRejects(@TempDir Path folder)
      throws Exception {
    Schema schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(CliRun.of("schema").out());
    Path project = folder.resolve("shop-orders");
    assertThat(
            CliRun.of("init", "shop-orders", "--kind", "yaml", "--dir", project.toString())
                .exitCode())
        .isZero();
    String orders = Files.readString(CliRun.EXAMPLES.resolve("orders/orders.yaml"));
    String created = Files.readString(project.resolve("use-cases/shop-orders.yaml"));
    String misspelt = created.replace("    keys: [id]", "    key: [id]");

    assertThat(errors(schema, orders)).isEmpty();
    assertThat(errors(schema, created)).isEmpty();
    assertThat(errors(schema, misspelt))
        .containsExactlyInAnyOrder("/merges/0 required", "/merges/0 additionalProperties");
    assertThat(CliRun.of("validate", write(folder, misspelt).toString()).exitCode()).isEqualTo(1);
  }

  private static List<String> errors(Schema schema, String yaml) {
    return schema.validate(yaml, InputFormat.YAML).stream()
        .map((Error error) -> error.getInstanceLocation() + " " + error.getKeyword())
        .toList();
  }

  private static Path write(Path folder, String yaml) throws Exception {
    return Files.writeString(folder.resolve("misspelt.yaml"), yaml);
  }
}
