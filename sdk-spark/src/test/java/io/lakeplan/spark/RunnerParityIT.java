package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.UseCase;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.PlanRun;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.testkit.Rows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lakeplan run} (LocalRunner on Spark) and the testkit (PipelineTestDriver in memory) run a
 * plan through the same {@code DagRunner}: for the same plan and the same failure they report the
 * same run — which tasks ran, how often, which failed, which did not run and why.
 */
class RunnerParityIT {

  private final Path base = TestSpark.newDir("parity");

  /**
   * A migration whose input has an order without its required id: the conversion fails on both
   * engines, twice (one retry); what follows it in the DAG and the merge DAG downstream do not run;
   * the maintenance DAG, independent, runs.
   */
  private static UseCase parity() {
    return UseCase.named("parity")
        .owner("data-team@example.com")
        .retries(1)
        .retryDelay(Duration.ofMillis(10))
        .table(
            "process.orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("status", "string")
                    .column("updated_at", "timestamp"))
        .migrate(
            m ->
                m.id("history")
                    .fromPath("data/history", FileFormat.PARQUET)
                    .target(
                        "raw.orders",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("updated_at", "timestamp"))
                    .watermarkColumn("updated_at"))
        .mergeInto(
            "process.orders",
            m -> m.id("upsert").source("raw.orders").addKey("order_id").orderBy("updated_at"))
        .maintain("raw.orders", m -> m.id("raw-orders").expireSnapshots(Duration.ofDays(7), 1))
        .build();
  }

  /** Each task as {@code dag/task STATUS xN}, in plan order, and the tasks that did not run. */
  private static List<String> outcome(List<DagRun> runs) {
    List<String> lines = new ArrayList<>();
    for (DagRun run : runs) {
      run.results()
          .forEach(
              (task, result) ->
                  lines.add(
                      run.dagId()
                          + "/"
                          + task
                          + " "
                          + result.status()
                          + " x"
                          + run.attempts(task)
                          + (result.status() == io.lakeplan.spi.TaskResult.Status.SKIPPED
                              ? " (" + result.summary() + ")"
                              : "")));
    }
    return lines;
  }

  private static List<String> outcome(PlanRun.Report report) {
    List<String> lines = new ArrayList<>();
    report
        .entries()
        .forEach(
            entry ->
                lines.add(
                    entry.dagId()
                        + "/"
                        + entry.taskId()
                        + " "
                        + entry.result().status()
                        + " x"
                        + entry.attempts()));
    report
        .notRun()
        .forEach(
            task ->
                lines.add(
                    task.dagId()
                        + "/"
                        + task.taskId()
                        + " SKIPPED x0 (not run: "
                        + task.reason()
                        + ")"));
    return lines;
  }

  @Test
  void aFailingConversion_isReportedAlikeByLakeplanRunAndTheTestkit() throws Exception {
    UseCase useCase = parity();
    Path folder = Files.createDirectories(base.resolve("use-case"));
    Files.writeString(folder.resolve("parity.yaml"), UseCaseCodec.toYaml(useCase));
    TestSpark.session()
        .sql(
            "SELECT * FROM VALUES (1L, 'NEW', TIMESTAMP_NTZ '2024-05-01 10:00:00'),"
                + " (CAST(NULL AS BIGINT), 'NEW', TIMESTAMP_NTZ '2024-05-01 11:00:00')"
                + " AS t(order_id, status, updated_at)")
        .coalesce(1)
        .write()
        .parquet(folder.resolve("data/history").toUri().toString());

    PlanRun.Report onSpark =
        LocalRunner.run(folder, base.resolve("warehouse"), TestSpark.session());
    List<DagRun> inMemory;
    try (PipelineTestDriver driver = PipelineTestDriver.builder().useCase(useCase).build()) {
      driver
          .landingFiles("history")
          .addFile(
              Rows.row("order_id", 1, "status", "NEW", "updated_at", "2024-05-01T10:00:00"),
              Rows.row("order_id", null, "status", "NEW", "updated_at", "2024-05-01T11:00:00"));
      inMemory = driver.runAll();
    }

    assertThat(onSpark.succeeded()).isFalse();
    List<String> expected = outcome(inMemory);
    assertThat(expected)
        .contains(
            "parity.migration/history.convert FAILED x2",
            "parity.migration/history.watermark SKIPPED x0 (not run: upstream task"
                + " history.convert failed)")
        .anyMatch(line -> line.startsWith("parity.maintenance/") && line.contains("SUCCEEDED x1"))
        .anyMatch(
            line ->
                line.startsWith("parity.transformation/")
                    && line.endsWith("(not run: upstream DAG parity.migration failed)"));
    assertThat(outcome(onSpark)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(onSpark.result("parity.migration", "history.convert").summary())
        .contains("null in a required column");
  }
}
