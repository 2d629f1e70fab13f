package io.lakeplan.run;

import io.lakeplan.model.NotificationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Something a run did that its DAG's notification policy may ask to be told about. {@link
 * NotificationMessage#of(RunEvent)} turns it into the text every notifier sends.
 *
 * @param kind what happened
 * @param useCase the use case of the DAG
 * @param dagId the DAG
 * @param taskId the task, or null for an event of the whole run (success, SLA miss)
 * @param runId the DAG run
 * @param attempt the task's attempt that failed or was retried (from 1); 0 for an event of the
 *     whole run
 * @param attempts how many attempts the task may take (its DAG's retries + 1); 0 for an event of
 *     the whole run
 * @param message one line: a task's failure reason, the SLA missed, or {@value #RUN_SUCCEEDED}
 * @param logLocation where the logs of the attempt are (e.g. an EMR Serverless job run's log
 *     folder), or null when the engine does not know
 * @param time when it happened, on the runner's clock
 * @param policy the DAG's notification policy: who is told
 */
public record RunEvent(
    Kind kind,
    String useCase,
    String dagId,
    String taskId,
    String runId,
    int attempt,
    int attempts,
    String message,
    String logLocation,
    Instant time,
    NotificationPolicy policy) {

  /** The message of a {@link Kind#SUCCESS} event. */
  public static final String RUN_SUCCEEDED = "DAG run succeeded";

  /**
   * The message of a {@link Kind#SLA_MISS} event: {@code the run did not complete within its SLA of
   * PT2H}. The same whoever notices the miss: a Java run at its end, Airflow 2's SLA check or
   * Airflow 3's deadline alert while the run is still going.
   */
  public static String slaMissed(Duration sla) {
    return "the run did not complete within its SLA of " + Objects.requireNonNull(sla, "sla");
  }

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException when an attempt number is negative or above the attempts
   */
  public RunEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dagId, "dagId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(policy, "policy");
    if (attempt < 0 || attempts < 0 || attempt > attempts) {
      throw new IllegalArgumentException(
          "Invalid attempt " + attempt + " of " + attempts + " (must be 0 ≤ attempt ≤ attempts)");
    }
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

  /**
   * Whether the event's policy asks to be told about events of its kind ({@code on-failure}, {@code
   * on-retry}, {@code on-success}, {@code on-sla-miss}).
   */
  public boolean wanted() {
    return switch (kind) {
      case FAILURE -> policy.onFailure();
      case RETRY -> policy.onRetry();
      case SUCCESS -> policy.onSuccess();
      case SLA_MISS -> policy.onSlaMiss();
    };
  }

  /** The text every notifier sends: {@link NotificationMessage#text()} of this event. */
  public String text() {
    return NotificationMessage.of(this).text();
  }
}
