package io.lakeplan.spark.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;

import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.spi.KafkaCoordinates;
import io.lakeplan.spi.KafkaProgress;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka ingestion with Structured Streaming: micro-batch mode runs every record available now and
 * stops (so an orchestrator's schedule drives it); streaming mode runs with a processing-time
 * trigger until stopped.
 *
 * <ul>
 *   <li>Authentication: the ingestion's SASL settings ({@link KafkaSecurity}), the password
 *       resolved from its secret reference when the task starts; credentials the brokers reject
 *       fail the task on one line naming the user and the reference.
 *   <li>Where it starts: the checkpoint when there is one; with a new checkpoint, right after the
 *       records the target already holds (the offsets its commits carry, {@link KafkaProgress});
 *       for a target without any, the policy — the migration watermark of the target as {@code
 *       startingTimestamp} (records strictly after it), earliest, latest or an explicit time. The
 *       log says which decided.
 *   <li>Records are parsed in the stream and written through {@link KafkaSink}, a V2 streaming
 *       write over Iceberg's: each batch is appended in one Iceberg commit whose summary records
 *       the batch id, the checkpoint's identity (Spark's query id) and the offsets reached; a batch
 *       the same checkpoint replays after a crash between that commit and the checkpoint is
 *       recognised and not written again, while a new checkpoint's batches (numbered from 0 again)
 *       are always new data.
 *   <li>MalformedRecord records (JSON that does not parse, a required column missing) go to the
 *       dead-letter table with the reason and their topic, partition and offset — or fail the
 *       batch, before anything is committed, when the ingestion says {@code fail-on-malformed}.
 * </ul>
 */
final class KafkaIngestExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestExecutor.class);

  private static final String CORRUPT = "__lakeplan_corrupt";

  /** The offset by which Spark's {@code startingOffsets} means a partition's earliest. */
  private static final long EARLIEST_OFFSET = -2;

  /**
   * Test hook: runs right after a batch's Iceberg commit, before its dead letters are written and
   * before Spark records the batch in the checkpoint (where a killed process would stop); {@link
   * KafkaSink} calls it. Null in production.
   */
  static volatile java.util.function.LongConsumer afterCommit;

  private KafkaIngestExecutor() {}

  static TaskResult run(Context context, KafkaIngestion ingestion) {
    Tables.requireExists(context, ingestion.target());
    Prepared prepared = prepareSchema(context, ingestion);
    SchemaChanges.Decision changes = prepared.changes();
    AtomicLong rows = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicReference<Map<String, ColumnType>> pending = new AtomicReference<>(prepared.added());
    for (int attempt = 1; ; attempt++) {
      Running running = start(context, ingestion, rows, rejected, pending);
      try {
        await(context, running.query(), ingestion, rejected);
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
      } finally {
        KafkaSink.close(running.sink());
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
                : "; " + rejected.get() + " malformed to " + ingestion.effectiveDeadLetterTable())
            // new columns come with a batch's commit: without one, nothing changed
            + (pending.get().isEmpty() ? changes.summary() : ""));
  }

  /** What a stream's columns change: the decision, and the columns its first commit adds. */
  private record Prepared(SchemaChanges.Decision changes, Map<String, ColumnType> added) {}

  /**
   * The declared columns against the target's columns that no Kafka fact fills ({@link
   * SchemaChanges#of(KafkaIngestion)}), before any record is read; the columns {@code
   * append-new-columns} adds are fixed now, as the stream's columns are fixed when it starts, and
   * added by the first batch's commit (see {@link KafkaSink}). Raw values declare no columns:
   * nothing to compare.
   */
  private static Prepared prepareSchema(Context context, KafkaIngestion ingestion) {
    StructType schema = context.spark.table(Sql.table(ingestion.target())).schema();
    List<String> filled = SchemaChanges.kafkaFilled(ingestion, SchemaEvolution.names(schema));
    List<String> required = SchemaEvolution.required(schema);
    List<String> source =
        ingestion.format() == ValueFormat.RAW
            ? filled
            : ingestion.columns().stream().map(Column::name).toList();
    SchemaChanges.Decision changes =
        SchemaChanges.of(ingestion).decide(source, filled, required, TaskFailedException::new);
    Map<String, ColumnType> added = new LinkedHashMap<>();
    for (String column : changes.added()) {
      added.put(column, declaredColumn(ingestion, column).type());
    }
    return new Prepared(changes, added);
  }

  /**
   * Starts the query (streaming mode: it runs until stopped), for tests; its sink stays registered
   * until the JVM ends.
   */
  static StreamingQuery start(Context context, KafkaIngestion ingestion) {
    Tables.requireExists(context, ingestion.target());
    Prepared prepared = prepareSchema(context, ingestion);
    return start(
            context,
            ingestion,
            new AtomicLong(),
            new AtomicLong(),
            new AtomicReference<>(prepared.added()))
        .query();
  }

  /** A started query, and the sink table it writes to. */
  private record Running(StreamingQuery query, String sink) {}

  private static Running start(
      Context context,
      KafkaIngestion ingestion,
      AtomicLong rows,
      AtomicLong rejected,
      AtomicReference<Map<String, ColumnType>> pending) {
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
    // SASL (password resolved now, never logged); the ingestion's own options come last and win
    for (Map.Entry<String, String> setting :
        KafkaSecurity.clientProperties(context, ingestion).entrySet()) {
      reader = reader.option("kafka." + setting.getKey(), setting.getValue());
    }
    for (Map.Entry<String, String> option : ingestion.options().entrySet()) {
      reader = reader.option(option.getKey(), option.getValue());
    }
    if (hasCheckpoint(context, checkpoint)) {
      LOG.info("Kafka ingestion {} continues from its checkpoint {}", ingestion.id(), checkpoint);
    } else {
      SortedMap<String, SortedMap<Integer, Long>> committed =
          KafkaProgress.committedOffsets(
              Tables.summaries(Tables.load(context, ingestion.target())), ingestion.id());
      reader =
          committed.isEmpty()
              ? startingPosition(context, ingestion, reader)
              : continueAfter(context, ingestion, committed, reader);
    }
    // the target's columns with those the first batch's commit adds
    StructType schema = SchemaCommit.withAdded(context.spark.table(target).schema(), pending.get());
    List<String> columns = new ArrayList<>();
    for (var field : schema.fields()) {
      columns.add(Sql.quote(field.name()));
    }
    columns.addAll(KafkaSink.ROUTING_COLUMNS);
    Dataset<Row> records =
        parse(ingestion, schema, reader.load()).selectExpr(columns.toArray(String[]::new));
    String sink =
        KafkaSink.open(new SinkStream(context, ingestion, schema, rows, rejected, pending));
    try {
      StreamingQuery query =
          records
              .writeStream()
              .queryName("lakeplan-" + ingestion.id())
              .option("checkpointLocation", checkpoint)
              .trigger(
                  ingestion.mode() == StreamMode.MICRO_BATCH
                      ? Trigger.AvailableNow()
                      : Trigger.ProcessingTime(ingestion.trigger().toMillis()))
              .toTable(sink);
      return new Running(query, sink);
    } catch (TimeoutException e) {
      KafkaSink.close(sink);
      throw new TaskFailedException("Kafka ingestion " + ingestion.id() + " did not start", e);
    } catch (RuntimeException e) {
      KafkaSink.close(sink);
      throw e;
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
      String credentials = KafkaSecurity.describeRejection(ingestion, e);
      throw new TaskFailedException(
          credentials != null
              ? credentials
              : "Kafka ingestion " + ingestion.id() + " failed: " + Failures.rootMessage(e),
          e);
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

  /**
   * A new checkpoint of an ingestion whose records the target already holds starts right after them
   * ({@link KafkaProgress}); partitions the target has none of start at the earliest offset.
   */
  private static DataStreamReader continueAfter(
      Context context,
      KafkaIngestion ingestion,
      SortedMap<String, SortedMap<Integer, Long>> committed,
      DataStreamReader reader) {
    SortedMap<String, SortedMap<Integer, Long>> start = new TreeMap<>();
    KafkaPartitions.of(context, ingestion)
        .forEach(
            (topic, partitions) -> {
              SortedMap<Integer, Long> offsets = new TreeMap<>();
              for (int partition : partitions) {
                Map<Integer, Long> known = committed.get(topic);
                Long next = known == null ? null : known.get(partition);
                offsets.put(partition, next == null ? EARLIEST_OFFSET : next);
              }
              start.put(topic, offsets);
            });
    String offsets = KafkaProgress.formatOffsets(start);
    LOG.info(
        "Kafka ingestion {} has a new checkpoint; it continues after the records already in {}"
            + " (startingOffsets {})",
        ingestion.id(),
        ingestion.target(),
        offsets);
    return reader.option("startingOffsets", offsets);
  }

  private static DataStreamReader startingPosition(
      Context context, KafkaIngestion ingestion, DataStreamReader reader) {
    switch (ingestion.effectiveStartingPosition()) {
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

  /**
   * The records with the target's columns (from the parsed value, or for raw values from the record
   * itself), the Kafka coordinates as {@code __topic}, {@code __partition}, {@code __offset},
   * {@code __timestamp}, {@code __key} and {@code __value}, and {@code __reason}: null for a good
   * record, why it is malformed otherwise.
   */
  static Dataset<Row> parse(KafkaIngestion ingestion, StructType schema, Dataset<Row> data) {
    ValueChecks.register(data.sparkSession());
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
    List<String> problems = new ArrayList<>();
    SparkSession spark = data.sparkSession();
    if (ingestion.format() == ValueFormat.RAW) {
      for (var field : schema.fields()) {
        KafkaCoordinates fact = KafkaCoordinates.of(field.name(), ValueFormat.RAW, false);
        String value = coordinateSql(spark, fact, field);
        select.add(value + " AS " + Sql.quote(field.name()));
        if (fact != null && fact.isText()) {
          problems.add(
              ValueChecks.problemSql(
                  field.name(), "string", field.dataType(), coordinate(fact), value));
        }
      }
      select.add("CAST(NULL AS string) AS " + CORRUPT);
    } else {
      // every declared field as its JSON text (a string's content, a number as written): the
      // value rules, not from_json's casts, decide what each becomes (ValueRules)
      StructType declared = new StructType();
      List<String> noneParsed = new ArrayList<>();
      for (Column column : ingestion.columns()) {
        declared = declared.add(column.name(), DataTypes.StringType);
        noneParsed.add("__parsed." + Sql.quote(column.name()) + " IS NULL");
      }
      // A malformed value parses to nothing, so it has no declared column: the stream's session
      // has no partial results (KafkaSink).
      base = base.withColumn("__parsed", from_json(col("__value"), declared));
      Map<String, String> values = new java.util.HashMap<>();
      for (Column column : ingestion.columns()) {
        StructField target = targetField(schema, column.name());
        DataType type =
            target != null ? target.dataType() : DataType.fromDDL(Sql.type(column.type()));
        String source = "__parsed." + Sql.quote(column.name());
        String value = ValueChecks.typedValueSql(spark, column.type().toString(), type, source);
        values.put(column.name(), value);
        problems.add(
            ValueChecks.problemSql(column.name(), column.type().toString(), type, source, value));
      }
      for (var field : schema.fields()) {
        Column column = declaredColumn(ingestion, field.name());
        KafkaCoordinates fact =
            KafkaCoordinates.of(field.name(), ingestion.format(), column != null);
        String value =
            column != null ? values.get(column.name()) : coordinateSql(spark, fact, field);
        select.add(value + " AS " + Sql.quote(field.name()));
        if (fact != null && fact.isText()) {
          problems.add(
              ValueChecks.problemSql(
                  field.name(), "string", field.dataType(), coordinate(fact), value));
        }
      }
      select.add(
          "CASE WHEN __parsed IS NULL OR ("
              + String.join(" AND ", noneParsed)
              + ") THEN 'unparsed' END AS "
              + CORRUPT);
    }
    select.add(
        (problems.isEmpty()
                ? "CAST(NULL AS string)"
                : "coalesce(" + String.join(", ", problems) + ")")
            + " AS __problem");
    Dataset<Row> shaped = base.selectExpr(select.toArray(String[]::new));
    return shaped.withColumn("__reason", org.apache.spark.sql.functions.expr(reason(schema)));
  }

  /** The column of the parsed records that holds Kafka fact {@code fact}. */
  private static String coordinate(KafkaCoordinates fact) {
    return "__" + fact.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The value of target column {@code field} that holds Kafka fact {@code fact} (null: none, so
   * null): text by the value rules, the others cast to the column's type.
   */
  private static String coordinateSql(
      SparkSession spark, KafkaCoordinates fact, StructField field) {
    if (fact == null) {
      return "CAST(NULL AS " + field.dataType().sql() + ")";
    }
    return fact.isText()
        ? ValueChecks.typedValueSql(spark, "string", field.dataType(), coordinate(fact))
        : "CAST(" + coordinate(fact) + " AS " + field.dataType().sql() + ")";
  }

  private static StructField targetField(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(name)) {
        return field;
      }
    }
    return null;
  }

  private static Column declaredColumn(KafkaIngestion ingestion, String name) {
    for (Column column : ingestion.columns()) {
      if (column.name().equalsIgnoreCase(name)) {
        return column;
      }
    }
    return null;
  }

  /** Why a record is malformed, or null: unparseable JSON, or a required column without value. */
  private static String reason(StructType schema) {
    StringBuilder reason =
        new StringBuilder("CASE WHEN ")
            .append(CORRUPT)
            .append(" IS NOT NULL THEN 'value is not JSON");
    reason.append(" of the declared schema' WHEN __problem IS NOT NULL THEN __problem");
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
