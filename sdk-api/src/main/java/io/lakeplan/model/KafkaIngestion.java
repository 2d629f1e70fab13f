package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * Reads Kafka topics into an Iceberg table, streaming or in micro-batches. A first run without a
 * checkpoint starts at {@link #startingPosition()}; after that the checkpoint decides. Records that
 * cannot be decoded go to {@link #deadLetterTable()} with the reason.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableKafkaIngestion.class)
@JsonDeserialize(as = ImmutableKafkaIngestion.class)
public abstract class KafkaIngestion {
  /** The step id, unique in the use case. Required. */
  public abstract String id();

  /** Comma-separated {@code host:port} bootstrap servers. Required. */
  public abstract String bootstrapServers();

  /** SASL authentication; null for none. */
  public abstract KafkaAuth auth();

  /** The topics read; set these or {@link #topicPattern()}. */
  public abstract List<String> topics();

  /** A Java regular expression of topics; set this or {@link #topics()}. */
  public abstract String topicPattern();

  /** The value format. Default: JSON. */
  @Value.Default
  public ValueFormat format() {
    return ValueFormat.JSON;
  }

  /** The declared columns of JSON values; required for JSON. */
  public abstract List<Column> columns();

  /** Streaming or micro-batch. Default: MICRO_BATCH. */
  @Value.Default
  public StreamMode mode() {
    return StreamMode.MICRO_BATCH;
  }

  /** The processing-time trigger interval in STREAMING mode. Default: 1m. */
  @Value.Default
  public Duration trigger() {
    return Duration.ofMinutes(1);
  }

  /** The streaming checkpoint location (a URI or path). Required. */
  public abstract String checkpoint();

  /**
   * Where a first run starts (a run with a checkpoint continues from it). Null (the default): the
   * planner chooses MIGRATION_WATERMARK when a migration with a watermark column writes the target,
   * so streaming takes over exactly where the history ends, and EARLIEST otherwise, so a new
   * ingestion loses none of the records the topic still holds. Set LATEST to skip them.
   */
  public abstract StartingPosition startingPosition();

  /**
   * The position in effect: {@link #startingPosition()}, or EARLIEST when it is null (an ingestion
   * run outside a plan; a planned one always has it set).
   */
  public StartingPosition effectiveStartingPosition() {
    return startingPosition() == null ? StartingPosition.EARLIEST : startingPosition();
  }

  /** The start time when {@link #startingPosition()} is TIMESTAMP. */
  public abstract Instant startingTimestamp();

  /** The Iceberg table written. Required. */
  public abstract TableId target();

  /** Where undecodable records go; null means {@code <target>_dead_letter}. */
  public abstract TableId deadLetterTable();

  /** Whether one undecodable record fails the batch. Default: false (it is dead-lettered). */
  @Value.Default
  public boolean failOnMalformed() {
    return false;
  }

  /** Extra Kafka consumer options; no secrets here (validation rejects them). */
  public abstract Map<String, String> options();

  /**
   * What a run does when the declared {@link #columns()} brings columns the target lacks: fail
   * before writing (the default), add them to the target in the run's commit ({@code
   * append-new-columns}), or drop them ({@code ignore}). Change it when the source is expected to
   * grow. Only declared columns are compared: fields of a value that are not declared are never
   * read, whatever the policy. Format raw has no declared columns and takes only fail.
   */
  @Value.Default
  public SchemaChangePolicy onSchemaChange() {
    return SchemaChangePolicy.FAIL;
  }

  /**
   * The dead-letter table in effect: {@link #deadLetterTable()}, else the target's name with {@code
   * _dead_letter}; null when neither is set (validation reports the missing target).
   */
  public TableId effectiveDeadLetterTable() {
    TableId target = target();
    if (deadLetterTable() != null || target == null) {
      return deadLetterTable();
    }
    return TableId.of(target.namespace(), target.name() + "_dead_letter");
  }

  /** A builder of Kafka ingestions. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KafkaIngestion}; every setter is named after its property. */
  public static final class Builder extends ImmutableKafkaIngestion.Builder {
    /** Sets the target from its {@code namespace.name} text. */
    public Builder target(String table) {
      return target(TableId.parse(table));
    }

    /** Appends a declared JSON column of the type written {@code type}. */
    public Builder column(String name, String type) {
      return addColumn(Column.of(name, type));
    }
  }
}
