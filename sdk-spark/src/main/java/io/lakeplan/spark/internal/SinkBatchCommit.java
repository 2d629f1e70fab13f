package io.lakeplan.spark.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.KafkaProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits each batch: the driver's half of the sink. */
final class SinkBatchCommit implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(SinkBatchCommit.class);

  private final SinkStream stream;
  private final StreamingWrite target;
  private final SinkLayout layout;
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
  SinkBatchCommit(
      SinkStream stream,
      StreamingWrite target,
      SinkLayout layout,
      String queryId,
      Transaction adding) {
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
    return new SinkRouterFactory(
        target.createStreamingWriterFactory(info), layout, lastCommittedBatch);
  }

  @Override
  public boolean useCommitCoordinator() {
    return target.useCommitCoordinator();
  }

  @Override
  public void commit(long batchId, WriterCommitMessage[] messages) {
    SinkBatch batch = SinkBatch.of(messages);
    if (lastCommittedBatch >= batchId) {
      LOG.warn(
          "Kafka ingestion {}: batch {} is already in {} (replayed after a crash); skipped",
          ingestion().id(),
          batchId,
          ingestion().target());
      // the crash may have come before the batch's dead letters were written
      if (batch.malformed() > 0 && !DeadLetters.hasBatch(stream.context(), ingestion(), batchId)) {
        writeDeadLetters(batchId, batch);
        stream.rejected().addAndGet(batch.malformed());
      }
      return;
    }
    if (ingestion().failOnMalformed() && batch.malformed() > 0) {
      MalformedRecord first = batch.first();
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
    target.abort(batchId, SinkBatch.of(messages).written());
  }

  /** Reads the malformed records' offset ranges back from Kafka, for the dead-letter table. */
  private void writeDeadLetters(long batchId, SinkBatch batch) {
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
    // the stream's SASL settings too (the password resolved again, never logged)
    for (Map.Entry<String, String> setting :
        KafkaSecurity.clientProperties(stream.context(), ingestion()).entrySet()) {
      reader = reader.option("kafka." + setting.getKey(), setting.getValue());
    }
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
