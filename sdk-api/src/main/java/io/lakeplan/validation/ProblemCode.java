package io.lakeplan.validation;

import java.util.Locale;

/** Stable codes of problems; tools may match on {@link #code()}, which never changes. */
public enum ProblemCode {
  /** A required value is missing. */
  REQUIRED,
  /** A text value is empty or only blanks. */
  BLANK,
  /** Two things share an id (steps, use cases, DAGs, tables, columns). */
  DUPLICATE_ID,
  /** An id has characters ids may not have. */
  INVALID_ID,
  /** A table is read or maintained but nothing declares or writes it. */
  UNKNOWN_TABLE,
  /** A column named here is not in the declared schema. */
  UNKNOWN_COLUMN,
  /** DAGs or tasks wait on each other in a circle. */
  DEPENDENCY_CYCLE,
  /** A dependency names a DAG that does not exist. */
  DANGLING_DEPENDENCY,
  /**
   * A use case reads a table or waits for a DAG of a file that is invalid and left out: fix that
   * file first.
   */
  DEPENDS_ON_INVALID,
  /**
   * Steps in DAGs that nothing orders write one table, so their runs could write it at the same
   * time: write it from one DAG, or make one DAG wait for the other.
   */
  UNORDERED_WRITERS,
  /** A schedule is not a preset or a valid five-field cron expression. */
  INVALID_CRON,
  /** A duration is zero or negative. */
  NON_POSITIVE_DURATION,
  /** A number is outside its valid range. */
  OUT_OF_RANGE,
  /**
   * A tag, DAG id or task id is longer than Airflow allows (tags 100 characters, ids 250; DAG ids
   * also name files and sensor tasks).
   */
  TOO_LONG,
  /** A secret value is written in the use case instead of a reference. */
  PLAINTEXT_SECRET,
  /** A name that reaches SQL is not a safe identifier. */
  UNSAFE_IDENTIFIER,
  /**
   * A path or location has a {@code ..} segment, a control character, or a wildcard or variable
   * ({@code *}, {@code ?}, <code>${</code>).
   */
  UNSAFE_PATH,
  /**
   * A JDBC query is not one self-contained SELECT: it has a {@code ;}, or a quote, comment or
   * parenthesis that does not close inside it.
   */
  UNSAFE_QUERY,
  /** Snapshots expire before an incremental reader of the table has read them. */
  RETENTION_TOO_SHORT,
  /** A hard-delete column is missing or not a date or timestamp. */
  INVALID_HARD_DELETE_COLUMN,
  /** Two settings exclude each other, or one needs another that is missing. */
  CONFLICTING_SETTINGS,
  /**
   * A warning, not an error ({@link io.lakeplan.workspace.Validator#warnings}): a JDBC ingestion
   * with an incremental column and no lookback never reads a row committed late with a value at or
   * below its last watermark (below it, with a lookback of zero).
   */
  LATE_ROWS_UNREAD,
  /**
   * A warning: a JSON Kafka ingestion declares other columns than its target declares, so under its
   * {@code on-schema-change} policy its first run fails (unless the table has changed by then).
   */
  SCHEMA_MISMATCH,
  /** A value has the wrong form (a table name, a duration, a condition…). */
  INVALID_VALUE,
  /** A key the format does not know. */
  UNKNOWN_KEY,
  /** A key written twice in one map; the second would silently replace the first. */
  DUPLICATE_KEY,
  /** A value of the wrong YAML type (a list where text belongs…). */
  WRONG_TYPE,
  /** The file is not well-formed YAML. */
  YAML_SYNTAX,
  /** The document is too large, too deep or has too many aliases to load safely. */
  UNSAFE_DOCUMENT,
  /** The api-version is missing or not supported. */
  UNSUPPORTED_API_VERSION,
  /** The file could not be read, or holds nothing. */
  UNREADABLE_FILE,
  /**
   * Lakeplan itself failed on this file (a bug, never the file's fault alone): the file is left out
   * and the others load. The command line exits 2; please report it with the file.
   */
  INTERNAL;

  /** The code as printed and serialized, e.g. {@code duplicate-id}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return code();
  }
}
