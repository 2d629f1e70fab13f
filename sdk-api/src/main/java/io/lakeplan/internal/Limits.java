package io.lakeplan.internal;

/** Bounds that keep a hostile or broken document from exhausting memory or time. */
public final class Limits {
  /** Largest use-case file read, in characters. */
  public static final int MAX_DOCUMENT_CHARS = 1 << 20;

  /** Deepest nesting of maps and lists. */
  public static final int MAX_DEPTH = 40;

  /** Most aliases to collections in one document. */
  public static final int MAX_ALIASES = 20;

  /** Most values a document may expand to once aliases are resolved. */
  public static final int MAX_EXPANDED_NODES = 100_000;

  /** Airflow's longest DAG id and task id (its database columns). */
  public static final int AIRFLOW_ID_CHARS = 250;

  /** Airflow's longest DAG tag. */
  public static final int AIRFLOW_TAG_CHARS = 100;

  /**
   * The longest DAG id Lakeplan plans: Airflow's limit less {@code wait-for.}, the prefix of the
   * sensor task that waits on the DAG in sensors mode. Its file, {@code <dag id>.py}, then stays
   * within the 255 bytes a file name may have (DAG ids are ASCII).
   */
  public static final int MAX_DAG_ID_CHARS = AIRFLOW_ID_CHARS - "wait-for.".length();

  private Limits() {}
}
