package io.lakeplan.model;

/** How thoroughly a migration proves that source and target agree. */
public enum ReconcileLevel {
  /** No reconciliation. */
  NONE,
  /** Row counts must match. */
  ROW_COUNT,
  /**
   * Row counts and, per column, count, nulls, min, max and an order-independent hash must match.
   */
  FULL
}
