package io.lakeplan.spark.internal;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;

/**
 * The sink of a Kafka ingestion's stream: Spark's V2 streaming write, over Iceberg's own, that
 * routes each parsed record — a good one into the target's data files, a malformed one counted with
 * its Kafka coordinates — and commits each batch the way the ingestion promises.
 *
 * <p>Why not {@code foreachBatch}: Spark hands a {@code foreachBatch} function its batch as an RDD,
 * and scanning that RDD copies every record once more before the parse; that copy was most of the
 * gap to a bare {@code writeStream.format("iceberg")} job (bench/README.md). Here records flow from
 * the Kafka scan through the parse into Iceberg's writers in one stage, as in the bare job.
 *
 * <p>The stream's rows are the target's columns, in the table's order and types, followed by {@code
 * __reason} (null for a good record), {@code __topic}, {@code __partition} and {@code __offset}.
 * Iceberg's writers read the target's columns by position and never look further.
 *
 * <p>Per batch, on the driver ({@link SinkBatchCommit#commit}):
 *
 * <ul>
 *   <li>A batch the target already holds (its snapshot summary carries the batch id: the process
 *       died between the commit and the checkpoint) is not written again: its writers were told
 *       before they started, and its commit only makes up for missing dead letters.
 *   <li>With {@code fail-on-malformed}, a batch with a malformed record fails before its commit,
 *       naming the first. The files its tasks wrote stay behind, outside the table, as after any
 *       failed Spark write to Iceberg (which deletes them on abort only after a failed commit of
 *       its own); orphan-file maintenance removes them.
 *   <li>Otherwise the good records are appended in one Iceberg commit carrying the batch id; then
 *       the malformed ones are read back from Kafka (only the offset ranges that held them) and
 *       written to the dead-letter table with their reason.
 * </ul>
 *
 * <p>Spark reaches the sink as a table of the catalog {@value #CATALOG}, which this class is (a
 * {@link RegistryCatalog}): the stream writes to {@code toTable(KafkaSink.open(stream))}, and the
 * key finds the ingestion in the registry that {@link #open} fills and {@link #close} empties. Not
 * an API.
 *
 * <p>Its parts, each in its own file: {@link SinkStream} (a stream being written), {@link
 * SinkTable} (the target as Spark sees it), {@link SinkWrite} and {@link SinkWriteInfo} (Iceberg's
 * write with routing), {@link SinkLayout} (where the routing columns sit), {@link
 * SinkRouterFactory} and {@link SinkRouter} (the tasks' writers), {@link SinkTaskMessage}, {@link
 * SinkPartition} and {@link MalformedRecord} (what a task reports), {@link SinkBatch} and {@link
 * SinkBatchCommit} (the batch's commit on the driver).
 */
public final class KafkaSink extends RegistryCatalog<SinkStream> {

  /** The catalog name the sink is registered under in a session. */
  static final String CATALOG = "lakeplan_kafka_sink";

  /** The input columns after the target's, in this order. */
  static final List<String> ROUTING_COLUMNS =
      List.of("__reason", "__topic", "__partition", "__offset");

  private static final Map<String, SinkStream> OPEN = registry();

  /** Spark's constructor (by reflection). */
  public KafkaSink() {
    super(OPEN, CATALOG, "sink of Kafka ingestions; it only has the streams they open");
  }

  /**
   * Registers {@code stream} (and the sink's catalog in its session); the returned name is the
   * table to write the stream to.
   */
  static String open(SinkStream stream) {
    // the key is random: the query carries the ingestion's name
    return register(stream.context().spark, CATALOG, KafkaSink.class, OPEN, stream);
  }

  /** Forgets the stream written to {@code table}, once its query has ended. */
  static void close(String table) {
    forget(CATALOG, OPEN, table);
  }

  @Override
  Table table(SinkStream stream) {
    return new SinkTable(stream);
  }
}
