package io.lakeplan.model;

/** How Kafka record values are decoded. */
public enum ValueFormat {
  /** JSON objects, decoded with the ingestion's declared columns. */
  JSON,
  /** Avro, decoded with the writer schema. */
  AVRO,
  /** Raw bytes, kept as they are in a {@code value} column. */
  RAW
}
