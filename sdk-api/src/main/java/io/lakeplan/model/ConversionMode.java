package io.lakeplan.model;

/** How a migration turns landing data into an Iceberg table. */
public enum ConversionMode {
  /** Read and rewrite the data with Spark: any format, repartitioned, idempotent per partition. */
  REWRITE,
  /**
   * Register existing Parquet, ORC or Avro files in Iceberg metadata without rewriting them: much
   * faster, but the files must already match the table's schema and partitioning.
   */
  ADD_FILES
}
