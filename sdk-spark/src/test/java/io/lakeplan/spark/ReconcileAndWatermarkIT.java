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
