package io.lakeplan.spark.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.KafkaProgress;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Per batch, on the driver ({@link BatchCommit#commit}):
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
 */
public final class KafkaSink extends RegistryCatalog<KafkaSink.Stream> {

  /** The catalog name the sink is registered under in a session. */
  static final String CATALOG = "lakeplan_kafka_sink";

  /** The input columns after the target's, in this order. */
  static final List<String> ROUTING_COLUMNS =
      List.of("__reason", "__topic", "__partition", "__offset");

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);

  private static final Map<String, Stream> OPEN = registry();

  /**
   * A stream being written: what it ingests, where relative paths and the watermarks live, the
   * target's columns (with those {@code pending} adds), the counts its batches add to, and the
   * columns {@code append-new-columns} adds in the next batch's commit (empty once added).
   */
  record Stream(
      Context context,
      KafkaIngestion ingestion,
      StructType target,
      AtomicLong rows,
      AtomicLong rejected,
      AtomicReference<Map<String, ColumnType>> pending) {}

  /** Spark's constructor (by reflection). */
  public KafkaSink() {
    super(OPEN, CATALOG, "sink of Kafka ingestions; it only has the streams they open");
  }

  /**
   * Registers {@code stream} (and the sink's catalog in its session); the returned name is the
   * table to write the stream to.
   */
  static String open(Stream stream) {
    // the key is random: the query carries the ingestion's name
    return register(stream.context().spark, CATALOG, KafkaSink.class, OPEN, stream);
  }

  /** Forgets the stream written to {@code table}, once its query has ended. */
  static void close(String table) {
    forget(CATALOG, OPEN, table);
  }

  @Override
  Table table(Stream stream) {
    return new SinkTable(stream);
  }

  /** The sink as Spark sees it: the target, written by stream. */
  private static final class SinkTable implements SupportsWrite {
    private final Stream stream;
    private SupportsWrite target;

    SinkTable(Stream stream) {
      this.stream = stream;
      this.target = icebergTable(stream);
    }

    private static SupportsWrite icebergTable(Stream stream) {
      String name = LakeplanCatalogNames.of(stream.ingestion().target());
      try {
        Spark3Util.CatalogAndIdentifier found =
            Spark3Util.catalogAndIdentifier(stream.context().spark, name);
        return (SupportsWrite) ((TableCatalog) found.catalog()).loadTable(found.identifier());
      } catch (ParseException | NoSuchTableException e) {
        throw new TaskFailedException("Cannot load table " + name + ": " + e.getMessage(), e);
      }
    }

    @Override
    public String name() {
      return "Kafka ingestion " + stream.ingestion().id() + " into " + target.name();
    }

    @Override
    public StructType schema() {
      return stream.target();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return EnumSet.of(TableCapability.STREAMING_WRITE, TableCapability.ACCEPT_ANY_SCHEMA);
    }

    /** Called once per batch, on the stream's thread, while its session is the active one. */
    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
      // A malformed value parses to nothing: no partial results, so a truncated record cannot pass
      // with some columns filled. The stream's session is its own (Spark sets its own options on
      // it the same way), so the session that started the stream keeps its setting.
      SparkSession.active().conf().set("spark.sql.json.enablePartialResults", "false");
      Layout layout = Layout.of(stream.target(), info.schema());
      // columns to add: the batch writes into a transaction that adds them (see SchemaCommit),
      // and its commit commits both; a batch after that needs the target as it is now
      Map<String, ColumnType> pending = stream.pending().get();
      Transaction transaction = null;
      SupportsWrite table = target;
      if (!pending.isEmpty()) {
        transaction = SchemaCommit.begin(stream.context(), stream.ingestion().target(), pending);
        table = new SparkTable(transaction.table());
      } else if (target.columns().length < stream.target().length()) {
        target = icebergTable(stream);
        table = target;
      }
      Write write = table.newWriteBuilder(new TargetWriteInfo(info, stream.target())).build();
      Transaction adding = transaction;
      return new WriteBuilder() {
        @Override
        public Write build() {
          return new RoutedWrite(stream, write, layout, info.queryId(), adding);
        }
      };
    }
  }

  /** What Iceberg is told it writes: the target's columns only, under the stream's query id. */
  private record TargetWriteInfo(LogicalWriteInfo stream, StructType target)
      implements LogicalWriteInfo {
    @Override
    public CaseInsensitiveStringMap options() {
      return stream.options();
    }

    @Override
    public String queryId() {
      return stream.queryId();
    }

    @Override
    public StructType schema() {
      return target;
    }

    @Override
    public Optional<StructType> rowIdSchema() {
      return stream.rowIdSchema();
    }

    @Override
    public Optional<StructType> metadataSchema() {
      return stream.metadataSchema();
    }
  }

  /** Where the routing columns sit in the stream's rows. */
  record Layout(int reason) implements Serializable {
    int topic() {
      return reason + 1;
    }

    int partition() {
      return reason + 2;
    }

    int offset() {
      return reason + 3;
    }

    static Layout of(StructType target, StructType input) {
      StructField[] fields = input.fields();
      int width = target.fields().length;
      boolean matches = fields.length == width + ROUTING_COLUMNS.size();
      for (int i = 0; matches && i < width; i++) {
        StructField column = target.fields()[i];
        matches =
            fields[i].name().equalsIgnoreCase(column.name())
                && fields[i].dataType().sameType(column.dataType());
      }
      for (int i = 0; matches && i < ROUTING_COLUMNS.size(); i++) {
        matches = fields[width + i].name().equals(ROUTING_COLUMNS.get(i));
      }
      if (!matches) {
        throw new IllegalStateException(
            "A Kafka ingestion's stream must have the target's columns "
                + target.simpleString()
                + " followed by "
                + ROUTING_COLUMNS
                + ", not "
                + input.simpleString());
      }
      return new Layout(width);
    }
  }

  /** Iceberg's write of the target, its distribution and ordering included, with routing. */
  private static final class RoutedWrite implements Write, RequiresDistributionAndOrdering {
    private final Stream stream;
    private final Write target;
    private final Layout layout;
    private final String queryId;
    private final Transaction adding;

    RoutedWrite(Stream stream, Write target, Layout layout, String queryId, Transaction adding) {
      this.stream = stream;
      this.target = target;
      this.layout = layout;
      this.queryId = queryId;
      this.adding = adding;
    }

    @Override
    public String description() {
      return "Lakeplan Kafka ingestion " + stream.ingestion().id() + ": " + target.description();
    }

    @Override
    public StreamingWrite toStreaming() {
      return new BatchCommit(stream, target.toStreaming(), layout, queryId, adding);
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
      return target.supportedCustomMetrics();
    }

    private RequiresDistributionAndOrdering required() {
      return target instanceof RequiresDistributionAndOrdering required ? required : null;
    }

    @Override
    public Distribution requiredDistribution() {
      return required() == null ? Distributions.unspecified() : required().requiredDistribution();
    }

    @Override
    public boolean distributionStrictlyRequired() {
      return required() == null || required().distributionStrictlyRequired();
    }

    @Override
    public int requiredNumPartitions() {
      return required() == null ? 0 : required().requiredNumPartitions();
    }

    @Override
    public long advisoryPartitionSizeInBytes() {
      return required() == null ? 0 : required().advisoryPartitionSizeInBytes();
    }

    @Override
    public SortOrder[] requiredOrdering() {
      return required() == null ? new SortOrder[0] : required().requiredOrdering();
    }
  }

  /** A topic partition. */
  record TopicPartition(String topic, int partition) implements Serializable {}

  /** A malformed record: where it is, and why. */
  record Malformed(String topic, int partition, long offset, String reason)
      implements Serializable {
    static final Comparator<Malformed> FIRST =
        Comparator.comparing(Malformed::topic)
            .thenComparingInt(Malformed::partition)
            .thenComparingLong(Malformed::offset);
  }

  /**
   * What one task wrote: Iceberg's message for the good records (null when the batch was already
   * committed), the counts, the offset range of the malformed records per topic partition, the
   * first malformed record, and the last offset read per topic partition, good or malformed.
   */
  record TaskMessage(
      WriterCommitMessage written,
      long good,
      long malformed,
      HashMap<TopicPartition, long[]> malformedOffsets,
      Malformed first,
      HashMap<TopicPartition, Long> lastOffsets)
      implements WriterCommitMessage {}

  /** Creates the tasks' writers; Spark ships it to the executors. */
  private record RouterFactory(
      StreamingDataWriterFactory target, Layout layout, long lastCommittedBatch)
      implements StreamingDataWriterFactory {
    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
      return new Router(
          epochId > lastCommittedBatch ? target.createWriter(partitionId, taskId, epochId) : null,
          layout);
    }
  }

  /** One task's writer: good records to Iceberg's writer, malformed ones noted. */
  private static final class Router implements DataWriter<InternalRow> {
    private final DataWriter<InternalRow> target;
    private final Layout layout;
    private final HashMap<TopicPartition, long[]> malformedOffsets = new HashMap<>();
    private final HashMap<TopicPartition, Long> lastOffsets = new HashMap<>();
    private long good;
    private long malformed;
    private Malformed first;

    /** The partition of the previous row and its last offset: rows come in runs of one. */
    private UTF8String lastTopic;

    private int lastPartition = -1;
    private long lastOffset = -1;

    Router(DataWriter<InternalRow> target, Layout layout) {
      this.target = target;
      this.layout = layout;
    }

    @Override
    public void write(InternalRow row) throws IOException {
      noteOffset(row);
      if (row.isNullAt(layout.reason())) {
        good++;
        if (target != null) {
          target.write(row);
        }
      } else {
        note(row);
      }
    }

    /** Keeps the greatest offset read of each partition: where a new checkpoint would start. */
    private void noteOffset(InternalRow row) {
      UTF8String topic = row.getUTF8String(layout.topic());
      int partition = row.getInt(layout.partition());
      long offset = row.getLong(layout.offset());
      if (partition != lastPartition || !topic.equals(lastTopic)) {
        flushOffset();
        lastTopic = topic.clone();
        lastPartition = partition;
      }
      lastOffset = Math.max(lastOffset, offset);
    }

    private void flushOffset() {
      if (lastTopic != null) {
        lastOffsets.merge(
            new TopicPartition(lastTopic.toString(), lastPartition), lastOffset, Math::max);
      }
      lastOffset = -1;
    }

    private void note(InternalRow row) {
      malformed++;
      Malformed record =
          new Malformed(
              row.getUTF8String(layout.topic()).toString(),
              row.getInt(layout.partition()),
              row.getLong(layout.offset()),
              row.getUTF8String(layout.reason()).toString());
      long[] range =
          malformedOffsets.computeIfAbsent(
              new TopicPartition(record.topic(), record.partition()),
              partition -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], record.offset());
      range[1] = Math.max(range[1], record.offset());
      if (first == null || Malformed.FIRST.compare(record, first) < 0) {
        first = record;
      }
    }

    @Override
    public WriterCommitMessage commit() throws IOException {
      flushOffset();
      return new TaskMessage(
          target == null ? null : target.commit(),
          good,
          malformed,
          malformedOffsets,
          first,
          lastOffsets);
    }

    @Override
    public void abort() throws IOException {
      if (target != null) {
        target.abort();
      }
    }

    @Override
    public void close() throws IOException {
      if (target != null) {
        target.close();
      }
    }

    @Override
    public CustomTaskMetric[] currentMetricsValues() {
      return target == null ? new CustomTaskMetric[0] : target.currentMetricsValues();
    }
  }

  /** A batch's tasks, summed up. */
  private record Batch(
      WriterCommitMessage[] written,
      long good,
      long malformed,
      Map<TopicPartition, long[]> malformedOffsets,
      Malformed first,
      Map<String, Map<Integer, Long>> lastOffsets) {
    static Batch of(WriterCommitMessage[] messages) {
      List<WriterCommitMessage> written = new ArrayList<>();
      long good = 0;
      long malformed = 0;
      Map<TopicPartition, long[]> offsets = new HashMap<>();
      Map<String, Map<Integer, Long>> lastOffsets = new TreeMap<>();
      Malformed first = null;
      for (WriterCommitMessage message : messages) {
        if (!(message instanceof TaskMessage task)) {
          continue; // a task that never committed (Spark passes null for it when aborting)
        }
        if (task.written() != null) {
          written.add(task.written());
        }
        good += task.good();
        malformed += task.malformed();
        task.malformedOffsets()
            .forEach(
                (partition, range) ->
                    offsets.merge(
                        partition,
                        range,
                        (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])}));
        if (task.first() != null
            && (first == null || Malformed.FIRST.compare(task.first(), first) < 0)) {
          first = task.first();
        }
        task.lastOffsets()
            .forEach(
                (partition, last) ->
                    lastOffsets
                        .computeIfAbsent(partition.topic(), topic -> new TreeMap<>())
                        .merge(partition.partition(), last, Math::max));
      }
      return new Batch(
          written.toArray(WriterCommitMessage[]::new),
          good,
          malformed,
          offsets,
          first,
          lastOffsets);
    }
  }

  /** Commits each batch: the driver's half of the sink. */
  private static final class BatchCommit implements StreamingWrite {
    private final Stream stream;
    private final StreamingWrite target;
    private final Layout layout;
    private final String queryId;

    /** The transaction adding the stream's new columns that this batch commits, or null. */
    private final Transaction adding;

    /** The batch whose good records are committed: its files must survive an abort. */
    private volatile long committed = -1;

    /**
     * The latest batch the target held when this batch's writers were created (Spark creates them
     * before it commits; one query writes an ingestion at a time, its checkpoint says so).
     */
    private volatile long lastCommittedBatch = -1;

    /**
     * {@code queryId}: Spark's id of the query, kept in its checkpoint, so the same across runs of
     * one checkpoint and new with a new one.
     */
    BatchCommit(
        Stream stream, StreamingWrite target, Layout layout, String queryId, Transaction adding) {
      this.stream = stream;
      this.target = target;
      this.layout = layout;
      this.queryId = queryId;
      this.adding = adding;
    }

    private KafkaIngestion ingestion() {
      return stream.ingestion();
    }

    /** The latest batch id this checkpoint committed into the target, or -1. */
    private long readLastCommittedBatch() {
      return KafkaProgress.committedBatch(
          Tables.summaries(Tables.load(stream.context(), ingestion().target())),
          ingestion().id(),
          queryId);
    }

    @Override
    public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
      lastCommittedBatch = readLastCommittedBatch();
      return new RouterFactory(
          target.createStreamingWriterFactory(info), layout, lastCommittedBatch);
    }

    @Override
    public boolean useCommitCoordinator() {
      return target.useCommitCoordinator();
    }

    @Override
    public void commit(long batchId, WriterCommitMessage[] messages) {
      Batch batch = Batch.of(messages);
      if (lastCommittedBatch >= batchId) {
        LOG.warn(
            "Kafka ingestion {}: batch {} is already in {} (replayed after a crash); skipped",
            ingestion().id(),
            batchId,
            ingestion().target());
        // the crash may have come before the batch's dead letters were written
        if (batch.malformed() > 0
            && !DeadLetters.hasBatch(stream.context(), ingestion(), batchId)) {
          writeDeadLetters(batchId, batch);
          stream.rejected().addAndGet(batch.malformed());
        }
        return;
      }
      if (ingestion().failOnMalformed() && batch.malformed() > 0) {
        Malformed first = batch.first();
        throw new TaskFailedException(
            batch.malformed()
                + " malformed records in batch "
                + batchId
                + " (first: partition "
                + first.partition()
                + " offset "
                + first.offset()
                + ": "
                + first.reason()
                + "); nothing committed");
      }
      String offsets =
          KafkaProgress.formatOffsets(
              KafkaProgress.advance(
                  KafkaProgress.committedOffsets(
                      Tables.summaries(Tables.load(stream.context(), ingestion().target())),
                      ingestion().id()),
                  batch.lastOffsets()));
      CommitMetadata.withCommitProperties(
          Map.of(
              CommitProperties.kafkaBatch(ingestion().id()),
              Long.toString(batchId),
              CommitProperties.kafkaCheckpoint(ingestion().id()),
              queryId,
              CommitProperties.kafkaOffsets(ingestion().id()),
              offsets),
          () -> {
            target.commit(batchId, batch.written());
            if (adding != null) {
              // the batch joined the transaction: its files and the new columns, one commit
              adding.commitTransaction();
              stream.pending().set(Map.of());
            }
            return null;
          },
          RuntimeException.class);
      committed = batchId;
      stream.rows().addAndGet(batch.good());
      LongConsumer hook = KafkaIngestExecutor.afterCommit;
      if (hook != null) {
        hook.accept(batchId);
      }
      CrashPoints.reach("after-commit");
      if (batch.malformed() > 0) {
        writeDeadLetters(batchId, batch);
        stream.rejected().addAndGet(batch.malformed());
        CrashPoints.reach("after-dead-letters");
      }
    }

    @Override
    public void abort(long batchId, WriterCommitMessage[] messages) {
      if (batchId == committed) {
        // what failed came after the commit: the files are the table's now, whatever Iceberg's
        // abort would do with them
        LOG.warn(
            "Kafka ingestion {}: batch {} failed after its commit; its files stay",
            ingestion().id(),
            batchId);
        return;
      }
      target.abort(batchId, Batch.of(messages).written());
    }

    /** Reads the malformed records' offset ranges back from Kafka, for the dead-letter table. */
    private void writeDeadLetters(long batchId, Batch batch) {
      Map<String, List<Integer>> assign = new TreeMap<>();
      Map<String, Map<String, Long>> from = new TreeMap<>();
      Map<String, Map<String, Long>> until = new TreeMap<>();
      batch
          .malformedOffsets()
          .forEach(
              (partition, range) -> {
                assign
                    .computeIfAbsent(partition.topic(), topic -> new ArrayList<>())
                    .add(partition.partition());
                from.computeIfAbsent(partition.topic(), topic -> new TreeMap<>())
                    .put(Integer.toString(partition.partition()), range[0]);
                until
                    .computeIfAbsent(partition.topic(), topic -> new TreeMap<>())
                    .put(Integer.toString(partition.partition()), range[1] + 1);
              });
      // the stream's session: its JSON options are the ones the batch was parsed with
      DataFrameReader reader =
          SparkSession.active()
              .read()
              .format("kafka")
              .option("kafka.bootstrap.servers", ingestion().bootstrapServers());
      for (Map.Entry<String, String> option : ingestion().options().entrySet()) {
        if (option.getKey().startsWith("kafka.")) {
          reader = reader.option(option.getKey(), option.getValue());
        }
      }
      ObjectMapper json = new ObjectMapper();
      try {
        reader =
            reader
                .option("assign", json.writeValueAsString(assign))
                .option("startingOffsets", json.writeValueAsString(from))
                .option("endingOffsets", json.writeValueAsString(until));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot write Kafka offsets as JSON", e);
      }
      DeadLetters.append(
          stream.context(),
          ingestion(),
          KafkaIngestExecutor.parse(ingestion(), stream.target(), reader.load())
              .where("__reason IS NOT NULL"),
          batchId);
    }
  }
}
