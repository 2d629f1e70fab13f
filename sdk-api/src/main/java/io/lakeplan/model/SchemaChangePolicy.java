package io.lakeplan.model;

/**
 * What a run does when its source brings columns its target table lacks ({@code on-schema-change},
 * dbt's vocabulary). Whatever the policy, a target column the source lacks is filled with null when
 * it is optional (the summary names it) and fails the run before anything is written when it is
 * required.
 */
public enum SchemaChangePolicy {
  /**
   * The run fails before writing anything, naming the columns the target lacks; the table stays
   * unchanged. The default: a source that changes shape needs a decision, not a silent one.
   */
  FAIL,
  /**
   * The target gains the new columns (optional, of the source's type) and the rows carry their
   * values; rows written earlier read null in them. The summary names the columns added.
   */
  APPEND_NEW_COLUMNS,
  /** The columns the target lacks are dropped from the rows; the summary names them. */
  IGNORE
}
