package io.lakeplan.examples.jdbc;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.examples.OrderChange;
import io.lakeplan.examples.SampleOrders;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.testkit.PipelineTestExtension;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC example ({@code examples/jdbc-orders}) on the testkit: the same use case file and the
 * same sample orders as {@code bin/run-example jdbc-orders}, with the PostgreSQL table as an
 * in-memory source table that keeps each order's latest version, as the database does.
 */
class JdbcOrdersPipelineTest {
  private static final Path EXAMPLE = Path.of("jdbc-orders");
  private static final String SOURCE = "public.orders";

  @RegisterExtension
  static final PipelineTestExtension PIPELINE =
      PipelineTestExtension.forBuilder(
          () ->
              PipelineTestDriver.builder()
                  .useCases(EXAMPLE)
                  .startTime(Instant.parse("2026-03-02T12:00:00Z")));

  /** The source table's rows: each order's latest version. */
  private final Map<Long, OrderChange> database = new TreeMap<>();

  /** Writes {@code changes} as {@link ShopDatabase#write} does: insert or update in place. */
  private void write(PipelineTestDriver driver, List<OrderChange> changes) {
    changes.forEach(change -> database.put(change.orderId(), change));
    driver.sourceTable(SOURCE).clear().insert(rows(database.values()));
  }

  private static List<Map<String, Object>> rows(Collection<OrderChange> changes) {
    return changes.stream().map(OrderChange::toRow).toList();
  }

  private static Instant latest(Collection<OrderChange> changes) {
    LocalDateTime latest =
        changes.stream().map(OrderChange::updatedAt).max(Comparator.naturalOrder()).orElseThrow();
    return latest.toInstant(ZoneOffset.UTC);
  }

  @Test
  void firstWave_isIngestedAndUpserted_oneRowPerOrder(PipelineTestDriver driver) {
    write(driver, SampleOrders.firstWave());

    driver.runAll().forEach(run -> assertThat(run).succeeded());

    // the database held each order once, at its latest version
    assertThat(driver.table("raw.pg_orders"))
        .containsExactlyInAnyOrderElementsOf(rows(database.values()));
    assertThat(driver.table("process.pg_orders"))
        .containsExactlyInAnyOrderElementsOf(rows(database.values()));
    assertThat(driver.watermarks()).hasWatermark("raw.pg_orders", latest(database.values()));
  }

  @Test
  void secondWave_readsOnlyTheChangedOrders_andUpsertsThem(PipelineTestDriver driver) {
    write(driver, SampleOrders.firstWave());
    driver.runAll();
    List<Map<String, Object>> firstRead = rows(database.values());

    write(driver, SampleOrders.secondWave());
    driver.runAll().forEach(run -> assertThat(run).succeeded());

    // the lookback reads orders unchanged since the first run again; they are not appended twice
    List<Map<String, Object>> raw = new ArrayList<>(firstRead);
    raw.addAll(rows(SampleOrders.secondWave()));
    assertThat(driver.table("raw.pg_orders")).containsExactlyInAnyOrderElementsOf(raw);
    assertThat(driver.table("process.pg_orders"))
        .containsExactlyInAnyOrderElementsOf(rows(database.values()));
    assertThat(driver.watermarks()).hasWatermark("raw.pg_orders", latest(database.values()));
  }

  @Test
  void runWithoutChanges_appendsNothing(PipelineTestDriver driver) {
    write(driver, SampleOrders.firstWave());
    driver.runAll();
    int snapshots = driver.table("raw.pg_orders").snapshotCount();

    driver.runAll().forEach(run -> assertThat(run).succeeded());

    assertThat(driver.table("raw.pg_orders"))
        .hasRowCount(database.size())
        .hasSnapshotCount(snapshots);
  }

  @Test
  void secretsAreReferences_toTheLaunchersVariable() {
    JdbcIngestion ingestion =
        Workspace.loadStrict(EXAMPLE).useCases().get(0).useCase().jdbcIngestions().get(0);
    assertThat(ingestion.connection().password())
        .isEqualTo(SecretRef.env(JdbcOrdersExample.PASSWORD_VARIABLE));
    assertThat(ingestion.connection().url())
        .isEqualTo(
            "jdbc:postgresql://127.0.0.1:" + JdbcOrdersExample.PORT + "/" + ShopDatabase.DATABASE);
    assertThat(ingestion.connection().user()).isEqualTo(ShopDatabase.USER);
  }
}
