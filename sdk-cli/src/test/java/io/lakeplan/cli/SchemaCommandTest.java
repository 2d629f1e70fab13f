package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.codec.UseCaseSchema;
import org.junit.jupiter.api.Test;

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
}
