package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void validate_withEnvironment_reportsTheSlasItsAirflowVersionCannotCarry(@TempDir Path folder)
      throws Exception {
    Path workspace = folder.resolve("orders");
    Files.createDirectories(workspace);
    Files.writeString(
        workspace.resolve("orders.yaml"),
        Files.readString(CliRun.EXAMPLES.resolve("orders").resolve("orders.yaml"))
            .replace("  on-retry: true\n", "  on-retry: true\n  on-sla-miss: true\n  sla: 2h\n"));
    Path airflow30 = folder.resolve("mwaa-30.yaml");
    Files.writeString(airflow30, "airflow:\n  version: 3.0.6\n");
    Path airflow2 = folder.resolve("mwaa-2.yaml");
    Files.writeString(airflow2, "airflow:\n  version: 2.11.2\n");
    Path airflow33 = folder.resolve("mwaa-33.yaml");
    Files.writeString(airflow33, "airflow:\n  version: 3.3.1\n");

    CliRun refused = CliRun.of("validate", workspace.toString(), "--env", airflow30.toString());
    CliRun cronOnly = CliRun.of("validate", workspace.toString(), "--env", airflow2.toString());
    CliRun carried = CliRun.of("validate", workspace.toString(), "--env", airflow33.toString());
    CliRun withoutEnvironment = CliRun.of("validate", workspace.toString());

    assertThat(refused.exitCode()).as(refused.out()).isEqualTo(1);
    assertThat(refused.out())
        .contains(
            "orders: notifications: DAG orders.transformation is not rendered: on-sla-miss with"
                + " sla PT2H cannot be rendered for Airflow 3.0.6 (airflow.version)")
        .contains("[conflicting-settings]");
    // Airflow 2 checks SLAs of scheduled runs only: the manual migration DAG cannot have one
    assertThat(cronOnly.exitCode()).as(cronOnly.out()).isEqualTo(1);
    assertThat(cronOnly.out())
        .contains("DAG orders.migration is not rendered")
        .contains("Airflow 2 checks SLAs only against the runs of a cron schedule")
        .doesNotContain("DAG orders.transformation is not rendered");
    assertThat(carried.exitCode()).as(carried.out()).isZero();
    assertThat(withoutEnvironment.exitCode()).as(withoutEnvironment.out()).isZero();
  }

  /** Each folder of native use cases under examples/ (environments and legacy files live apart). */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "orders",
        "jdbc-orders",
        "kafka-orders",
        "shop-workspace/use-cases",
        "legacy-workspace/imported"
      })
  void validate_nativeExamples_strictExits0(String folder) {
    CliRun run = CliRun.of("validate", "--strict", CliRun.EXAMPLES.resolve(folder).toString());

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
          .containsExactly(
              "file", "line", "column", "path", "severity", "code", "message", "useCase");
      assertThat(problem.path("severity").asText()).isEqualTo("error");
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
  void validate_jdbcWithoutLookback_printsAWarning_andExits0(@TempDir Path folder)
      throws Exception {
    Files.writeString(
        folder.resolve("shop.yaml"),
        """
        api-version: lakeplan/v1
        name: shop
        owner: team@example.com
        tables:
          - table: raw.events
            columns: [{name: id, type: long}, {name: updated_at, type: timestamp}]
        jdbc-ingestions:
          - id: load
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.events
            incremental-column: updated_at
            target: raw.events
        """);

    CliRun text = CliRun.of("validate", "--strict", folder.toString());
    CliRun json = CliRun.of("validate", "--format=json", folder.toString());

    Problem warning = Workspace.load(folder).warnings().get(0);
    assertThat(text.exitCode()).isZero();
    assertThat(text.out())
        .isEqualTo(
            "shop.yaml:8:5: warning: jdbc-ingestions[load].lookback: "
                + warning.message()
                + " [late-rows-unread]\n"
                + "OK: 0 problems in 0 files; 1 of 1 use-case files valid; 1 warning\n");
    assertThat(warning.message())
        .startsWith("No lookback: each run reads only rows with updated_at");
    assertThat(json.exitCode()).isZero();
    JsonNode entries = new ObjectMapper().readTree(json.out());
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).path("severity").asText()).isEqualTo("warning");
    assertThat(entries.get(0).path("code").asText()).isEqualTo("late-rows-unread");
    assertThat(entries.get(0).path("path").asText()).isEqualTo("jdbc-ingestions[load].lookback");
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
