package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Migration;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReconcileAndWatermarkIT {

  private final Path base = TestSpark.newDir("reconcile");

  private Migration converted(String name, int rows) {
    TestData.writeParquet(base.resolve("src-" + name), TestData.ordersSql(rows));
    Migration migration = TestData.migration(name, "src-" + name, "rec." + name);
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));
    assertThat(TestSpark.run(base, TaskSpec.Convert.of(migration)).isSuccess()).isTrue();
    return migration;
  }

  @Test
  void reconcile_full_afterConvert_passes() {
    Migration migration = converted("agree", 60);

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(60);
    assertThat(result.summary()).contains("full reconciliation of rec.agree passed (60 rows");
  }

  @Test
  void reconcile_full_sourceWithARowLessAndAChangedValue_failsWithDiff() {
    Migration migration = converted("differ", 60);
    // the source no longer holds what the conversion wrote
    TestData.writeParquet(
        base.resolve("src-differ"),
        "SELECT order_id, customer_id, CASE WHEN order_id = 1 THEN 'lost' ELSE status END AS"
            + " status, amount, op, updated_at FROM ("
            + TestData.ordersSql(60)
            + ") WHERE order_id <> 60");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("and table rec.differ differ")
        .contains("rows: source=59 target=60")
        .contains("column order_id max: source=59 target=60")
        .contains("column status hash:");
  }

  /** The orders of {@link TestData#ordersSql} with {@code change} applied to the rows. */
  private void rewriteSource(String name, String change) {
    TestData.writeParquet(
        base.resolve("src-" + name),
        "SELECT * FROM (" + TestData.ordersSql(60) + ") AS orders " + change);
  }

  @Test
  void reconcile_full_oneChangedValue_isNamedByItsColumn() {
    Migration migration = converted("one_changed", 60);
    TestData.writeParquet(
        base.resolve("src-one_changed"),
        "SELECT order_id, CASE WHEN order_id = 30 THEN customer_id + 1 ELSE customer_id END AS"
            + " customer_id, status, amount, op, updated_at FROM ("
            + TestData.ordersSql(60)
            + ")");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("row hash:")
        .contains("column customer_id hash:")
        .doesNotContain("rows:")
        .doesNotContain("column order_id")
        .doesNotContain("column status")
        .doesNotContain("column amount")
        .doesNotContain("column updated_at");
  }

  @Test
  void reconcile_full_oneMissingRow_isNamed() {
    Migration migration = converted("one_missing", 60);
    rewriteSource("one_missing", "WHERE order_id <> 60");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("rows: source=59 target=60")
        .contains("column order_id count: source=59 target=60")
        .contains("column order_id max: source=59 target=60")
        .contains("column amount max: source=73.75 target=75.00")
        .contains("column updated_at hash:");
  }

  @Test
  void reconcile_full_oneDuplicatedRow_isNamed() {
    Migration migration = converted("one_twice", 60);
    rewriteSource(
        "one_twice",
        "UNION ALL SELECT * FROM (" + TestData.ordersSql(60) + ") WHERE order_id = 30");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("rows: source=61 target=60")
        .contains("row hash:")
        .contains("column order_id hash:")
        .doesNotContain("column order_id min")
        .doesNotContain("column order_id max");
  }

  @Test
  void reconcile_full_aDuplicatedRowInPlaceOfAMissingOne_sameCount_isNamed() {
    Migration migration = converted("swapped", 60);
    rewriteSource(
        "swapped",
        "WHERE order_id <> 31 UNION ALL SELECT * FROM ("
            + TestData.ordersSql(60)
            + ") WHERE order_id = 30");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .doesNotContain("rows:")
        .contains("row hash:")
        .contains("column order_id hash:")
        .contains("column amount hash:");
  }

  @Test
  void reconcile_full_statisticsFromManifests_agreeWithTheRows_andNameAChangedExtreme() {
    // every type whose bounds the manifests hold exactly, with nulls and an all-null column, and
    // types whose statistics come from the rows (strings, doubles)
    String rows =
        "SELECT id, CAST(id * 3 AS int) AS small, id % 2 = 0 AS flag,"
            + " CAST(id / 7 AS decimal(10,3)) AS price, date_add(DATE '2023-12-30', CAST(id AS int))"
            + " AS day, timestamp_seconds(1704067200 + id * 3600) AS at, CAST(id * 0.5 AS double)"
            + " AS ratio, CASE WHEN id % 4 = 0 THEN NULL ELSE concat('name-', id) END AS name,"
            // longer than the 16 characters a string's bounds keep: its extremes are read
            + " concat('a long description of order ', id) AS note,"
            + " CAST(NULL AS int) AS nothing FROM range(1, 41)";
    TestData.writeParquet(base.resolve("src-typed"), rows);
    Migration migration =
        Migration.builder()
            .id("typed")
            .fromPath("src-typed", io.lakeplan.model.FileFormat.PARQUET)
            .target(
                "rec.typed",
                t ->
                    t.requiredColumn("id", "long")
                        .column("small", "int")
                        .column("flag", "boolean")
                        .column("price", "decimal(10,3)")
                        .column("day", "date")
                        .column("at", "timestamptz")
                        .column("ratio", "double")
                        .column("name", "string")
                        .column("note", "string")
                        .column("nothing", "int")
                        .partitionBy("bucket(3, id)"))
            .reconcile(io.lakeplan.model.ReconcileLevel.FULL)
            .build();
    TestSpark.run(base, TaskSpec.CreateTable.of(migration.target()));
    assertThat(TestSpark.run(base, TaskSpec.Convert.of(migration)).isSuccess()).isTrue();

    TaskResult agree = TestSpark.run(base, TaskSpec.Reconcile.of(migration));
    assertThat(agree.status()).as(agree.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);

    // the newest time, the first day and the first name move; one price becomes null
    TestData.writeParquet(
        base.resolve("src-typed"),
        "SELECT id, small, flag, CASE WHEN id = 5 THEN NULL ELSE price END AS price,"
            + " CASE WHEN id = 1 THEN DATE '2023-01-01' ELSE day END AS day,"
            + " CASE WHEN id = 40 THEN at + INTERVAL 1 SECOND ELSE at END AS at, ratio,"
            + " CASE WHEN id = 1 THEN 'a' ELSE name END AS name, note, nothing FROM ("
            + rows
            + ")");
    TaskResult differ = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(differ.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(differ.summary())
        .contains("column price nulls: source=1 target=0")
        .contains("column price count: source=39 target=40")
        .contains("column day min: source=2023-01-01 target=2023-12-31")
        .contains("column at max:")
        .contains("column name min: source=a target=name-1")
        .contains("column name hash:")
        .doesNotContain("column small")
        .doesNotContain("column flag")
        .doesNotContain("column ratio")
        .doesNotContain("column note")
        .doesNotContain("column nothing")
        .doesNotContain("rows:");
  }

  @Test
  void reconcile_full_comparesTheRawSource_soAValueTheCastWouldRoundIsADifference() {
    Migration migration = converted("raw_values", 60);
    // the input now holds one value with a third decimal, which a cast to the table's
    // decimal(12,2) rounds back to what the table holds: only the raw source shows it
    TestData.writeParquet(
        base.resolve("src-raw_values"),
        "SELECT order_id, customer_id, status, CASE WHEN order_id = 8 THEN CAST(amount + 0.004"
            + " AS decimal(12,3)) ELSE CAST(amount AS decimal(12,3)) END AS amount, op,"
            + " updated_at FROM ("
            + TestData.ordersSql(60)
            + ")");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("and table rec.raw_values differ")
        .contains("column amount hash:")
        .doesNotContain("column status")
        .doesNotContain("rows:");
  }

  @Test
  void reconcile_afterOtherWritesToTheTable_comparesTheTableAsTheConversionLeftIt() {
    Migration migration = converted("written_since", 60);
    TestSpark.session().sql("DELETE FROM lakeplan.rec.written_since WHERE order_id = 60");

    TaskResult result = TestSpark.run(base, TaskSpec.Reconcile.of(migration));

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(60);
  }

  @Test
  void recordWatermark_storesMaxOfColumn_rerunKeepsIt_andNeverMovesBack() {
    Migration migration = converted("marked", 30);
    FileWatermarkStore store = new FileWatermarkStore(base.resolve("watermarks"));
    Watermark expected =
        Watermark.of(
            TestSpark.session()
                .sql("SELECT max(updated_at) FROM (" + TestData.ordersSql(30) + ")")
                .first()
                .<java.time.LocalDateTime>getAs(0)
                .toInstant(ZoneOffset.UTC));

    TaskResult first = TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));
    TaskResult again = TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));

    assertThat(first.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(store.get("rec.marked")).contains(expected);
    assertThat(again.summary()).contains("already at " + expected);

    Watermark later = Watermark.of(expected.asInstant().plusSeconds(3600));
    assertThat(store.compareAndSet("rec.marked", expected, later)).isTrue();
    TaskResult backwards = TestSpark.run(base, TaskSpec.RecordWatermark.of(migration));

    assertThat(backwards.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(backwards.summary())
        .contains("already at " + later + ", after the migration's " + expected + "; kept");
    assertThat(store.get("rec.marked")).contains(later);
    assertThat(store.get("rec.marked")).contains(later);
  }
}
