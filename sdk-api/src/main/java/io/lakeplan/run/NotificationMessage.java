package io.lakeplan.run;

import java.util.Objects;

/**
 * The one text of a notification, whoever sends it: the SNS, e-mail and Slack notifiers of a Java
 * run and the callbacks of rendered Airflow DAGs (whose renderer builds the same text with Jinja
 * expressions as field values, so both read alike field for field). A headline, then one {@code
 * name: value} line per field, always in this order and always present ({@value #UNKNOWN} for a
 * value that does not apply or is not known):
 *
 * <pre>
 * Lakeplan FAILURE orders.ingestion/extract
 * use case: orders
 * DAG: orders.ingestion
 * task: extract
 * run: run__2024-06-01T00:00:00Z
 * attempt: 3 of 3
 * summary: connection refused: db.example.com:5432
 * log: s3://acme-logs/emr/applications/00f.../jobs/00f.../
 * </pre>
 *
 * <p>An event of a whole run (success, SLA miss) has {@value #UNKNOWN} for task, attempt and log;
 * its headline names the DAG alone. Values are taken as they are (a summary is already one line).
 *
 * @param event the event: {@code FAILURE}, {@code RETRY}, {@code SUCCESS} or {@code SLA_MISS}
 * @param useCase the use case
 * @param dagId the DAG
 * @param taskId the task, or {@value #UNKNOWN}
 * @param runId the DAG run
 * @param attempt {@code N of M}, or {@value #UNKNOWN}
 * @param summary what happened: the failure reason, the SLA missed, {@value RunEvent#RUN_SUCCEEDED}
 * @param logLocation where the attempt's logs are, or {@value #UNKNOWN}
 */
public record NotificationMessage(
    String event,
    String useCase,
    String dagId,
    String taskId,
    String runId,
    String attempt,
    String summary,
    String logLocation) {

  /** The value of a field that does not apply or is not known. */
  public static final String UNKNOWN = "-";

  /** The longest subject SNS accepts (and the longest {@link #subject()} returns). */
  public static final int SUBJECT_LIMIT = 100;

  /** Checks that every field has a value. */
  public NotificationMessage {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(useCase, "useCase");
    Objects.requireNonNull(dagId, "dagId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(logLocation, "logLocation");
  }

  /** The message of {@code event}. */
  public static NotificationMessage of(RunEvent event) {
    return new NotificationMessage(
        event.kind().name(),
        orUnknown(event.useCase()),
        event.dagId(),
        orUnknown(event.taskId()),
        event.runId(),
        event.attempts() == 0 ? UNKNOWN : attempt(event.attempt(), event.attempts()),
        event.message(),
        orUnknown(event.logLocation()));
  }

  /** {@code N of M}: attempt {@code attempt} of {@code attempts}. */
  public static String attempt(Object attempt, Object attempts) {
    return attempt + " of " + attempts;
  }

  /** The first line: {@code Lakeplan EVENT dag/task}, or {@code Lakeplan EVENT dag}. */
  public String headline() {
    return "Lakeplan " + event + " " + dagId + (UNKNOWN.equals(taskId) ? "" : "/" + taskId);
  }

  /**
   * A subject line (SNS, e-mail): {@code Lakeplan EVENT dag}, cut to {@value #SUBJECT_LIMIT}
   * characters. It leaves the task out so that it is fixed when a DAG is rendered.
   */
  public String subject() {
    String subject = "Lakeplan " + event + " " + dagId;
    return subject.length() <= SUBJECT_LIMIT ? subject : subject.substring(0, SUBJECT_LIMIT);
  }

  /** The whole text: the headline and a line per field, separated by {@code \n}. */
  public String text() {
    return headline()
        + "\nuse case: "
        + useCase
        + "\nDAG: "
        + dagId
        + "\ntask: "
        + taskId
        + "\nrun: "
        + runId
        + "\nattempt: "
        + attempt
        + "\nsummary: "
        + summary
        + "\nlog: "
        + logLocation;
  }

  private static String orUnknown(String value) {
    return value == null || value.isBlank() ? UNKNOWN : value;
  }
}
