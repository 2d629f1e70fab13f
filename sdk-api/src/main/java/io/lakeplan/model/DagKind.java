package io.lakeplan.model;

/** The phase a DAG belongs to. */
public enum DagKind {
  MIGRATION,
  INGESTION,
  TRANSFORMATION,
  MAINTENANCE
}
