package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Workspace;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidateCommandTest {
  @Test
  void validate_legacyFixtures_listsEachInvalidFileWithLocationAndExits1() {
    CliRun run = CliRun.of("validate", CliRun.LEGACY.toString());

    List<String> lines = run.out().lines().toList();
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(lines).hasSize(4);
    assertThat(lines.subList(0, 3))
        .allMatch(line -> line.matches("invalid/[a-z-]+\\.yaml:\\d+:\\d+: .+ \\[[a-z-]+\\]"))
        .anyMatch(line -> line.startsWith("invalid/bad-indentation.yaml:"))
        .anyMatch(line -> line.startsWith("invalid/missing-entrypoint.yaml:"))
        .anyMatch(line -> line.startsWith("invalid/unknown-type.yaml:"));
    List<String> expected =
        Workspace.load(CliRun.LEGACY).problems().stream().map(Problem::toString).toList();
    assertThat(lines.subList(0, 3)).containsExactlyElementsOf(expected);
    assertThat(lines.get(3))
        .isEqualTo("FAILED: 3 problems in 3 files; 2 of 5 use-case files valid");
  }

  @Test
  void validate_validLegacyFolder_nonStrictExits0() {
    CliRun run = CliRun.of("validate", CliRun.LEGACY.resolve("valid").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("OK: 0 problems in 0 files; 2 of 2 use-case files valid\n");
  }

  @Test
  void validate_validLegacyFolder_strictRejectsLegacyFormatAndExits1() {
    CliRun run = CliRun.of("validate", "--strict", CliRun.LEGACY.resolve("valid").toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("customers.yaml:1:1: Legacy format is not accepted in strict mode")
        .contains("orders.yaml:1:1: Legacy format")
        .contains("[unsupported-api-version]")
        .endsWith("FAILED: 2 problems in 2 files; 2 of 2 use-case files valid\n");
  }

  @Test
  void validate_nativeExamples_strictExits0() {
    CliRun run = CliRun.of("validate", "--strict", CliRun.EXAMPLES.toString());

    assertThat(run.exitCode()).as(run.out()).isZero();
    assertThat(run.out()).startsWith("OK: 0 problems");
  }

  @Test
  void validate_jsonFormat_isArrayOfLocatedProblems() throws Exception {
    CliRun run = CliRun.of("validate", "--format", "json", CliRun.LEGACY.toString());

    JsonNode problems = new ObjectMapper().readTree(run.out());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(problems.isArray()).isTrue();
    assertThat(problems).hasSize(3);
    JsonNode missing = null;
    for (JsonNode problem : problems) {
      assertThat(problem.fieldNames())
          .toIterable()
          .containsExactly("file", "line", "column", "path", "code", "message", "useCase");
      if (problem.path("file").asText().equals("invalid/missing-entrypoint.yaml")) {
        missing = problem;
      }
    }
    assertThat(missing).isNotNull();
    assertThat(missing.path("line").asInt()).isPositive();
    assertThat(missing.path("column").asInt()).isPositive();
    assertThat(missing.path("code").asText()).isEqualTo("required");
    assertThat(missing.path("path").asText()).endsWith(".spark.entrypoint");
  }

  @Test
  void validate_jsonFormat_cleanIsEmptyArray() throws Exception {
    CliRun run = CliRun.of("validate", "--format=json", CliRun.LEGACY.resolve("valid").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(new ObjectMapper().readTree(run.out())).isEmpty();
  }

  @Test
  void validate_missingPath_printsOneErrorLineAndExits2() {
    CliRun run = CliRun.of("validate", "no/such/folder");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "lakeplan: error: No such file or folder: no/such/folder (give a use-case file or"
                + " folder) (see 'lakeplan validate --help')\n");
  }
}
