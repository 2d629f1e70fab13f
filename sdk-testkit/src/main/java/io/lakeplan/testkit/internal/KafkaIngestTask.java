package io.lakeplan.testkit.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.KafkaCoordinates;
import io.lakeplan.spi.KafkaProgress;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.ValueRuleException;
import io.lakeplan.spi.ValueRules;
import io.lakeplan.spi.Watermark;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka ingestion from in-memory topics, with the Spark engine's semantics: a checkpoint per
 * ingestion (the next batch's offset range is fixed before it runs; a batch is recorded complete
 * only after its commit), a new checkpoint that starts after the records the target already holds
 * or, for a target without any, from the policy (the migration watermark as the starting time,
 * earliest, latest or an explicit time), one Iceberg commit per batch carrying its batch id, its
 * checkpoint and the offsets reached ({@link KafkaProgress}) so a batch the same checkpoint replays
 * is skipped, and malformed records in the dead-letter table — or failing the batch before any
 * commit.
 *
 * <p>Both modes ingest everything available in one batch per run: streaming mode does not keep
 * running between runs (each {@code run} of the DAG is one trigger).
 */
final class KafkaIngestTask {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaIngestTask.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The dead-letter table's columns, as the Spark engine creates it. */
  static final Schema DEAD_LETTER_SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "ingestion", Types.StringType.get()),
          Types.NestedField.optional(2, "batch_id", Types.LongType.get()),
          Types.NestedField.optional(3, "topic", Types.StringType.get()),
          Types.NestedField.optional(4, "kafka_partition", Types.IntegerType.get()),
          Types.NestedField.optional(5, "kafka_offset", Types.LongType.get()),
          Types.NestedField.optional(6, "kafka_timestamp", Types.TimestampType.withZone()),
          Types.NestedField.optional(7, "record_key", Types.StringType.get()),
          Types.NestedField.optional(8, "record_value", Types.StringType.get()),
          Types.NestedField.optional(9, "reason", Types.StringType.get()));

  private KafkaIngestTask() {}

  static String batchProperty(KafkaIngestion ingestion) {
    return CommitProperties.kafkaBatch(ingestion.id());
  }

  static TaskResult run(InMemoryEngine.Context context, KafkaIngestion ingestion) {
    if (ingestion.format() == ValueFormat.AVRO) {
      throw new TaskFailure(
          "Kafka ingestion "
              + ingestion.id()
              + ": Avro values are not supported by the engines yet; use format json or raw");
    }
    Lake lake = context.lake();
    Table table = lake.load(ingestion.target());
    // the declared columns against the target's, before any record is read; new ones are added
    // by the batch's commit
    SchemaChanges.Decision changes = schemaChanges(ingestion, table);
    Map<String, ColumnType> declaredTypes = new LinkedHashMap<>();
    ingestion.columns().forEach(column -> declaredTypes.put(column.name(), column.type()));
    SchemaEvolution evolution = SchemaEvolution.begin(table, changes, declaredTypes);
    boolean columnsAdded = changes.added().isEmpty();
    String location = checkpoint(ingestion);
    Inputs inputs = context.inputs();
    List<Inputs.TopicPartition> partitions = partitions(inputs, ingestion);
    // the credentials, before anything is read (the Spark engine's clients authenticate first)
    KafkaAuthCheck.check(
        context,
        ingestion,
        partitions.stream().map(Inputs.TopicPartition::topic).distinct().toList());
    Inputs.Checkpoint checkpoint = inputs.checkpoint(location);

    Map<Inputs.TopicPartition, Long> start;
    Map<Inputs.TopicPartition, Long> end;
    long batchId;
    boolean replay = checkpoint.plannedBatch > checkpoint.committedBatch;
    if (replay) {
      // a batch was planned but never recorded complete: replay exactly its range
      batchId = checkpoint.plannedBatch;
      start = checkpoint.plannedStart;
      end = checkpoint.plannedEnd;
      LOG.info("Kafka ingestion {} replays batch {} from its checkpoint", ingestion.id(), batchId);
    } else {
      if (checkpoint.committedBatch >= 0) {
        LOG.info("Kafka ingestion {} continues from its checkpoint {}", ingestion.id(), location);
        start = new TreeMap<>(checkpoint.committedOffsets);
        // partitions that appeared since (a pattern matched a new topic) start at the beginning
        for (Inputs.TopicPartition partition : partitions) {
          start.putIfAbsent(partition, 0L);
        }
      } else {
        if (checkpoint.initialOffsets == null) {
          checkpoint.initialOffsets = committedOffsets(table, ingestion, partitions, location);
        }
        if (checkpoint.initialOffsets == null) {
          checkpoint.initialOffsets = startingOffsets(context, ingestion, partitions);
        }
        start = new TreeMap<>(checkpoint.initialOffsets);
        for (Inputs.TopicPartition partition : partitions) {
          start.putIfAbsent(partition, 0L);
        }
      }
      end = new TreeMap<>();
      for (Inputs.TopicPartition partition : start.keySet()) {
        end.put(partition, inputs.endOffset(partition));
      }
      batchId = checkpoint.committedBatch + 1;
      if (start.equals(end)) {
        return TaskResult.succeeded(
            0,
            0,
            0,
            Duration.ZERO,
            "no new records in " + source(ingestion) + "; nothing ingested");
      }
      checkpoint.plannedBatch = batchId;
      checkpoint.plannedStart = start;
      checkpoint.plannedEnd = end;
    }

    List<Inputs.KafkaRecord> records = new ArrayList<>();
    for (Map.Entry<Inputs.TopicPartition, Long> entry : start.entrySet()) {
      records.addAll(inputs.read(entry.getKey(), entry.getValue(), end.get(entry.getKey())));
    }
    Schema schema = evolution.schema();
    List<Record> good = new ArrayList<>();
    List<Record> bad = new ArrayList<>();
    RecordParser parser = new RecordParser(ingestion, schema);
    // parsing is most of a batch's work and each record's is independent
    List<Parsed> results = Parallel.map(records, parser::parse);
    for (int i = 0; i < records.size(); i++) {
      Parsed parsed = results.get(i);
      if (parsed.reason == null) {
        good.add(parsed.record);
      } else {
        bad.add(deadLetter(ingestion, batchId, records.get(i), parsed.reason));
      }
    }

    List<Map<String, String>> summaries = Lake.summaries(table);
    long ingested = 0;
    if (KafkaProgress.committedBatch(summaries, ingestion.id(), checkpoint.id) >= batchId) {
      LOG.warn(
          "Kafka ingestion {}: batch {} is already in {} (replayed after a crash); skipped",
          ingestion.id(),
          batchId,
          ingestion.target());
      if (!bad.isEmpty() && !hasDeadLetters(lake, ingestion, batchId)) {
        Writes.append(lake, deadLetters(lake, ingestion), bad, Map.of());
      }
    } else {
      if (ingestion.failOnMalformed() && !bad.isEmpty()) {
        Record first = bad.get(0);
        throw new TaskFailure(
            bad.size()
                + " malformed records in batch "
                + batchId
                + " (first: partition "
                + first.getField("kafka_partition")
                + " offset "
                + first.getField("kafka_offset")
                + ": "
                + first.getField("reason")
                + "); nothing committed");
      }
      Map<String, Map<Integer, Long>> lastOffsets = new TreeMap<>();
      for (Inputs.KafkaRecord record : records) {
        lastOffsets
            .computeIfAbsent(record.topic(), topic -> new TreeMap<>())
            .merge(record.partition(), record.offset(), Math::max);
      }
      String offsets =
          KafkaProgress.formatOffsets(
              KafkaProgress.advance(
                  KafkaProgress.committedOffsets(summaries, ingestion.id()), lastOffsets));
      Writes.append(
          lake,
          evolution.table(),
          good,
          Map.of(
              batchProperty(ingestion),
              Long.toString(batchId),
              CommitProperties.kafkaCheckpoint(ingestion.id()),
              checkpoint.id,
              CommitProperties.kafkaOffsets(ingestion.id()),
              offsets));
      // the batch and the new columns: one commit
      evolution.commit(lake);
      columnsAdded = true;
      ingested = good.size();
      // the crash point of the Spark engine: the records are committed, their dead letters not
      context.afterCommit(ingestion.target().toString());
      if (!bad.isEmpty()) {
        Writes.append(lake, deadLetters(lake, ingestion), bad, Map.of());
      }
    }
    // the batch is done: the checkpoint records it
    checkpoint.committedBatch = batchId;
    checkpoint.committedOffsets.clear();
    checkpoint.committedOffsets.putAll(end);
    String summary =
        "ingested "
            + ingested
            + " records of "
            + source(ingestion)
            + " into "
            + ingestion.target()
            + (bad.isEmpty()
                ? ""
                : "; " + bad.size() + " malformed to " + ingestion.effectiveDeadLetterTable());
    if (columnsAdded) {
      summary += changes.summary();
    }
    if (replay) {
      // like Spark's available-now trigger: after the replayed batch, what is available now
      TaskResult next = run(context, ingestion);
      return TaskResult.succeeded(
          ingested + next.rows(), 0, 0, Duration.ZERO, summary + "; then " + next.summary());
    }
    return TaskResult.succeeded(ingested, 0, 0, Duration.ZERO, summary);
  }

  /**
   * The declared columns against the target's columns that no Kafka fact fills ({@link
   * SchemaChanges#of(KafkaIngestion)}); raw values declare none, so nothing to compare.
   */
  private static SchemaChanges.Decision schemaChanges(KafkaIngestion ingestion, Table table) {
    List<String> declared = ingestion.columns().stream().map(Column::name).toList();
    List<String> filled = SchemaChanges.kafkaFilled(ingestion, Values.names(table.schema()));
    List<String> required =
        table.schema().columns().stream()
            .filter(Types.NestedField::isRequired)
            .map(Types.NestedField::name)
            .toList();
    if (ingestion.format() == ValueFormat.RAW) {
      return SchemaChanges.of(ingestion).decide(filled, filled, required, TaskFailure::new);
    }
    return SchemaChanges.of(ingestion).decide(declared, filled, required, TaskFailure::new);
  }

  private static List<Inputs.TopicPartition> partitions(Inputs inputs, KafkaIngestion ingestion) {
    List<String> topics =
        ingestion.topicPattern() != null
            ? inputs.topicsMatching(ingestion.topicPattern())
            : ingestion.topics();
    List<Inputs.TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      int count;
      try {
        count = inputs.partitions(topic);
      } catch (IllegalArgumentException e) {
        throw new TaskFailure(
            "Kafka ingestion "
                + ingestion.id()
                + " reads topic "
                + topic
                + ", which does not exist (create it with PipelineTestDriver.inputTopic(\""
                + topic
                + "\"))");
      }
      for (int i = 0; i < count; i++) {
        partitions.add(new Inputs.TopicPartition(topic, i));
      }
    }
    return partitions;
  }

  /**
   * Where a new checkpoint starts when the target already holds records of the ingestion: after
   * them ({@link KafkaProgress}); null when it holds none.
   */
  private static Map<Inputs.TopicPartition, Long> committedOffsets(
      Table table,
      KafkaIngestion ingestion,
      List<Inputs.TopicPartition> partitions,
      String location) {
    Map<String, ? extends Map<Integer, Long>> committed =
        KafkaProgress.committedOffsets(Lake.summaries(table), ingestion.id());
    if (committed.isEmpty()) {
      return null;
    }
    LOG.info(
        "Kafka ingestion {} has a new checkpoint {}; it continues after the records already in {}",
        ingestion.id(),
        location,
        ingestion.target());
    Map<Inputs.TopicPartition, Long> start = new TreeMap<>();
    for (Inputs.TopicPartition partition : partitions) {
      Map<Integer, Long> topic = committed.get(partition.topic());
      Long next = topic == null ? null : topic.get(partition.partition());
      start.put(partition, next == null ? 0L : next);
    }
    return start;
  }

  private static Map<Inputs.TopicPartition, Long> startingOffsets(
      InMemoryEngine.Context context,
      KafkaIngestion ingestion,
      List<Inputs.TopicPartition> partitions) {
    Map<Inputs.TopicPartition, Long> start = new TreeMap<>();
    Inputs inputs = context.inputs();
    switch (ingestion.effectiveStartingPosition()) {
      case EARLIEST -> {
        LOG.info("Kafka ingestion {} starts at the earliest offsets (policy)", ingestion.id());
        partitions.forEach(partition -> start.put(partition, 0L));
      }
      case LATEST -> {
        LOG.info("Kafka ingestion {} starts at the latest offsets (policy)", ingestion.id());
        partitions.forEach(partition -> start.put(partition, inputs.endOffset(partition)));
      }
      case TIMESTAMP -> {
        LOG.info(
            "Kafka ingestion {} starts at {} (explicit time)",
            ingestion.id(),
            ingestion.startingTimestamp());
        partitions.forEach(
            partition ->
                start.put(
                    partition, inputs.offsetForTime(partition, ingestion.startingTimestamp())));
      }
      default -> {
        String key = ingestion.target().toString();
        Watermark watermark =
            context
                .watermarks()
                .get(key)
                .orElseThrow(
                    () ->
                        new TaskFailure(
                            "Kafka ingestion "
                                + ingestion.id()
                                + " starts from the migration watermark of "
                                + key
                                + ", but none is recorded: run the migration first, or set"
                                + " starting-position to earliest, latest or timestamp"));
        // records strictly after the migrated data, at Kafka's millisecond precision
        Instant after = Instant.ofEpochMilli(watermark.asInstant().toEpochMilli() + 1);
        LOG.info(
            "Kafka ingestion {} starts after the migration watermark {} (startingTimestamp {})",
            ingestion.id(),
            watermark,
            after.toEpochMilli());
        partitions.forEach(
            partition -> start.put(partition, inputs.offsetForTime(partition, after)));
      }
    }
    return start;
  }

  private record Parsed(Record record, String reason) {}

  /**
   * Kafka records as rows of the target, or why each is malformed. The declared columns are
   * resolved against the target once per batch, not once per value. Immutable once built: threads
   * share it.
   */
  private static final class RecordParser {
    private final KafkaIngestion ingestion;
    private final Schema schema;
    private final List<Declared> declared = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    // copying an empty record skips GenericRecord.create's per-record cache lookup
    private final GenericRecord empty;
    // the Kafka fact each target column holds (KafkaCoordinates), null for none
    private final KafkaCoordinates[] coordinates;

    /** A declared JSON field, as declared and as the target column it fills (null if none). */
    private record Declared(String name, ColumnType type, Types.NestedField target, int position) {}

    RecordParser(KafkaIngestion ingestion, Schema schema) {
      this.ingestion = ingestion;
      this.schema = schema;
      for (Column column : ingestion.columns()) {
        Types.NestedField target = schema.caseInsensitiveFindField(column.name());
        declared.add(
            new Declared(
                column.name(),
                column.type(),
                target,
                target == null ? -1 : schema.columns().indexOf(target)));
        positions.put(column.name(), declared.size() - 1);
      }
      empty = GenericRecord.create(schema);
      coordinates = new KafkaCoordinates[schema.columns().size()];
      for (int i = 0; i < coordinates.length; i++) {
        String name = schema.columns().get(i).name();
        boolean declaredField =
            ingestion.columns().stream().anyMatch(c -> c.name().equalsIgnoreCase(name));
        coordinates[i] = KafkaCoordinates.of(name, ingestion.format(), declaredField);
      }
    }

    /** The Kafka fact a record gives target column {@code column}, or null. */
    private static Object fact(KafkaCoordinates fact, Inputs.KafkaRecord record) {
      return switch (fact) {
        case TOPIC -> record.topic();
        case PARTITION -> record.partition();
        case OFFSET -> record.offset();
        case TIMESTAMP -> record.timestamp();
        case KEY -> record.key();
        case VALUE -> record.value();
      };
    }

    /** A record as a row of the target, or why it is malformed. */
    Parsed parse(Inputs.KafkaRecord record) {
      List<Types.NestedField> columns = schema.columns();
      Object[] values;
      if (ingestion.format() == ValueFormat.RAW) {
        values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
          Types.NestedField field = columns.get(i);
          KafkaCoordinates fact = coordinates[i];
          Object value = fact == null ? null : fact(fact, record);
          try {
            values[i] = Values.convert(field.type(), value);
          } catch (ValueRuleException e) {
            return new Parsed(null, ValueRules.reason(field.name(), e.problem()));
          }
        }
      } else {
        String[] texts = jsonFields(record.value());
        if (texts == null) {
          return new Parsed(null, NOT_JSON);
        }
        values = new Object[columns.size()];
        for (int i = 0; i < texts.length; i++) {
          if (texts[i] == null) {
            continue;
          }
          Declared column = declared.get(i);
          try {
            Object value = ValueRules.fromText(column.type(), texts[i]);
            if (column.target() != null) {
              values[column.position()] = Values.convert(column.target().type(), value);
            }
          } catch (ValueRuleException e) {
            return new Parsed(null, ValueRules.reason(column.name(), e.problem()));
          }
        }
      }
      if (ingestion.format() != ValueFormat.RAW) {
        for (int i = 0; i < values.length; i++) {
          if (coordinates[i] != null) {
            try {
              values[i] = Values.convert(columns.get(i).type(), fact(coordinates[i], record));
            } catch (ValueRuleException e) {
              return new Parsed(null, ValueRules.reason(columns.get(i).name(), e.problem()));
            }
          }
        }
      }
      GenericRecord row = empty.copy();
      for (int i = 0; i < values.length; i++) {
        Types.NestedField field = columns.get(i);
        if (field.isRequired() && values[i] == null) {
          return new Parsed(null, "required column " + field.name() + " has no value");
        }
        row.set(i, Values.toIceberg(field.type(), values[i]));
      }
      return new Parsed(row, null);
    }

    /**
     * The declared fields of a JSON value as their text, by declared position (a string's content,
     * a number or boolean as written, an object or array as its JSON), or null when the value is
     * not a JSON object or no declared field has a value. One pass over the text, no tree; the last
     * of a repeated field wins.
     */
    private String[] jsonFields(String value) {
      if (value == null) {
        return null;
      }
      String[] texts = new String[declared.size()];
      boolean any = false;
      try (JsonParser parser = JSON.createParser(value)) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          Integer index = positions.get(parser.currentName());
          JsonToken token = parser.nextToken();
          if (index == null) {
            parser.skipChildren();
          } else if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            texts[index] = JSON.readTree(parser).toString();
          } else {
            texts[index] = token == JsonToken.VALUE_NULL ? null : parser.getText();
          }
        }
      } catch (IOException e) {
        return null;
      }
      for (String text : texts) {
        any |= text != null;
      }
      return any ? texts : null;
    }
  }

  /** Why a record whose value is no JSON object with a declared field goes to the dead letters. */
  private static final String NOT_JSON = "value is not JSON of the declared schema";

  private static Record deadLetter(
      KafkaIngestion ingestion, long batchId, Inputs.KafkaRecord record, String reason) {
    Map<String, Object> row = new HashMap<>();
    row.put("ingestion", ingestion.id());
    row.put("batch_id", batchId);
    row.put("topic", record.topic());
    row.put("kafka_partition", record.partition());
    row.put("kafka_offset", record.offset());
    row.put("kafka_timestamp", record.timestamp());
    row.put("record_key", record.key());
    row.put("record_value", record.value());
    row.put("reason", reason);
    return Values.record(DEAD_LETTER_SCHEMA, row);
  }

  /** The dead-letter table, created with the ingestion's first malformed record (as on Spark). */
  private static Table deadLetters(Lake lake, KafkaIngestion ingestion) {
    return lake.createIfAbsent(ingestion.effectiveDeadLetterTable(), DEAD_LETTER_SCHEMA);
  }

  private static boolean hasDeadLetters(Lake lake, KafkaIngestion ingestion, long batchId) {
    Table deadLetters = lake.find(ingestion.effectiveDeadLetterTable());
    if (deadLetters == null) {
      return false;
    }
    for (Record record : lake.rows(deadLetters)) {
      if (ingestion.id().equals(record.getField("ingestion"))
          && Long.valueOf(batchId).equals(record.getField("batch_id"))) {
        return true;
      }
    }
    return false;
  }

  static String checkpoint(KafkaIngestion ingestion) {
    return ingestion.checkpoint() != null
        ? ingestion.checkpoint()
        : "checkpoints/" + ingestion.id();
  }

  private static String source(KafkaIngestion ingestion) {
    return ingestion.topicPattern() != null
        ? "topics matching " + ingestion.topicPattern()
        : String.join(", ", ingestion.topics());
  }
}
