package io.lakeplan.run;

import io.lakeplan.model.NotificationPolicy;
import java.time.Instant;
import java.util.Objects;

/**
 * Something a run did that its DAG's notification policy may ask to be told about.
 *
 * @param kind what happened
 * @param useCase the use case of the DAG
 * @param dagId the DAG
 * @param taskId the task, or null for an event of the whole run (success, SLA miss)
 * @param runId the DAG run
 * @param message one line: a task's failure reason, the attempt that failed, the SLA missed
 * @param time when it happened, on the runner's clock
 * @param policy the DAG's notification policy: who is told
 */
public record RunEvent(
    Kind kind,
    String useCase,
    String dagId,
    String taskId,
    String runId,
    String message,
    Instant time,
    NotificationPolicy policy) {

  /** Checks the values. */
  public RunEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dagId, "dagId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(policy, "policy");
  }

  /** What a run event is about. */
  public enum Kind {
    /** A task failed for good (no attempt left). */
    FAILURE,
    /** A task failed and is tried again. */
    RETRY,
    /** A DAG run succeeded. */
    SUCCESS,
    /** A DAG run took longer than its policy's SLA. */
    SLA_MISS
  }

  /** One line naming the use case, DAG, task, run and what happened. */
  public String text() {
    return kind
        + " "
        + (useCase == null ? "" : useCase + "/")
        + dagId
        + (taskId == null ? "" : "/" + taskId)
        + " (run "
        + runId
        + "): "
        + message;
  }
}
