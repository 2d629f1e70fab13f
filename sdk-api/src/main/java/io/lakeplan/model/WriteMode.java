package io.lakeplan.model;

/** How ingested rows are written to the target table. */
public enum WriteMode {
  /** Append every extracted row. */
  APPEND,
  /** Upsert by the ingestion's keys: matched rows are updated, others inserted. */
  MERGE
}
