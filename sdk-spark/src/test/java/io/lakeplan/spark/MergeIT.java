package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Merge;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class MergeIT {

  private final Path base = TestSpark.newDir("merge");
  private final SparkSession spark = TestSpark.session();

  private void tables(String name) {
    TestSpark.run(
        base,
        TaskSpec.CreateTable.of(
            TableDefinition.builder()
                .table("mrg.src_" + name)
                .requiredColumn("order_id", "long")
                .column("status", "string")
                .column("op", "string")
                .column("updated_at", "timestamp")
                .build()));
    TestSpark.run(
        base,
        TaskSpec.CreateTable.of(
            TableDefinition.builder()
                .table("mrg.tgt_" + name)
                .requiredColumn("order_id", "long")
                .column("status", "string")
                .column("updated_at", "timestamp")
                .partitionBy("bucket(4, order_id)")
                .build()));
  }

  private static Merge merge(String name) {
    return Merge.builder()
        .id("upsert-" + name)
        .target("mrg.tgt_" + name)
        .source("mrg.src_" + name)
        .addKey("order_id")
        .orderBy("updated_at")
        .deleteWhen("op = 'D'")
        .build();
  }

  private void insertSource(String name, String values) {
    spark.sql("INSERT INTO lakeplan.mrg.src_" + name + " VALUES " + values);
  }

  private long snapshotId(String table) throws Exception {
    Table loaded = Spark3Util.loadIcebergTable(spark, table);
    loaded.refresh();
    return loaded.currentSnapshot().snapshotId();
  }

  private List<String> target(String name) {
    return spark
        .sql("SELECT order_id, status FROM lakeplan.mrg.tgt_" + name + " ORDER BY order_id")
        .collectAsList()
        .stream()
        .map((Row row) -> row.getLong(0) + ":" + row.getString(1))
        .toList();
  }

  @Test
  void merge_duplicateKeysAndDeleteCondition_latestWinsAndDeletesMatchedRows() {
    tables("dedupe");
    spark.sql(
        "INSERT INTO lakeplan.mrg.tgt_dedupe VALUES"
            + " (3, 'old', TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
            + " (4, 'untouched', TIMESTAMP_NTZ '2024-01-01 00:00:00')");
    insertSource(
        "dedupe",
        "(1, 'first', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (1, 'latest', 'U', TIMESTAMP_NTZ '2024-01-03 00:00:00'),"
            + " (1, 'middle', 'U', TIMESTAMP_NTZ '2024-01-02 12:00:00'),"
            + " (2, 'new', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (3, 'updated', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (3, 'gone', 'D', TIMESTAMP_NTZ '2024-01-04 00:00:00'),"
            + " (5, 'never', 'D', TIMESTAMP_NTZ '2024-01-04 00:00:00')");

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(merge("dedupe")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).as("source rows read, before dedupe").isEqualTo(7);
    assertThat(target("dedupe")).containsExactly("1:latest", "2:new", "4:untouched");
  }

  @Test
  void merge_incrementalRerunWithoutNewData_commitsNothing() throws Exception {
    tables("rerun");
    insertSource("rerun", "(1, 'a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    assertThat(TestSpark.run(base, TaskSpec.MergeInto.of(merge("rerun"))).isSuccess()).isTrue();
    long after = snapshotId("lakeplan.mrg.tgt_rerun");

    TaskResult again = TestSpark.run(base, TaskSpec.MergeInto.of(merge("rerun")));

    assertThat(again.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(again.rows()).isZero();
    assertThat(again.summary()).contains("nothing merged");
    assertThat(snapshotId("lakeplan.mrg.tgt_rerun")).isEqualTo(after);
    Table target = Spark3Util.loadIcebergTable(spark, "lakeplan.mrg.tgt_rerun");
    assertThat(target.currentSnapshot().summary())
        .containsEntry(
            "lakeplan.merge.upsert-rerun.source-snapshot",
            Long.toString(snapshotId("lakeplan.mrg.src_rerun")));
  }

  @Test
  void merge_newSourceAppend_readsOnlyNewSnapshots() {
    tables("incr");
    insertSource(
        "incr",
        "(1, 'a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (2, 'b', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    TestSpark.run(base, TaskSpec.MergeInto.of(merge("incr")));
    insertSource("incr", "(2, 'b2', 'U', TIMESTAMP_NTZ '2024-01-03 00:00:00')");

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(merge("incr")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(1);
    assertThat(result.summary()).contains("incremental read");
    assertThat(target("incr")).containsExactly("1:a", "2:b2");
  }

  @Test
  void merge_deleteConditionWithHostileLiterals_deletesExactlyTheMatchingKeys() throws Exception {
    // literals that would end early, comment out the rest or add a clause if quoted wrongly
    String dropper = "'; DROP TABLE lakeplan.mrg.src_hostile; --";
    String backslash = "a\\";
    String widener = "x' OR '1'='1";
    tables("hostile");
    spark.sql(
        "INSERT INTO lakeplan.mrg.tgt_hostile VALUES"
            + " (2, 'old', TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
            + " (3, 'old', TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
            + " (6, 'old', TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
            + " (7, 'untouched', TIMESTAMP_NTZ '2024-01-01 00:00:00')");
    java.time.LocalDateTime at = java.time.LocalDateTime.of(2024, 1, 2, 0, 0);
    spark
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create(1L, "upd", "U", at),
                org.apache.spark.sql.RowFactory.create(2L, "gone", dropper, at),
                org.apache.spark.sql.RowFactory.create(3L, "gone", backslash, at),
                org.apache.spark.sql.RowFactory.create(4L, "kept", "a", at),
                org.apache.spark.sql.RowFactory.create(5L, "kept", "x", at),
                org.apache.spark.sql.RowFactory.create(6L, "gone", widener, at)),
            spark.table("lakeplan.mrg.src_hostile").schema())
        .writeTo("lakeplan.mrg.src_hostile")
        .append();
    Merge hostile =
        Merge.builder()
            .from(merge("hostile"))
            .deleteWhen(
                new io.lakeplan.model.Condition.In(
                    "op",
                    List.of(
                        new io.lakeplan.model.Condition.Literal(dropper),
                        new io.lakeplan.model.Condition.Literal(backslash),
                        new io.lakeplan.model.Condition.Literal(widener)),
                    false))
            .build();

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(hostile));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(target("hostile")).containsExactly("1:upd", "4:kept", "5:kept", "7:untouched");
    // the table the first literal names is still there, with every row
    assertThat(spark.table("lakeplan.mrg.src_hostile").count()).isEqualTo(6);
  }

  @Test
  void merge_tableNameWithQuote_isRejectedBeforeAnySqlAndTablesStayUnchanged() throws Exception {
    tables("unsafe");
    insertSource("unsafe", "(1, 'a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    long source = snapshotId("lakeplan.mrg.src_unsafe");
    Merge unsafe =
        Merge.builder()
            .from(merge("unsafe"))
            .target(TableId.of("mrg", "tgt_unsafe` set x = 1 --"))
            .build();

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(unsafe));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Unsafe SQL identifier: 'tgt_unsafe` set x = 1 --'");
    assertThat(snapshotId("lakeplan.mrg.src_unsafe")).isEqualTo(source);
    assertThat(spark.table("lakeplan.mrg.tgt_unsafe").count()).isZero();
  }

  @Test
  void merge_failingMidWay_leavesTargetAtItsPreviousSnapshot() throws Exception {
    tables("crash");
    // a target whose status is required: a source row without one fails the write after the join
    TestSpark.run(
        base,
        TaskSpec.CreateTable.of(
            TableDefinition.builder()
                .table("mrg.tgt_crash_strict")
                .requiredColumn("order_id", "long")
                .requiredColumn("status", "string")
                .column("updated_at", "timestamp")
                .build()));
    spark.sql(
        "INSERT INTO lakeplan.mrg.tgt_crash_strict VALUES"
            + " (1, 'kept', TIMESTAMP_NTZ '2024-01-01 00:00:00')");
    long before = snapshotId("lakeplan.mrg.tgt_crash_strict");
    insertSource(
        "crash",
        "(1, 'changed', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (2, NULL, 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    Merge strict = Merge.builder().from(merge("crash")).target("mrg.tgt_crash_strict").build();

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(strict));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("MERGE into mrg.tgt_crash_strict failed");
    assertThat(snapshotId("lakeplan.mrg.tgt_crash_strict")).isEqualTo(before);
    assertThat(
            spark
                .sql("SELECT order_id, status FROM lakeplan.mrg.tgt_crash_strict")
                .collectAsList()
                .stream()
                .map((Row row) -> row.getLong(0) + ":" + row.getString(1)))
        .containsExactly("1:kept");
  }

  @Test
  void merge_sourceRowsWithoutKey_failBeforeWritingAndNameTheKeyColumn() throws Exception {
    tables("nokey");
    spark.sql(
        "INSERT INTO lakeplan.mrg.tgt_nokey VALUES (1, 'kept', TIMESTAMP_NTZ '2024-01-01 00:00:00')");
    long before = snapshotId("lakeplan.mrg.tgt_nokey");
    spark.sql("ALTER TABLE lakeplan.mrg.src_nokey ALTER COLUMN order_id DROP NOT NULL");
    insertSource(
        "nokey",
        "(1, 'changed', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (NULL, 'secret-a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (NULL, 'secret-b', 'D', TIMESTAMP_NTZ '2024-01-03 00:00:00')");

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(merge("nokey")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(Merges.nullKeys(merge("nokey"), 2, List.of("order_id")))
        .doesNotContain("secret");
    assertThat(snapshotId("lakeplan.mrg.tgt_nokey")).isEqualTo(before);
    assertThat(target("nokey")).containsExactly("1:kept");
  }

  @Test
  void merge_withoutOrderBy_incrementalReadOfTwoAppends_keepsTheLaterAppendOfAKey() {
    tables("arrival");
    Merge unordered =
        Merge.builder()
            .id("upsert-arrival")
            .target("mrg.tgt_arrival")
            .source("mrg.src_arrival")
            .addKey("order_id")
            .build();
    insertSource("arrival", "(1, 'a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    TestSpark.run(base, TaskSpec.MergeInto.of(unordered));
    // two appends, each a version of order 2; the first one has the greater updated_at, which
    // does not count without order-by
    insertSource("arrival", "(2, 'first', 'U', TIMESTAMP_NTZ '2024-01-05 00:00:00')");
    insertSource("arrival", "(2, 'second', 'U', TIMESTAMP_NTZ '2024-01-03 00:00:00')");

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(unordered));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("incremental read");
    assertThat(target("arrival")).containsExactly("1:a", "2:second");
  }

  @Test
  void merge_sqlFile_runsItsStatementsInOrder() throws Exception {
    tables("sqlfile");
    insertSource(
        "sqlfile",
        "(1, 'a', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00'),"
            + " (2, 'b', 'U', TIMESTAMP_NTZ '2024-01-02 00:00:00')");
    java.nio.file.Files.writeString(
        base.resolve("upsert.sql"),
        "-- a team's own merge\n"
            + "MERGE INTO lakeplan.mrg.tgt_sqlfile t USING lakeplan.mrg.src_sqlfile s\n"
            + "  ON t.order_id = s.order_id\n"
            + "  WHEN MATCHED THEN UPDATE SET t.status = s.status\n"
            + "  WHEN NOT MATCHED THEN INSERT (order_id, status, updated_at)"
            + " VALUES (s.order_id, s.status, s.updated_at);\n"
            + "DELETE FROM lakeplan.mrg.tgt_sqlfile WHERE order_id = 2;\n");
    Merge fromFile =
        Merge.builder().id("own-sql").target("mrg.tgt_sqlfile").sqlFile("upsert.sql").build();

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(fromFile));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("ran 2 statement(s) of");
    assertThat(target("sqlfile")).containsExactly("1:a");
  }

  @Test
  void merge_missingSqlFile_failsNamingThePath() {
    tables("nosql");
    Merge fromFile =
        Merge.builder().id("own-sql").target("mrg.tgt_nosql").sqlFile("missing.sql").build();

    TaskResult result = TestSpark.run(base, TaskSpec.MergeInto.of(fromFile));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("SQL file does not exist: ").contains("missing.sql");
  }
}
