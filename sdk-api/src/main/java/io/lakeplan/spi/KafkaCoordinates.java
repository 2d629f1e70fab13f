package io.lakeplan.spi;

import io.lakeplan.model.ValueFormat;
import java.util.Locale;

/**
 * The Kafka record facts a Kafka ingestion writes into target columns named after them, decided
 * once for every engine.
 *
 * <p>A target column named {@code kafka_topic}, {@code kafka_partition}, {@code kafka_offset},
 * {@code kafka_timestamp} or {@code kafka_key} that is not a declared field holds the record's
 * topic, partition, offset, timestamp or key, in any format; so does, for {@link ValueFormat#RAW
 * raw} values, a column named {@code topic}, {@code partition}, {@code offset}, {@code timestamp}
 * or {@code key} ({@code value} holds the value). Keeping the partition and offset lets a merge
 * break ties by them ({@code order-by: [updated_at, kafka_partition, kafka_offset]}), whatever the
 * order in which an engine wrote the records into files.
 */
public enum KafkaCoordinates {
  /** The record's topic (text). */
  TOPIC,
  /** The record's partition (an integer). */
  PARTITION,
  /** The record's offset in its partition (a whole number). */
  OFFSET,
  /** The record's timestamp. */
  TIMESTAMP,
  /** The record's key (text). */
  KEY,
  /** The record's value (text); raw values only. */
  VALUE;

  private static final String PREFIX = "kafka_";

  /**
   * The fact that target column {@code column} (any case) holds for a record in {@code format}, or
   * null when it holds none (a declared field, or any other column). {@code declared}: whether the
   * column is a declared field of the values, which always wins.
   */
  public static KafkaCoordinates of(String column, ValueFormat format, boolean declared) {
    if (declared) {
      return null;
    }
    String name = column.toLowerCase(Locale.ROOT);
    if (name.startsWith(PREFIX)) {
      KafkaCoordinates fact = named(name.substring(PREFIX.length()));
      return fact == VALUE ? null : fact;
    }
    return format == ValueFormat.RAW ? named(name) : null;
  }

  private static KafkaCoordinates named(String name) {
    for (KafkaCoordinates fact : values()) {
      if (fact.name().toLowerCase(Locale.ROOT).equals(name)) {
        return fact;
      }
    }
    return null;
  }

  /** Whether the fact is text, converted by the value rules (the others are cast). */
  public boolean isText() {
    return this == TOPIC || this == KEY || this == VALUE;
  }
}
