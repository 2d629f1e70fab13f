package io.lakeplan.model;

/** How a Kafka ingestion runs. */
public enum StreamMode {
  /** A long-running query with a processing-time trigger. */
  STREAMING,
  /** Each run reads what is available and stops, so a schedule can drive it. */
  MICRO_BATCH
}
