package io.lakeplan.workspace;

/**
 * Airflow's bounds on the ids and tags of the DAGs a plan renders to, which validation enforces.
 */
final class AirflowLimits {
  /** Airflow's longest DAG id and task id (its database columns). */
  static final int AIRFLOW_ID_CHARS = 250;

  /** Airflow's longest DAG tag. */
  static final int AIRFLOW_TAG_CHARS = 100;

  /**
   * The longest DAG id Lakeplan plans: Airflow's limit less {@code wait-for.}, the prefix of the
   * sensor task that waits on the DAG in sensors mode. Its file, {@code <dag id>.py}, then stays
   * within the 255 bytes a file name may have (DAG ids are ASCII).
   */
  static final int MAX_DAG_ID_CHARS = AIRFLOW_ID_CHARS - "wait-for.".length();

  private AirflowLimits() {}
}
