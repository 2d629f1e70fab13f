package io.lakeplan.spark.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import io.lakeplan.model.Column;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka ingestion with Structured Streaming: micro-batch mode runs every record available now and
 * stops (so an orchestrator's schedule drives it); streaming mode runs with a processing-time
 * trigger until stopped.
 *
 * <ul>
 *   <li>Where it starts: the checkpoint when there is one; otherwise the policy — the migration
 *       watermark of the target as {@code startingTimestamp} (records strictly after it), earliest,
 *       latest or an explicit time. The log says which decided.
 *   <li>Each batch is appended in one Iceberg commit whose summary records the batch id ({@code
 *       lakeplan.kafka.<id>.batch}); a batch replayed after a crash between that commit and the
 *       checkpoint is recognised and skipped, so nothing is written twice.
 *   <li>Malformed records (JSON that does not parse, a required column missing) go to the
 *       dead-letter table with the reason and their topic, partition and offset — or fail the
 *       batch, before anything is committed, when the ingestion says {@code fail-on-malformed}.
 * </ul>
 */
final class KafkaIngestExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestExecutor.class);

  private static final String CORRUPT = "__lakeplan_corrupt";

  /**
   * Test hook: runs right after a batch's Iceberg commit, before its dead letters are written and
   * before Spark records the batch in the checkpoint (where a killed process would stop). Null in
   * production.
   */
  static volatile java.util.function.LongConsumer afterCommit;

  private KafkaIngestExecutor() {}

  /** The snapshot summary property holding the last batch id committed by {@code ingestion}. */
  static String batchProperty(KafkaIngestion ingestion) {
    return CommitProperties.kafkaBatch(ingestion.id());
  }

  static TaskResult run(Context context, KafkaIngestion ingestion) {
    AtomicLong rows = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    for (int attempt = 1; ; attempt++) {
      StreamingQuery query = start(context, ingestion, rows, rejected);
      try {
        await(context, query, ingestion, rejected);
        break;
      } catch (TaskFailedException e) {
        if (attempt >= 3 || !isSpark55271(e)) {
          throw e;
        }
        // Spark 4.1.1's Kafka source fails its progress report after replaying a batch from the
        // checkpoint (SPARK-55271), once the batch itself is done: running on is safe
        LOG.warn(
            "Kafka ingestion {}: Spark failed reporting progress of a replayed batch"
                + " (SPARK-55271); continuing from the checkpoint",
            ingestion.id());
      }
    }
    // a stream returns here only once it was stopped
    return TaskResult.succeeded(
        rows.get(),
        0,
        0,
        Duration.ZERO,
        (ingestion.mode() == StreamMode.STREAMING ? "stream stopped; ingested " : "ingested ")
            + rows.get()
            + " records of "
            + source(ingestion)
            + " into "
            + ingestion.target()
            + (rejected.get() == 0
                ? ""
                : "; " + rejected.get() + " malformed to " + ingestion.effectiveDeadLetterTable()));
  }

  /** Starts the query (streaming mode: it runs until stopped); for tests and {@link #run}. */
  static StreamingQuery start(Context context, KafkaIngestion ingestion) {
    return start(context, ingestion, new AtomicLong(), new AtomicLong());
  }

  private static StreamingQuery start(
      Context context, KafkaIngestion ingestion, AtomicLong rows, AtomicLong rejected) {
    if (ingestion.format() == ValueFormat.AVRO) {
      throw new TaskFailedException(
          "Kafka ingestion "
              + ingestion.id()
              + ": Avro values are not supported by the Spark engine yet; use format json or raw");
    }
    String target = Sql.table(ingestion.target());
    Tables.requireExists(context, ingestion.target());
    String checkpoint = context.resolve(checkpoint(ingestion));

    DataStreamReader reader =
        context
            .spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", ingestion.bootstrapServers());
    reader =
        ingestion.topicPattern() != null
            ? reader.option("subscribePattern", ingestion.topicPattern())
            : reader.option("subscribe", String.join(",", ingestion.topics()));
    reader = reader.option("failOnDataLoss", "true");
    for (Map.Entry<String, String> option : ingestion.options().entrySet()) {
      reader = reader.option(option.getKey(), option.getValue());
    }
    if (hasCheckpoint(context, checkpoint)) {
      LOG.info("Kafka ingestion {} continues from its checkpoint {}", ingestion.id(), checkpoint);
    } else {
      reader = startingPosition(context, ingestion, reader);
    }
    StructType schema = context.spark.table(target).schema();
    Dataset<Row> records = reader.load();
    VoidFunction2<Dataset<Row>, Long> batch =
        (data, batchId) -> writeBatch(context, ingestion, schema, data, batchId, rows, rejected);
    try {
      return records
          .writeStream()
          .queryName("lakeplan-" + ingestion.id())
          .option("checkpointLocation", checkpoint)
          .trigger(
              ingestion.mode() == StreamMode.MICRO_BATCH
                  ? Trigger.AvailableNow()
                  : Trigger.ProcessingTime(ingestion.trigger().toMillis()))
          .foreachBatch(batch)
          .start();
    } catch (TimeoutException e) {
      throw new TaskFailedException("Kafka ingestion " + ingestion.id() + " did not start", e);
    }
  }

  /** The NullPointerException of SPARK-55271, in KafkaMicroBatchStream's metrics. */
  private static boolean isSpark55271(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof NullPointerException) {
        for (StackTraceElement frame : cause.getStackTrace()) {
          if (frame.getClassName().startsWith("org.apache.spark.sql.kafka010.KafkaMicroBatchStream")
              && frame.getMethodName().equals("metrics")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static String checkpoint(KafkaIngestion ingestion) {
    return ingestion.checkpoint() != null
        ? ingestion.checkpoint()
        : "checkpoints/" + ingestion.id();
  }

  private static String source(KafkaIngestion ingestion) {
    return ingestion.topicPattern() != null
        ? "topics matching " + ingestion.topicPattern()
        : String.join(", ", ingestion.topics());
  }

  private static void await(
      Context context, StreamingQuery query, KafkaIngestion ingestion, AtomicLong rejected) {
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw new TaskFailedException(
          "Kafka ingestion " + ingestion.id() + " failed: " + Failures.rootMessage(e), e);
    } finally {
      // the batches were written through the stream's own session: let this one see them
      context.spark.catalog().refreshTable(LakeplanCatalogNames.of(ingestion.target()));
      if (rejected.get() > 0) {
        context
            .spark
            .catalog()
            .refreshTable(LakeplanCatalogNames.of(ingestion.effectiveDeadLetterTable()));
      }
    }
  }

  private static boolean hasCheckpoint(Context context, String checkpoint) {
    Path offsets = new Path(checkpoint, "offsets");
    try {
      FileSystem fs = offsets.getFileSystem(context.spark.sparkContext().hadoopConfiguration());
      return fs.exists(offsets) && fs.listStatus(offsets).length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read checkpoint " + checkpoint, e);
    }
  }

  private static DataStreamReader startingPosition(
      Context context, KafkaIngestion ingestion, DataStreamReader reader) {
    switch (ingestion.startingPosition()) {
      case EARLIEST:
        LOG.info("Kafka ingestion {} starts at the earliest offsets (policy)", ingestion.id());
        return reader.option("startingOffsets", "earliest");
      case LATEST:
        LOG.info("Kafka ingestion {} starts at the latest offsets (policy)", ingestion.id());
        return reader.option("startingOffsets", "latest");
      case TIMESTAMP:
        LOG.info(
            "Kafka ingestion {} starts at {} (explicit time)",
            ingestion.id(),
            ingestion.startingTimestamp());
        return reader.option(
            "startingTimestamp", Long.toString(ingestion.startingTimestamp().toEpochMilli()));
      case MIGRATION_WATERMARK:
      default:
        String key = ingestion.target().toString();
        Watermark watermark =
            context
                .watermarks
                .get(key)
                .orElseThrow(
                    () ->
                        new TaskFailedException(
                            "Kafka ingestion "
                                + ingestion.id()
                                + " starts from the migration watermark of "
                                + key
                                + ", but none is recorded: run the migration first, or set"
                                + " starting-position to earliest, latest or timestamp"));
        // records strictly after the migrated data: the watermark is the newest migrated time
        long after = watermark.asInstant().toEpochMilli() + 1;
        LOG.info(
            "Kafka ingestion {} starts after the migration watermark {} (startingTimestamp {})",
            ingestion.id(),
            watermark,
            after);
        return reader
            .option("startingTimestamp", Long.toString(after))
            .option("startingOffsetsByTimestampStrategy", "latest");
    }
  }

  private static void writeBatch(
      Context context,
      KafkaIngestion ingestion,
      StructType schema,
      Dataset<Row> data,
      long batchId,
      AtomicLong rows,
      AtomicLong rejected) {
    Table table = Tables.load(context, ingestion.target());
    Long done = lastBatch(table, batchProperty(ingestion));
    if (done != null && done >= batchId) {
      LOG.warn(
          "Kafka ingestion {}: batch {} is already in {} (replayed after a crash); skipped",
          ingestion.id(),
          batchId,
          ingestion.target());
      // the crash may have come before the batch's dead letters were written
      if (!DeadLetters.hasBatch(context, ingestion, batchId)) {
        Dataset<Row> bad = parse(ingestion, schema, data).where("__reason IS NOT NULL");
        long badCount = bad.count();
        if (badCount > 0) {
          DeadLetters.append(context, ingestion, bad, batchId);
          rejected.addAndGet(badCount);
        }
      }
      return;
    }
    if (ingestion.failOnMalformed()) {
      writeStrict(context, ingestion, schema, data, batchId, rows);
      return;
    }
    // One pass, like a bare stream: the good records go straight into the commit while an
    // accumulator counts the others; only a batch that had malformed records is read again, for
    // its dead letters, after the commit (a replay writes them if a crash came in between). The
    // dead-letter table is created then, not before: most runs have no malformed record.
    LongAccumulator malformed =
        context.spark.sparkContext().longAccumulator("lakeplan-malformed-" + batchId);
    Snapshot snapshot =
        commit(
            context, ingestion, schema, goodRecords(ingestion, schema, data, malformed), batchId);
    rows.addAndGet(Tables.summaryLong(snapshot, "added-records"));
    java.util.function.LongConsumer hook = afterCommit;
    if (hook != null) {
      hook.accept(batchId);
    }
    long bad = malformed.value();
    if (bad > 0) {
      DeadLetters.append(
          context,
          ingestion,
          parse(ingestion, schema, data).where("__reason IS NOT NULL"),
          batchId);
      rejected.addAndGet(bad);
    }
  }

  /**
   * The good records of a batch ({@link #parse} rows), each value parsed once; {@code malformed}
   * counts the others as the result is computed.
   */
  static Dataset<Row> goodRecords(
      KafkaIngestion ingestion, StructType schema, Dataset<Row> data, LongAccumulator malformed) {
    UserDefinedFunction good =
        functions
            .udf(
                (UDF1<String, Boolean>)
                    reason -> {
                      if (reason == null) {
                        return true;
                      }
                      malformed.add(1);
                      return false;
                    },
                DataTypes.BooleanType)
            .asNondeterministic();
    // The verdict is a column of the parsing projection, not the filter's condition: Spark pushes
    // a filter below a deterministic projection, substituting the parse into the condition, so
    // each value would be parsed twice. A non-deterministic column keeps the filter above it.
    return parse(ingestion, schema, data)
        .withColumn("__good", good.apply(col("__reason")))
        .where("__good");
  }

  /** Fail-on-malformed: the batch is checked completely before anything is committed. */
  private static void writeStrict(
      Context context,
      KafkaIngestion ingestion,
      StructType schema,
      Dataset<Row> data,
      long batchId,
      AtomicLong rows) {
    Dataset<Row> parsed = parse(ingestion, schema, data).persist();
    try {
      Dataset<Row> bad = parsed.where("__reason IS NOT NULL");
      long badCount = bad.count();
      if (badCount > 0) {
        Row first = bad.select(col("__reason"), col("__partition"), col("__offset")).first();
        throw new TaskFailedException(
            badCount
                + " malformed records in batch "
                + batchId
                + " (first: partition "
                + first.get(1)
                + " offset "
                + first.get(2)
                + ": "
                + first.getString(0)
                + "); nothing committed");
      }
      Snapshot snapshot = commit(context, ingestion, schema, parsed, batchId);
      rows.addAndGet(Tables.summaryLong(snapshot, "added-records"));
      java.util.function.LongConsumer hook = afterCommit;
      if (hook != null) {
        hook.accept(batchId);
      }
    } finally {
      parsed.unpersist();
    }
  }

  /** Appends the good records of a batch in one commit carrying the batch id. */
  private static Snapshot commit(
      Context context,
      KafkaIngestion ingestion,
      StructType schema,
      Dataset<Row> goodRecords,
      long batchId) {
    List<String> columns = new ArrayList<>();
    for (var field : schema.fields()) {
      columns.add(Sql.quote(field.name()));
    }
    Dataset<Row> shaped = goodRecords.selectExpr(columns.toArray(String[]::new));
    String target = Sql.table(ingestion.target());
    CommitMetadata.withCommitProperties(
        Map.of(batchProperty(ingestion), Long.toString(batchId)),
        () -> {
          shaped.writeTo(target).append();
          return null;
        },
        RuntimeException.class);
    Snapshot snapshot = Tables.load(context, ingestion.target()).currentSnapshot();
    String committed =
        snapshot == null || snapshot.summary() == null
            ? null
            : snapshot.summary().get(batchProperty(ingestion));
    // an empty batch may commit nothing: then it added no records
    return Long.toString(batchId).equals(committed) ? snapshot : null;
  }

  /** The latest batch id committed by this ingestion, walking back the table's snapshots. */
  private static Long lastBatch(Table table, String property) {
    String value = Tables.latestSummaryValue(table, property);
    return value == null ? null : Long.valueOf(value);
  }

  /**
   * The records with the target's columns (from the parsed value, or for raw values from the record
   * itself), the Kafka coordinates as {@code __topic}, {@code __partition}, {@code __offset},
   * {@code __timestamp}, {@code __key} and {@code __value}, and {@code __reason}: null for a good
   * record, why it is malformed otherwise.
   */
  private static Dataset<Row> parse(
      KafkaIngestion ingestion, StructType schema, Dataset<Row> data) {
    Dataset<Row> base =
        data.selectExpr(
            "topic AS __topic",
            "partition AS __partition",
            "offset AS __offset",
            "timestamp AS __timestamp",
            "CAST(key AS string) AS __key",
            "CAST(value AS string) AS __value");
    List<String> select =
        new ArrayList<>(
            List.of("__topic", "__partition", "__offset", "__timestamp", "__key", "__value"));
    if (ingestion.format() == ValueFormat.RAW) {
      for (var field : schema.fields()) {
        String source =
            switch (field.name().toLowerCase(java.util.Locale.ROOT)) {
              case "value" -> "__value";
              case "key" -> "__key";
              case "topic" -> "__topic";
              case "partition" -> "__partition";
              case "offset" -> "__offset";
              case "timestamp" -> "__timestamp";
              default -> "NULL";
            };
        select.add(
            "CAST(" + source + " AS " + field.dataType().sql() + ") AS " + Sql.quote(field.name()));
      }
      select.add("CAST(NULL AS string) AS " + CORRUPT);
    } else {
      StructType declared = new StructType();
      List<String> noneParsed = new ArrayList<>();
      for (Column column : ingestion.columns()) {
        declared = declared.add(column.name(), DataType.fromDDL(Sql.type(column.type())));
        noneParsed.add("__parsed." + Sql.quote(column.name()) + " IS NULL");
      }
      // A malformed value parses to nothing: no partial results (a truncated record must not
      // pass with some columns filled), so it has no declared column. A corrupt-record column
      // would say the same at a third of the ingestion's throughput (bench/README.md).
      data.sparkSession().conf().set("spark.sql.json.enablePartialResults", "false");
      base = base.withColumn("__parsed", from_json(col("__value"), declared));
      for (var field : schema.fields()) {
        boolean declaredColumn =
            ingestion.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(field.name()));
        select.add(
            (declaredColumn
                    ? "CAST(__parsed."
                        + Sql.quote(field.name())
                        + " AS "
                        + field.dataType().sql()
                        + ")"
                    : "CAST(NULL AS " + field.dataType().sql() + ")")
                + " AS "
                + Sql.quote(field.name()));
      }
      select.add(
          "CASE WHEN __parsed IS NULL OR ("
              + String.join(" AND ", noneParsed)
              + ") THEN 'unparsed' END AS "
              + CORRUPT);
    }
    Dataset<Row> shaped = base.selectExpr(select.toArray(String[]::new));
    return shaped.withColumn("__reason", org.apache.spark.sql.functions.expr(reason(schema)));
  }

  /** Why a record is malformed, or null: unparseable JSON, or a required column without value. */
  private static String reason(StructType schema) {
    StringBuilder reason =
        new StringBuilder("CASE WHEN ")
            .append(CORRUPT)
            .append(" IS NOT NULL THEN 'value is not JSON");
    reason.append(" of the declared schema'");
    for (var field : schema.fields()) {
      if (!field.nullable()) {
        reason
            .append(" WHEN ")
            .append(Sql.quote(field.name()))
            .append(" IS NULL THEN 'required column ")
            .append(field.name())
            .append(" has no value'");
      }
    }
    return reason.append(" END").toString();
  }
}
