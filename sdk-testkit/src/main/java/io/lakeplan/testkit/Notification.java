package io.lakeplan.testkit;

import java.time.Instant;
import java.util.List;

/**
 * A notification the driver recorded where Airflow would have sent one, following the DAG's
 * notification policy.
 *
 * @param dagId the DAG
 * @param taskId the task, or null for a DAG-level event (success)
 * @param event what happened
 * @param message a one-line description, e.g. the task's failure reason
 * @param targets the policy's targets, as text (e.g. {@code sns:arn:aws:sns:…}); secrets are never
 *     included
 * @param time the driver clock's time
 */
public record Notification(
    String dagId, String taskId, Event event, String message, List<String> targets, Instant time) {

  /** What a notification is about. */
  public enum Event {
    /** A task failed for good (no retry left). */
    FAILURE,
    /** A task failed and will be retried. */
    RETRY,
    /** A DAG run succeeded. */
    SUCCESS,
    /** A DAG run took longer than its policy's SLA (on the driver clock). */
    SLA_MISS
  }
}
