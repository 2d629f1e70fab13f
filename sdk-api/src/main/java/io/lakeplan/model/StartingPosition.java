package io.lakeplan.model;

/** Where a Kafka ingestion without a checkpoint starts reading. */
public enum StartingPosition {
  /** At the migration watermark of the target table, as {@code startingTimestamp}. */
  MIGRATION_WATERMARK,
  /** At the earliest retained offset. */
  EARLIEST,
  /** At the end of each partition: only new records. */
  LATEST,
  /** At the ingestion's explicit {@code starting-timestamp}. */
  TIMESTAMP
}
