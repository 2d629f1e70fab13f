package io.lakeplan.spark.internal;

import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.TableId;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * The dead-letter table of a Kafka ingestion: one row per malformed record, with where it came from
 * (topic, partition, offset, record time), its key and value as text, and the reason. The table is
 * created with the first malformed record, so an ingestion that never had one has none.
 */
final class DeadLetters {

  private DeadLetters() {}

  /** Creates the table if it does not exist. */
  private static void ensureTable(Context context, TableId table) {
    if (Tables.exists(context, table)) {
      return;
    }
    context.spark.sql("CREATE NAMESPACE IF NOT EXISTS " + Sql.namespace(table));
    context.spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + Sql.table(table)
            + " (ingestion string, batch_id bigint, topic string, kafka_partition int,"
            + " kafka_offset bigint, kafka_timestamp timestamp, record_key string,"
            + " record_value string, reason string) USING iceberg");
  }

  /** Whether the dead letters of batch {@code batchId} of {@code ingestion} are recorded. */
  static boolean hasBatch(Context context, KafkaIngestion ingestion, long batchId) {
    if (!Tables.exists(context, ingestion.effectiveDeadLetterTable())) {
      return false;
    }
    String table = Sql.table(ingestion.effectiveDeadLetterTable());
    context
        .spark
        .catalog()
        .refreshTable(LakeplanCatalogNames.of(ingestion.effectiveDeadLetterTable()));
    return !context
        .spark
        .table(table)
        .where("ingestion = " + Sql.literal(ingestion.id()) + " AND batch_id = " + batchId + "L")
        .isEmpty();
  }

  /**
   * Appends the malformed records of batch {@code batchId} (rows of the parsed batch), creating the
   * table first if this is the ingestion's first malformed record.
   */
  static void append(Context context, KafkaIngestion ingestion, Dataset<Row> bad, long batchId) {
    ensureTable(context, ingestion.effectiveDeadLetterTable());
    try {
      rows(ingestion, bad, batchId)
          .writeTo(Sql.table(ingestion.effectiveDeadLetterTable()))
          .append();
    } catch (NoSuchTableException e) {
      throw new TaskFailedException(
          "Dead-letter table " + ingestion.effectiveDeadLetterTable() + " disappeared", e);
    }
  }

  private static Dataset<Row> rows(KafkaIngestion ingestion, Dataset<Row> bad, long batchId) {
    return bad.selectExpr(
        Sql.literal(ingestion.id()) + " AS ingestion",
        batchId + "L AS batch_id",
        "__topic AS topic",
        "__partition AS kafka_partition",
        "__offset AS kafka_offset",
        "__timestamp AS kafka_timestamp",
        "__key AS record_key",
        "__value AS record_value",
        "__reason AS reason");
  }
}
