package io.lakeplan.testkit;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static io.lakeplan.testkit.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PipelineTestDriverTest {

  private static final Instant START = Instant.parse("2024-05-10T00:30:00Z");

  @RegisterExtension
  static final PipelineTestExtension PIPELINE =
      PipelineTestExtension.forBuilder(
          () -> PipelineTestDriver.builder().useCase(orders(0)).startTime(START));

  static UseCase orders(int retries) {
    return orders(retries, "op = 'D'", "updated_at");
  }

  static UseCase orders(int retries, String deleteWhen, String... orderBy) {
    return UseCase.named("orders")
        .owner("data@example.com")
        .schedule("@daily")
        .retries(retries)
        .notify(
            n ->
                n.onFailure(true)
                    .onRetry(true)
                    .onSuccess(true)
                    .addTarget(
                        NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:alerts")))
        .table(
            "process.orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp"))
        .migrate(
            m ->
                m.id("history")
                    .fromPath("data/orders", FileFormat.PARQUET)
                    .target(
                        "raw.orders",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .partitionBy("day(updated_at)"))
                    .watermarkColumn("updated_at"))
        .mergeInto(
            "process.orders",
            m ->
                m.id("upsert")
                    .source("raw.orders")
                    .addKey("order_id")
                    .orderBy(orderBy)
                    .deleteWhen(deleteWhen))
        .build();
  }

  /** A row of the migration's input, in the columns of {@code raw.orders}. */
  private static Map<String, Object> historyRow(
      Object orderId, String status, Object amount, String op, String updatedAt) {
    return row(
        "order_id", orderId, "status", status, "amount", amount, "op", op, "updated_at", updatedAt);
  }

  private static void history(PipelineTestDriver driver) {
    driver
        .landingFiles("history")
        .addFile(
            historyRow(1, "NEW", "10.5", "I", "2024-05-01T10:00:00"),
            historyRow(1, "PAID", "10.5", "U", "2024-05-02T10:00:00"),
            historyRow(2, "NEW", 20, "I", "2024-05-01T11:00:00"));
  }

  @Test
  void runAll_runsTheDagsInDependencyOrder_andTheTablesHoldTheResult(PipelineTestDriver driver) {
    history(driver);

    List<DagRun> runs = driver.runAll();

    assertThat(runs)
        .extracting(DagRun::dagId)
        .containsExactly("orders.migration", "orders.transformation");
    runs.forEach(run -> assertThat(run).succeeded());
    assertThat(driver.table("process.orders"))
        .containsExactlyInAnyOrder(
            row(
                "order_id",
                1,
                "status",
                "PAID",
                "amount",
                "10.50",
                "updated_at",
                "2024-05-02T10:00:00"),
            row(
                "order_id",
                2,
                "status",
                "NEW",
                "amount",
                "20.00",
                "updated_at",
                "2024-05-01T11:00:00"))
        .hasSnapshotCount(1);
    assertThat(driver.watermarks())
        .hasWatermark("raw.orders", Instant.parse("2024-05-02T10:00:00Z"));
    assertThat(driver.table("raw.orders").rows().get(0).get("updated_at"))
        .isInstanceOf(LocalDateTime.class);
  }

  @Test
  void aTeamsOwnSparkJob_failsNamingWhereItRuns_neverSkippedSilently() {
    UseCase legacy =
        UseCase.named("legacy")
            .owner("data-team@example.com")
            .sparkJob(
                job ->
                    job.id("report")
                        .entrypoint("s3://code/report.py")
                        .sparkSubmitParameters("--conf spark.executor.cores=2"))
            .build();
    try (PipelineTestDriver driver = PipelineTestDriver.builder().useCase(legacy).build()) {
      Dag dag = driver.plan().dags().get(0);

      DagRun run = driver.run(dag.id());

      TaskResult result = run.result(dag.tasksInOrder().get(0).id());
      assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
      assertThat(result.summary())
          .isEqualTo(
              "Spark job report (a team's own entry point) is not run by the in-memory engine:"
                  + " it runs on local Spark (lakeplan run, through spark-submit), on EMR"
                  + " Serverless (lakeplan run --on emr-serverless) and in the rendered Airflow"
                  + " DAG; leave the task out of the pipeline test"
                  + " (PipelineTestDriver.Builder.skipTask)");
    }
  }

  @Test
  void tableAssert_failure_namesMissingAndUnexpectedRows(PipelineTestDriver driver) {
    history(driver);
    driver.runAll();

    assertThatThrownBy(
            () ->
                assertThat(driver.table("process.orders"))
                    .containsExactlyInAnyOrder(
                        row(
                            "order_id",
                            1,
                            "status",
                            "NEW",
                            "amount",
                            "10.50",
                            "updated_at",
                            "2024-05-02T10:00:00")))
        .hasMessageContaining("missing: [{order_id=1, status=NEW")
        .hasMessageContaining("unexpected: [{order_id=1, status=PAID");
  }

  @Test
  void unknownNames_failWithTheKnownOnes(PipelineTestDriver driver) {
    assertThatThrownBy(() -> driver.table("raw.order"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Unknown table 'raw.order'")
        .hasMessageContaining("process.orders, raw.orders");
    assertThatThrownBy(() -> driver.landingFiles("histroy"))
        .hasMessageContaining("Unknown migration 'histroy' (migrations: history)");
    assertThatThrownBy(() -> driver.inputTopic("orders.v1"))
        .hasMessageContaining("Unknown topic 'orders.v1'");
    assertThatThrownBy(() -> driver.sourceTable("public.orders"))
        .hasMessageContaining("Unknown source table 'public.orders'");
    assertThatThrownBy(() -> driver.run("orders.nope")).hasMessageContaining("orders.migration");
    assertThatThrownBy(() -> driver.deleteCheckpoint("clicks"))
        .hasMessageContaining("Unknown Kafka ingestion 'clicks' (Kafka ingestions: none)");
  }

  @Test
  void tableNotYetCreated_readsAsEmpty(PipelineTestDriver driver) {
    OutputTable table = driver.table("process.orders");

    assertThat(table.exists()).isFalse();
    assertThat(table.rows()).isEmpty();
    assertThat(table.snapshots()).isEmpty();
    assertThat(table.currentSnapshot()).isNull();
  }

  @Test
  void badInputValue_failsTheTaskNamingColumnAndProblem_neverTheValue(PipelineTestDriver driver) {
    driver.landingFiles("history").addFile(historyRow("abc", "NEW", 1, "I", "2024-05-01T10:00:00"));

    DagRun run = driver.run("orders.migration");

    assertThat(run)
        .failed()
        .hasFailedTask("history.convert", "column order_id: 1 value refused, not a number (long)")
        .hasFailedTask("history.convert", "nothing was written")
        .hasTaskStatus("history.watermark", TaskResult.Status.SKIPPED);
    assertThat(driver.table("raw.orders")).isEmpty();
  }

  @Test
  void badInputValues_inSeveralFiles_failTheTaskCountingThemAll(PipelineTestDriver driver) {
    LandingFiles files = driver.landingFiles("history");
    for (String orderId : List.of("first", "second", "third", "fourth")) {
      files.addFile(historyRow(orderId, "NEW", 1, "I", "2024-05-01T10:00:00"));
    }

    DagRun run = driver.run("orders.migration");

    // the files are converted side by side; the failure counts the values of every file
    assertThat(run)
        .failed()
        .hasFailedTask("history.convert", "column order_id: 4 values refused, e.g. not a number");
    assertThat(driver.table("raw.orders")).isEmpty();
  }

  @Test
  void fullReconciliation_failsNamingWhatDiffers_whenTheSourceChangedAfterTheConversion(
      PipelineTestDriver driver) {
    history(driver);
    assertThat(driver.run("orders.migration")).succeeded();
    // a file lands after the conversion: the table no longer matches its source
    driver
        .landingFiles("history")
        .addFile(historyRow(3, "NEW", "99.99", "I", "2024-05-03T10:00:00"));

    TaskResult result = driver.runTask("orders.migration", "history.reconcile");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("differ")
        .contains("rows: source=4 target=3")
        .contains("row hash")
        .contains("column order_id max: source=3 target=2")
        .contains("column amount max: source=99.99 target=20.00")
        .doesNotContain("column op nulls")
        .doesNotContain("column status min");
  }

  @Test
  void advanceWallClockTime_firesEachScheduleOnceAtItsTime(PipelineTestDriver driver) {
    history(driver);
    driver.run("orders.migration");

    List<DagRun> runs = driver.advanceWallClockTime(Duration.ofDays(2));

    // the migration DAG runs by hand; the @daily transformation at each midnight on the way
    assertThat(runs)
        .extracting(run -> run.dagId() + "@" + run.logicalTime() + ":" + run.succeeded())
        .containsExactly(
            "orders.transformation@2024-05-11T00:00:00Z:true",
            "orders.transformation@2024-05-12T00:00:00Z:true");
    assertThat(driver.table("process.orders").snapshots())
        .extracting(TableSnapshot::committedAt)
        .containsExactly(Instant.parse("2024-05-11T00:00:00Z"));
    assertThat(driver.now()).isEqualTo(START.plus(Duration.ofDays(2)));
    assertThat(driver.advanceWallClockTime(Duration.ofHours(1))).isEmpty();
  }

  @Test
  void advanceWallClockTime_refusedForTooManyRuns_changesNothing_soASmallerStepRunsThemAll() {
    UseCase everyMinute = UseCase.builder().from(orders(0)).schedule("* * * * *").build();
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(everyMinute).startTime(START).build()) {
      history(driver);
      driver.run("orders.migration");

      assertThatThrownBy(() -> driver.advanceWallClockTime(Duration.ofDays(8)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("advance in smaller steps");
      List<DagRun> runs = driver.advanceWallClockTime(Duration.ofMinutes(3));

      assertThat(driver.now()).isEqualTo(START.plus(Duration.ofMinutes(3)));
      assertThat(runs)
          .extracting(run -> run.dagId() + "@" + run.logicalTime())
          .containsExactly(
              "orders.transformation@" + START.plus(Duration.ofMinutes(1)),
              "orders.transformation@" + START.plus(Duration.ofMinutes(2)),
              "orders.transformation@" + START.plus(Duration.ofMinutes(3)));
    }
  }

  @Test
  void snapshots_ofCommitsAtOneDriverTime_areInCommitOrder(PipelineTestDriver driver) {
    history(driver);
    driver.run("orders.migration");
    for (int id = 3; id < 7; id++) {
      // a changed input, nothing else wrote: converted again, at the same driver time
      driver
          .landingFiles("history")
          .addFile(historyRow(id, "NEW", "30", "I", "2024-05-03T10:00:00"));
      driver.run("orders.migration");
    }

    List<TableSnapshot> snapshots = driver.table("raw.orders").snapshots();
    assertThat(snapshots).hasSize(5);
    for (int i = 1; i < snapshots.size(); i++) {
      assertThat(snapshots.get(i).parentId()).isEqualTo(snapshots.get(i - 1).snapshotId());
    }
  }

  @Test
  void failTask_withRetries_recordsRetryThenSucceeds() {
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(orders(1)).startTime(START).build()) {
      history(driver);
      driver.failTask("orders.migration", "history.convert");

      DagRun run = driver.run("orders.migration");

      assertThat(run).succeeded();
      assertThat(driver.notifications())
          .extracting(Notification::event, Notification::taskId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Notification.Event.RETRY, "history.convert"),
              org.assertj.core.groups.Tuple.tuple(Notification.Event.SUCCESS, null));
      assertThat(driver.notifications().get(0).targets())
          .containsExactly("sns:arn:aws:sns:eu-west-1:123456789012:alerts");
    }
  }

  @Test
  void failTask_withoutRetries_failsTheRunAndSkipsDownstream(PipelineTestDriver driver) {
    history(driver);
    driver.failTask("orders.migration", "history.create-table");

    List<DagRun> runs = driver.runAll();

    assertThat(runs.get(0)).hasFailedTask("history.create-table", "injected failure");
    assertThat(runs.get(0)).hasTaskStatus("history.convert", TaskResult.Status.SKIPPED);
    assertThat(runs.get(1)).hasTaskStatus("upsert", TaskResult.Status.SKIPPED);
    assertThat(driver.notifications())
        .singleElement()
        .satisfies(n -> assertThat(n.event()).isEqualTo(Notification.Event.FAILURE));
  }

  @Test
  void preSeededWatermark_isVisibleToTasks() {
    InMemoryWatermarkStore store =
        new InMemoryWatermarkStore()
            .seed("raw.orders", Watermark.of(Instant.parse("2030-01-01T00:00:00Z")));
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder()
            .useCase(orders(0))
            .startTime(START)
            .watermarkStore(store)
            .build()) {
      history(driver);

      DagRun run = driver.run("orders.migration");

      // the store is monotonic: the migration keeps the later watermark and says so
      assertThat(run).hasTaskStatus("history.watermark", TaskResult.Status.SUCCEEDED);
      assertThat(run.result("history.watermark").summary())
          .contains("already at timestamp:2030-01-01T00:00:00Z")
          .contains("kept");
      assertThat(driver.watermarks())
          .hasWatermark("raw.orders", Instant.parse("2030-01-01T00:00:00Z"));
    }
  }

  @Test
  void sqlFileMerge_failsNamingTheAlternative() {
    UseCase useCase = UseCase.builder().from(orders(0)).merges(List.of()).build();
    UseCase withSql =
        UseCase.builder()
            .from(useCase)
            .addMerge(
                io.lakeplan.model.Merge.builder()
                    .id("custom")
                    .target("process.orders")
                    .sqlFile("merge.sql")
                    .build())
            .build();
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(withSql).startTime(START).build()) {
      history(driver);
      driver.run("orders.migration");

      DagRun run = driver.run("orders.transformation");

      assertThat(run).hasFailedTask("custom", "test it on the Spark engine");
    }
  }

  @Test
  void merge_compoundDeleteCondition_andTwoOrderColumns_decidePerKey() {
    // a null op makes the condition unknown: no delete
    UseCase useCase = orders(0, "op = 'D' AND amount >= 50", "updated_at", "status");
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(useCase).startTime(START).build()) {
      driver
          .landingFiles("history")
          .addFile(
              historyRow(1, "NEW", 10, "I", "2024-05-01T10:00:00"),
              historyRow(1, "GONE", 60, "D", "2024-05-02T10:00:00"),
              historyRow(2, "NEW", 20, "I", "2024-05-01T10:00:00"),
              historyRow(2, "FIX", 10, "D", "2024-05-02T10:00:00"),
              historyRow(3, "NEW", 70, null, "2024-05-01T10:00:00"),
              historyRow(4, "B", 1, "U", "2024-05-03T10:00:00"),
              historyRow(4, "A", 2, "U", "2024-05-03T10:00:00"),
              historyRow(5, "Z", 1, "U", "2024-05-01T10:00:00"),
              historyRow(5, "A", 2, "U", "2024-05-02T10:00:00"));

      driver.runAll().forEach(run -> assertThat(run).succeeded());

      assertThat(driver.table("process.orders"))
          .containsExactlyInAnyOrder(
              processRow(2, "FIX", "10.00", "2024-05-02T10:00:00"),
              processRow(3, "NEW", "70.00", "2024-05-01T10:00:00"),
              processRow(4, "B", "1.00", "2024-05-03T10:00:00"),
              processRow(5, "A", "2.00", "2024-05-02T10:00:00"));
    }
  }

  private static Map<String, Object> processRow(
      long orderId, String status, String amount, String updatedAt) {
    return row("order_id", orderId, "status", status, "amount", amount, "updated_at", updatedAt);
  }

  @Test
  void closedDriver_rejectsUse() {
    PipelineTestDriver driver = PipelineTestDriver.builder().useCase(orders(0)).build();
    driver.close();

    assertThatThrownBy(() -> driver.table("raw.orders")).hasMessage("The driver is closed");
  }

  @Test
  void invalidUseCase_failsAtBuildWithEveryProblem() {
    UseCase invalid = UseCase.builder().from(orders(0)).owner(null).build();

    assertThatThrownBy(() -> PipelineTestDriver.builder().useCase(invalid).build())
        .hasMessageContaining("owner");
  }
}
