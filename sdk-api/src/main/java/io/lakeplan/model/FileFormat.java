package io.lakeplan.model;

/** Formats of historical data a migration reads. */
public enum FileFormat {
  PARQUET,
  ORC,
  AVRO,
  CSV,
  JSON;

  /** Whether Iceberg can register files of this format as they are (ADD_FILES conversion). */
  public boolean supportsAddFiles() {
    return this == PARQUET || this == ORC || this == AVRO;
  }
}
