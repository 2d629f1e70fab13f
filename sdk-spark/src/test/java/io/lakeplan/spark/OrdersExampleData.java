package io.lakeplan.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the historical orders of {@code examples/orders} (the Parquet files under {@code
 * examples/orders/data/hdfs/orders}, committed to the repository) deterministically:
 *
 * <pre>
 * java -cp … io.lakeplan.spark.OrdersExampleData examples/orders/data/hdfs/orders
 * </pre>
 *
 * <p>5,000 orders over the first half of 2024, each as a change log: every order is {@code created}
 * (op {@code I}); those with {@code order_id % 5 != 0} are then {@code paid} two hours later; those
 * with {@code order_id % 5 in (1, 2)} are {@code shipped} a day later; and those with {@code
 * order_id % 10 = 0} are deleted three hours later (op {@code D}). 11,500 rows in four files. After
 * the merge, {@code process.orders} holds 4,500 orders: 2,000 shipped, 2,000 paid, 500 created.
 */
public final class OrdersExampleData {
  /** Orders in the history. */
  public static final int ORDERS = 5_000;

  private OrdersExampleData() {}

  /** The change-log rows, as Spark SQL over {@code range}. */
  public static String sql() {
    String orders =
        "SELECT id AS order_id, (id * 7919) % 400 + 1 AS customer_id,"
            + " CAST((id * 104729) % 100000 / 100.0 + 5 AS decimal(12,2)) AS amount,"
            + " TIMESTAMP_NTZ '2024-01-01 00:00:00' + make_interval(0, 0, 0,"
            + " CAST(id % 180 AS int), CAST(id % 24 AS int), CAST(id % 60 AS int)) AS created_at"
            + " FROM range(1, "
            + (ORDERS + 1)
            + ")";
    String columns = "order_id, customer_id, %s AS status, amount, %s AS op, %s AS updated_at";
    return "WITH orders AS ("
        + orders
        + ") SELECT "
        + String.format(columns, "'created'", "'I'", "created_at")
        + " FROM orders UNION ALL SELECT "
        + String.format(columns, "'paid'", "'U'", "created_at + INTERVAL 2 HOURS")
        + " FROM orders WHERE order_id % 5 <> 0 UNION ALL SELECT "
        + String.format(columns, "'shipped'", "'U'", "created_at + INTERVAL 1 DAY")
        + " FROM orders WHERE order_id % 5 IN (1, 2) UNION ALL SELECT "
        + String.format(columns, "'cancelled'", "'D'", "created_at + INTERVAL 3 HOURS")
        + " FROM orders WHERE order_id % 10 = 0";
  }

  /** Writes the history as four Parquet files into {@code dir}, replacing what is there. */
  public static void write(SparkSession spark, Path dir) {
    spark
        .sql(sql())
        .repartition(4)
        .sortWithinPartitions("order_id", "updated_at")
        .write()
        .mode("overwrite")
        .option("compression", "zstd")
        .parquet(dir.toAbsolutePath().toUri().toString());
  }

  /** Writes the history into the folder given as the only argument. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    // the catalog is not used: the files are plain Parquet
    SparkSession spark = LakeplanCatalog.localSession(Files.createTempDirectory("lakeplan-data-"));
    try {
      write(spark, dir);
    } finally {
      spark.stop();
    }
  }
}
