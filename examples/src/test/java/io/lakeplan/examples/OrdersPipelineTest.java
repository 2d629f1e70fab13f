package io.lakeplan.examples;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static io.lakeplan.testkit.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.testkit.PipelineTestExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unit tests of the orders use case on the testkit: its whole plan runs in memory, in milliseconds,
 * with the Spark engine's semantics.
 */
class OrdersPipelineTest {

  private static final Instant START = Instant.parse("2024-06-01T00:30:00Z");

  // --8<-- [start:extension]
  @RegisterExtension
  static final PipelineTestExtension PIPELINE =
      PipelineTestExtension.forBuilder(
          () -> PipelineTestDriver.builder().useCase(OrdersUseCase.build()).startTime(START));

  // --8<-- [end:extension]

  private static Map<String, Object> change(
      long id, String status, String amount, String op, String updatedAt) {
    return row(
        "order_id",
        id,
        "customer_id",
        7,
        "status",
        status,
        "amount",
        amount,
        "op",
        op,
        "updated_at",
        updatedAt);
  }

  private static Map<String, Object> order(
      long id, String status, String amount, String updatedAt) {
    return row(
        "order_id",
        id,
        "customer_id",
        7,
        "status",
        status,
        "amount",
        amount,
        "updated_at",
        updatedAt);
  }

  // --8<-- [start:history-test]
  @Test
  void history_isMigratedAndUpsertedLatestWins(PipelineTestDriver driver) {
    driver
        .landingFiles("orders-history")
        .addFile(
            change(1, "NEW", "10.00", "I", "2024-05-01T10:00:00"),
            change(1, "PAID", "10.00", "U", "2024-05-02T09:00:00"),
            change(2, "NEW", "25.50", "I", "2024-05-01T12:00:00"))
        .addFile(
            change(2, "CANCELLED", "25.50", "D", "2024-05-03T08:00:00"),
            change(3, "NEW", "99.99", "I", "2024-05-03T09:00:00"));

    List<DagRun> runs = driver.runAll();

    assertThat(runs.get(runs.size() - 2)).succeeded(); // orders.migration
    assertThat(driver.run("orders.transformation")).succeeded();
    assertThat(driver.table("raw.orders")).hasRowCount(5);
    assertThat(driver.table("process.orders"))
        .containsExactlyInAnyOrder(
            order(1, "PAID", "10.00", "2024-05-02T09:00:00"),
            order(3, "NEW", "99.99", "2024-05-03T09:00:00"));
    assertThat(driver.watermarks())
        .hasWatermark("raw.orders", Instant.parse("2024-05-03T09:00:00Z"));
    // the history keeps every version, and the delete closed order 2's
    assertThat(driver.table("process.order_history"))
        .containsExactlyInAnyOrder(
            version(order(1, "NEW", "10.00", "2024-05-01T10:00:00"), "2024-05-02T09:00:00"),
            version(order(1, "PAID", "10.00", "2024-05-02T09:00:00"), null),
            version(order(2, "NEW", "25.50", "2024-05-01T12:00:00"), "2024-05-03T08:00:00"),
            version(order(3, "NEW", "99.99", "2024-05-03T09:00:00"), null));
  }

  // --8<-- [end:history-test]

  /** {@code order} as a version of the history, valid from its updated_at until {@code until}. */
  private static Map<String, Object> version(Map<String, Object> order, String until) {
    Map<String, Object> version = new java.util.LinkedHashMap<>(order);
    version.put("valid_from", order.get("updated_at"));
    version.put("valid_to", until);
    version.put("is_current", until == null);
    return version;
  }

  @Test
  void brokenHistoryFile_failsReconciliationOrConversion_andNothingIsMerged(
      PipelineTestDriver driver) {
    driver
        .landingFiles("orders-history")
        .addFile(row("customer_id", 7, "status", "NEW", "updated_at", "2024-05-01T10:00:00"));

    DagRun migration = driver.run("orders.migration");

    assertThat(migration).hasFailedTask("orders-history.convert", "order_id");
    assertThat(migration).hasTaskStatus("orders-history.reconcile", TaskResult.Status.SKIPPED);
    assertThat(driver.table("raw.orders")).isEmpty();
  }

  @Test
  void aWeekOfSchedules_expiresOldSnapshotsOfRawOrders_andKeepsTheData(PipelineTestDriver driver) {
    List<Map<String, Object>> expected = new ArrayList<>();
    for (int day = 1; day <= 6; day++) {
      String time = LocalDateTime.parse("2024-05-0" + day + "T10:00:00").toString();
      driver.landingFiles("orders-history").addFile(change(day, "NEW", day + ".00", "I", time));
      assertThat(driver.run("orders.migration")).succeeded();
      expected.add(order(day, "NEW", day + ".00", time));
    }
    assertThat(driver.table("raw.orders")).hasSnapshotCount(6);

    // eight days of hourly transformations and daily maintenance (expire after 7 days, keep 5)
    List<DagRun> runs = driver.advanceWallClockTime(Duration.ofDays(8));

    assertThat(runs).extracting(DagRun::dagId).contains("orders.maintenance.daily");
    runs.forEach(run -> assertThat(run).succeeded());
    assertThat(driver.table("raw.orders")).hasSnapshotCount(5).hasRowCount(6);
    assertThat(driver.table("process.orders")).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void yamlUseCase_behavesLikeTheJavaOne() {
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCases(Path.of("orders")).startTime(START).build()) {
      driver
          .landingFiles("orders-history")
          .addFile(change(1, "NEW", "10.00", "I", "2024-05-01T10:00:00"));

      driver.runAll();
      driver.run("orders.transformation");

      assertThat(driver.table("process.orders"))
          .containsExactlyInAnyOrder(order(1, "NEW", "10.00", "2024-05-01T10:00:00"));
    }
  }
}
