package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConvertIT {

  private final Path base = TestSpark.newDir("convert");

  private static long snapshotId(String table) throws Exception {
    Table loaded = Spark3Util.loadIcebergTable(TestSpark.session(), table);
    loaded.refresh();
    return loaded.currentSnapshot() == null ? -1 : loaded.currentSnapshot().snapshotId();
  }

  private static long count(String table) {
    return TestSpark.session().table(table).count();
  }

  private Migration prepared(String name, int rows) {
    TestData.writeParquet(base.resolve("src-" + name), TestData.ordersSql(rows));
    Migration migration = TestData.migration(name, "src-" + name, "conv." + name);
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));
    return migration;
  }

  @Test
  void rewrite_parquetSource_writesEveryRowAndRerunIsIdempotent() {
    Migration migration = prepared("rewrite", 120);

    TaskResult first = TestSpark.run(base, TaskSpec.Convert.of(migration));
    TaskResult second = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(first.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.rows()).isEqualTo(120);
    assertThat(first.files()).isPositive();
    assertThat(second.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(count("lakeplan.conv.rewrite")).isEqualTo(120);
    assertThat(
            TestSpark.session()
                .sql("SELECT sum(amount) FROM lakeplan.conv.rewrite")
                .first()
                .getDecimal(0))
        .isEqualByComparingTo(
            TestSpark.session()
                .sql("SELECT sum(amount) FROM (" + TestData.ordersSql(120) + ")")
                .first()
                .getDecimal(0));
  }

  @Test
  void rewrite_missingSourcePath_failsAndLeavesTableUnchanged() throws Exception {
    Migration good = prepared("missing", 10);
    TestSpark.run(base, TaskSpec.Convert.of(good));
    long before = snapshotId("lakeplan.conv.missing");
    Migration missing = TestData.migration("missing", "no-such-folder", "conv.missing");

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(missing));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("Input path of migration missing does not exist")
        .contains("no-such-folder");
    assertThat(snapshotId("lakeplan.conv.missing")).isEqualTo(before);
  }

  @Test
  void rewrite_appendNewColumns_addsTheColumnInTheCommitOfItsRows() throws Exception {
    Migration migration = prepared("evolve", 10);
    TestSpark.run(base, TaskSpec.Convert.of(migration));
    long before = snapshotId("lakeplan.conv.evolve");
    TestData.writeParquet(
        base.resolve("src-evolve-2"),
        "SELECT order_id, customer_id, status, amount, updated_at,"
            + " CASE WHEN order_id % 2 = 0 THEN 'web' END AS channel FROM ("
            + TestData.ordersSql(20)
            + ")");
    Migration evolving =
        Migration.builder()
            .from(migration)
            .fromPath("src-evolve-2", FileFormat.PARQUET)
            .onSchemaChange(SchemaChangePolicy.APPEND_NEW_COLUMNS)
            .build();

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(evolving));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("added column channel to conv.evolve");
    long written = snapshotId("lakeplan.conv.evolve");
    // no version of the table has the column without its rows
    assertThat(TestSpark.snapshotsAroundFirstVersionWith("lakeplan.conv.evolve", "channel"))
        .containsExactly(before, written);
    assertThat(
            TestSpark.session()
                .sql("SELECT count(channel), count(*) FROM lakeplan.conv.evolve")
                .first()
                .toString())
        .isEqualTo("[10,20]");
  }

  @Test
  void rewrite_schemaMismatch_namesColumnsAndLeavesTableUnchanged() throws Exception {
    // status is missing: an optional column the input lacks is left null (on-schema-change), so
    // only the type mismatch fails
    Migration good = prepared("mismatch", 10);
    TestSpark.run(base, TaskSpec.Convert.of(good));
    long before = snapshotId("lakeplan.conv.mismatch");
    TestData.writeParquet(
        base.resolve("bad-schema"),
        "SELECT id AS order_id, id AS customer_id, X'01' AS amount,"
            + " TIMESTAMP_NTZ '2024-01-01 00:00:00' AS updated_at FROM range(1, 5)");
    Migration bad = TestData.migration("mismatch", "bad-schema", "conv.mismatch");

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(bad));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("Schema mismatch")
        .doesNotContain("status")
        .contains("column amount is binary in the input and cannot become decimal(12,2)");
    assertThat(snapshotId("lakeplan.conv.mismatch")).isEqualTo(before);
    assertThat(count("lakeplan.conv.mismatch")).isEqualTo(10);
  }

  @Test
  void rewrite_valuesTheTableCannotHoldUnchanged_failNamingColumnsAndCounts_tableUnchanged()
      throws Exception {
    Migration good = prepared("refused", 10);
    TestSpark.run(base, TaskSpec.Convert.of(good));
    long before = snapshotId("lakeplan.conv.refused");
    // a third decimal Spark's cast would round, a fraction it would truncate, text with an offset
    TestData.writeParquet(
        base.resolve("wide"),
        "SELECT CAST(id AS decimal(6,1)) + CASE WHEN id = 3 THEN 0.9 ELSE 0 END AS order_id,"
            + " id AS customer_id, 'new' AS status,"
            + " CAST(id AS decimal(12,3)) + CASE WHEN id % 2 = 0 THEN 0.005 ELSE 0 END AS amount,"
            + " '2024-01-01T23:30:00+02:00' AS updated_at FROM range(1, 11)");
    Migration wide = TestData.migration("refused", "wide", "conv.refused");

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(wide));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("The input of migration refused holds values its target cannot take unchanged")
        .contains(
            "column order_id: 1 value refused, not a whole number (long takes whole numbers;"
                + " Lakeplan never truncates)")
        .contains(
            "column amount: 5 values refused, e.g. 3 decimals where decimal(12,2) keeps 2"
                + " (Lakeplan never rounds)")
        .doesNotContain("updated_at");
    assertThat(snapshotId("lakeplan.conv.refused")).isEqualTo(before);
    assertThat(count("lakeplan.conv.refused")).isEqualTo(10);
  }

  @Test
  void rewrite_textTimesWithAnOffset_areStoredAsTheirUtcTime() {
    TestData.writeParquet(
        base.resolve("offsets"),
        "SELECT id AS order_id, id AS customer_id, 'new' AS status,"
            + " CAST(id AS decimal(12,2)) AS amount,"
            + " '2024-01-01T23:30:00+02:00' AS updated_at FROM range(1, 4)");
    Migration migration = TestData.migration("offsets", "offsets", "conv.offsets");
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(migration));
    TaskResult reconciled = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(
            TestSpark.session()
                .sql("SELECT DISTINCT CAST(updated_at AS string) FROM lakeplan.conv.offsets")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("2024-01-01 21:30:00");
    assertThat(reconciled.status()).as(reconciled.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
  }

  @Test
  void rewrite_corruptParquetFile_failsAndLeavesTableUnchanged() throws Exception {
    Migration migration = prepared("corrupt", 10);
    TestSpark.run(base, TaskSpec.Convert.of(migration));
    long before = snapshotId("lakeplan.conv.corrupt");
    Files.write(
        base.resolve("src-corrupt").resolve("part-99999-corrupt.parquet"),
        "this is not parquet at all, just text pretending".getBytes());

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Cannot read").contains("src-corrupt");
    assertThat(snapshotId("lakeplan.conv.corrupt")).isEqualTo(before);
    assertThat(count("lakeplan.conv.corrupt")).isEqualTo(10);
  }

  @Test
  void addFiles_parquetWithDeclaredTypes_registersInPlaceAndRerunAddsNothing() throws Exception {
    TestData.writeParquet(
        base.resolve("in-place"),
        "SELECT id AS order_id, CAST(id * 2 AS decimal(12,2)) AS amount FROM range(0, 50)");
    Migration migration =
        Migration.builder()
            .id("in-place")
            .fromPath("in-place", FileFormat.PARQUET)
            .target(
                TableDefinition.builder()
                    .table("conv.in_place")
                    .column("order_id", "long")
                    .column("amount", "decimal(12,2)")
                    .build())
            .mode(ConversionMode.ADD_FILES)
            .build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));

    TaskResult first = TestSpark.run(base, TaskSpec.Convert.of(migration));
    long after = snapshotId("lakeplan.conv.in_place");
    TaskResult second = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(first.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.files()).isEqualTo(1);
    assertThat(first.rows()).isEqualTo(50);
    assertThat(second.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(second.summary()).contains("unchanged since it was converted into conv.in_place");
    assertThat(snapshotId("lakeplan.conv.in_place")).isEqualTo(after);
    assertThat(count("lakeplan.conv.in_place")).isEqualTo(50);
  }

  @Test
  void addFiles_columnsStoredInAnotherOrder_areReadByName_inOneCommitWithTheFingerprint()
      throws Exception {
    Path folder = base.resolve("in-place-order");
    TestSpark.session()
        .sql(
            "SELECT CAST(id * 2 AS decimal(12,2)) AS amount, CASE WHEN id % 5 = 0 THEN NULL ELSE"
                + " concat('c-', id) END AS customer, id AS order_id FROM range(0, 400)")
        .repartition(4)
        .write()
        .parquet(folder.toUri().toString());
    Migration migration =
        Migration.builder()
            .id("in-place-order")
            .fromPath("in-place-order", FileFormat.PARQUET)
            .target(
                TableDefinition.builder()
                    .table("conv.in_place_order")
                    .column("order_id", "long")
                    .column("customer", "string")
                    .column("amount", "decimal(12,2)")
                    .build())
            .mode(ConversionMode.ADD_FILES)
            .reconcile(io.lakeplan.model.ReconcileLevel.FULL)
            .build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(400);
    assertThat(result.files()).isEqualTo(4);
    Table table = Spark3Util.loadIcebergTable(TestSpark.session(), "lakeplan.conv.in_place_order");
    // one snapshot: the files and the input's fingerprint together
    assertThat(table.snapshots()).hasSize(1);
    assertThat(table.currentSnapshot().summary())
        .containsEntry("added-data-files", "4")
        .containsEntry("added-records", "400")
        .containsKey(io.lakeplan.spi.CommitProperties.migrationSource("in-place-order"));
    assertThat(table.properties()).containsKey("schema.name-mapping.default");
    assertThat(
            TestSpark.session()
                .sql(
                    "SELECT count(*), sum(order_id), count(customer), sum(amount),"
                        + " max(customer) FROM lakeplan.conv.in_place_order")
                .first()
                .toString())
        .isEqualTo("[400,79800,320,159600.00,c-99]");
    TaskResult reconciled = TestSpark.run(base, TaskSpec.Reconcile.of(migration));
    assertThat(reconciled.status()).as(reconciled.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
  }

  @Test
  void addFiles_partitionFoldersIntoAnUnpartitionedTable_goThroughTheProcedure_whichRefusesThem()
      throws Exception {
    Path folder = base.resolve("in-place-partitioned");
    TestSpark.session()
        .sql("SELECT id AS order_id, id % 2 AS part FROM range(0, 20)")
        .write()
        .partitionBy("part")
        .parquet(folder.toUri().toString());
    Migration migration =
        Migration.builder()
            .id("in-place-partitioned")
            .fromPath("in-place-partitioned", FileFormat.PARQUET)
            .target(
                TableDefinition.builder()
                    .table("conv.in_place_partitioned")
                    .column("order_id", "long")
                    .build())
            .mode(ConversionMode.ADD_FILES)
            .onSchemaChange(SchemaChangePolicy.IGNORE)
            .build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("add_files into conv.in_place_partitioned failed")
        .contains("matches the partition columns ([part])");
    assertThat(count("lakeplan.conv.in_place_partitioned")).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = FileFormat.class,
      names = {"ORC", "AVRO", "JSON", "CSV"})
  void rewrite_everySourceFormat_landsTheSameRows(FileFormat format) {
    String name = "fmt_" + format.name().toLowerCase(Locale.ROOT);
    var writer =
        TestSpark.session().sql(TestData.ordersSql(50)).coalesce(1).write().mode("overwrite");
    if (format == FileFormat.CSV) {
      writer = writer.option("header", "true");
    }
    writer
        .format(format.name().toLowerCase(Locale.ROOT))
        .save(base.resolve("src-" + name).toUri().toString());
    Migration parquet = TestData.migration(name, "src-" + name, "conv." + name);
    Migration migration = Migration.builder().from(parquet).fromPath("src-" + name, format).build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));

    TaskResult result = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(
            TestSpark.session()
                .sql(
                    "SELECT order_id, customer_id, status, amount, updated_at FROM lakeplan.conv."
                        + name
                        + " EXCEPT ALL SELECT order_id, customer_id, status, amount, updated_at"
                        + " FROM ("
                        + TestData.ordersSql(50)
                        + ")")
                .count())
        .isZero();
    assertThat(count("lakeplan.conv." + name)).isEqualTo(50);
  }

  /** Five rows after the migration's, into its partitions, as an ingestion writes them. */
  private static void ingestMore(String table, int from, int to) {
    TestSpark.session()
        .sql(
            "INSERT INTO "
                + table
                + " SELECT order_id, customer_id, status, amount, CAST(updated_at AS timestamp)"
                + " FROM ("
                + TestData.ordersSql(to)
                + ") WHERE order_id > "
                + from);
  }

  @Test
  void rewrite_rerunAfterAnIngestion_keepsItsRowsAndTheMigrationStillReconciles() throws Exception {
    Migration migration = prepared("rerun", 40);
    TestSpark.run(base, TaskSpec.Convert.of(migration));
    TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));
    ingestMore("lakeplan.conv.rerun", 40, 45);

    TaskResult convert = TestSpark.run(base, TaskSpec.Convert.of(migration));
    TaskResult reconcile = TestSpark.run(base, TaskSpec.Reconcile.of(migration));
    TaskResult watermark = TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));

    assertThat(convert.status()).as(convert.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(convert.summary()).contains("unchanged since it was converted into conv.rerun");
    assertThat(count("lakeplan.conv.rerun")).isEqualTo(45);
    assertThat(reconcile.status()).as(reconcile.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(watermark.status()).as(watermark.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);

    // a changed source would overwrite the ingested rows: refused before anything is written
    long before = snapshotId("lakeplan.conv.rerun");
    TestData.writeParquet(base.resolve("src-rerun"), TestData.ordersSql(41));
    TaskResult changed = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(changed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(changed.summary())
        .contains("The input of migration rerun changed since it was converted into conv.rerun")
        .contains("append (snapshot " + before + ")")
        .contains("converting again would overwrite the rows they wrote")
        .contains("Table unchanged");
    assertThat(snapshotId("lakeplan.conv.rerun")).isEqualTo(before);
    assertThat(count("lakeplan.conv.rerun")).isEqualTo(45);
  }

  @Test
  void rewrite_rerunAfterTheStoreMovedOn_keepsTheStoresWatermark() {
    Migration migration = prepared("moved_on", 20);
    TestSpark.run(base, TaskSpec.Convert.of(migration));
    TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));
    var store = new FileWatermarkStore(base.resolve("watermarks"));
    var migrated = store.get("conv.moved_on").orElseThrow();
    var ingested = io.lakeplan.spi.Watermark.of(migrated.asInstant().plusSeconds(86_400));
    assertThat(store.compareAndSet("conv.moved_on", migrated, ingested)).isTrue();

    TaskResult again = TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));

    assertThat(again.status()).as(again.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(again.summary()).contains("already at " + ingested).contains("kept");
    assertThat(store.get("conv.moved_on")).contains(ingested);
  }

  @Test
  void addFiles_rerunAfterCompactionAndDelete_addsNothingAndDeletedRowsStayDeleted()
      throws Exception {
    Path folder = base.resolve("in-place-twice");
    TestSpark.session()
        .sql("SELECT id AS order_id, CAST(id * 2 AS decimal(12,2)) AS amount FROM range(0, 300)")
        .repartition(3)
        .write()
        .parquet(folder.toUri().toString());
    Migration migration =
        Migration.builder()
            .id("in-place-twice")
            .fromPath("in-place-twice", FileFormat.PARQUET)
            .target(
                TableDefinition.builder()
                    .table("conv.in_place_twice")
                    .column("order_id", "long")
                    .column("amount", "decimal(12,2)")
                    .build())
            .mode(ConversionMode.ADD_FILES)
            .build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));
    TaskResult first = TestSpark.run(base, TaskSpec.Convert.of(migration));
    assertThat(first.status()).as(first.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(count("lakeplan.conv.in_place_twice")).isEqualTo(300);
    TestSpark.session()
        .sql(
            "CALL lakeplan.system.rewrite_data_files(table => 'conv.in_place_twice',"
                + " options => map('rewrite-all', 'true'))");
    TestSpark.session().sql("DELETE FROM lakeplan.conv.in_place_twice WHERE order_id < 10");
    long before = snapshotId("lakeplan.conv.in_place_twice");

    TaskResult again = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(again.status()).as(again.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(again.summary()).contains("unchanged since it was converted");
    assertThat(snapshotId("lakeplan.conv.in_place_twice")).isEqualTo(before);
    assertThat(count("lakeplan.conv.in_place_twice")).isEqualTo(290);

    // the folder changed after it was added: adding it again would add its rows twice
    Files.copy(
        Files.list(folder)
            .filter(file -> file.getFileName().toString().endsWith(".parquet"))
            .findFirst()
            .orElseThrow(),
        folder.resolve("part-99999-late.parquet"));
    TaskResult changed = TestSpark.run(base, TaskSpec.Convert.of(migration));

    assertThat(changed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(changed.summary())
        .contains("changed since migration in-place-twice added them to conv.in_place_twice")
        .contains("3 files then, 4 now")
        .contains("use mode rewrite");
    assertThat(count("lakeplan.conv.in_place_twice")).isEqualTo(290);
  }
}
