package io.lakeplan.spark;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.SchemaChangePolicy;
import java.nio.file.Path;

/** Small order data sets written as Parquet, and migrations that read them. */
final class TestData {

  private TestData() {}

  /**
   * {@code count} orders (ids 1..count) with the columns of the orders use case; timestamps are
   * spread over five days.
   */
  static String ordersSql(int count) {
    return "SELECT id AS order_id, id % 7 AS customer_id,"
        + " CASE WHEN id % 3 = 0 THEN 'shipped' ELSE 'new' END AS status,"
        + " CAST(id * 1.25 AS decimal(12,2)) AS amount, 'U' AS op,"
        + " CAST(TIMESTAMP_NTZ '2024-01-01 00:00:00' + make_interval(0, 0, 0, CAST(id % 5 AS int),"
        + " CAST(id % 24 AS int)) AS timestamp_ntz) AS updated_at"
        + " FROM range(1, "
        + (count + 1)
        + ")";
  }

  static void writeParquet(Path dir, String sql) {
    TestSpark.session()
        .sql(sql)
        .coalesce(1)
        .write()
        .mode("overwrite")
        .parquet(dir.toUri().toString());
  }

  /** A REWRITE migration of the Parquet under {@code source} into {@code table}. */
  static Migration migration(String id, String source, String table) {
    return Migration.builder()
        .id(id)
        .fromPath(source, FileFormat.PARQUET)
        .target(
            table,
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .partitionBy("day(updated_at)"))
        .watermarkColumn("updated_at")
        .reconcile(ReconcileLevel.FULL)
        // the inputs of ordersSql carry an op column these tables leave out
        .onSchemaChange(SchemaChangePolicy.IGNORE)
        .build();
  }
}
