package io.lakeplan.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NotificationMessageTest {
  private static final Instant TIME = Instant.parse("2024-06-01T00:05:00Z");
  private static final String RUN = "run__2024-06-01T00:00:00Z";

  private static RunEvent failure(String logLocation) {
    return new RunEvent(
        RunEvent.Kind.FAILURE,
        "orders",
        "orders.ingestion",
        "extract",
        RUN,
        3,
        3,
        "connection refused: db.example.com:5432",
        logLocation,
        TIME,
        NotificationPolicy.defaults());
  }

  @Test
  void taskEvent_textHasTheHeadlineAndEveryFieldInOrder() {
    RunEvent event = failure("s3://acme-logs/emr/applications/app/jobs/run-1/");

    assertThat(NotificationMessage.of(event).text())
        .isEqualTo(
            "Lakeplan FAILURE orders.ingestion/extract\n"
                + "use case: orders\n"
                + "DAG: orders.ingestion\n"
                + "task: extract\n"
                + "run: "
                + RUN
                + "\n"
                + "attempt: 3 of 3\n"
                + "summary: connection refused: db.example.com:5432\n"
                + "log: s3://acme-logs/emr/applications/app/jobs/run-1/");
    assertThat(event.text()).isEqualTo(NotificationMessage.of(event).text());
  }

  @Test
  void unknownLogLocation_isADash_andTheLineStays() {
    assertThat(failure(null).text()).endsWith("\nlog: " + NotificationMessage.UNKNOWN);
    assertThat(failure(null).text().lines()).hasSize(8);
  }

  @Test
  void runEvent_hasNoTaskAttemptOrLog_andItsHeadlineNamesTheDagAlone() {
    RunEvent success =
        new RunEvent(
            RunEvent.Kind.SUCCESS,
            "orders",
            "orders.ingestion",
            null,
            RUN,
            0,
            0,
            RunEvent.RUN_SUCCEEDED,
            null,
            TIME,
            NotificationPolicy.defaults());

    NotificationMessage message = NotificationMessage.of(success);

    assertThat(message.headline()).isEqualTo("Lakeplan SUCCESS orders.ingestion");
    assertThat(message.text().lines())
        .containsExactly(
            "Lakeplan SUCCESS orders.ingestion",
            "use case: orders",
            "DAG: orders.ingestion",
            "task: -",
            "run: " + RUN,
            "attempt: -",
            "summary: " + RunEvent.RUN_SUCCEEDED,
            "log: -");
  }

  @Test
  void subject_leavesTheTaskOut_andIsCutToTheSnsLimit() {
    assertThat(NotificationMessage.of(failure(null)).subject())
        .isEqualTo("Lakeplan FAILURE orders.ingestion");
    String longDag = "orders." + "x".repeat(200);
    NotificationMessage message =
        new NotificationMessage("RETRY", "orders", longDag, "t", RUN, "1 of 2", "s", "-");

    assertThat(message.subject())
        .hasSize(NotificationMessage.SUBJECT_LIMIT)
        .isEqualTo(("Lakeplan RETRY " + longDag).substring(0, NotificationMessage.SUBJECT_LIMIT));
  }

  @Test
  void fieldsGivenAsTemplates_areKeptAsTheyAre() {
    // how the Airflow renderer builds its callback text: Jinja expressions as values
    NotificationMessage template =
        new NotificationMessage(
            "RETRY",
            "orders",
            "orders.ingestion",
            "{{ ti.task_id }}",
            "{{ run_id }}",
            NotificationMessage.attempt("{{ ti.try_number }}", "{{ ti.task.retries + 1 }}"),
            "{{ exception }}",
            "{{ ti.log_url }}");

    assertThat(template.text())
        .startsWith("Lakeplan RETRY orders.ingestion/{{ ti.task_id }}\n")
        .contains("\nattempt: {{ ti.try_number }} of {{ ti.task.retries + 1 }}\n");
  }

  @Test
  void wanted_followsThePolicysSwitchForEachKind() {
    NotificationPolicy retriesOnly =
        NotificationPolicy.builder().onFailure(false).onRetry(true).build();

    assertThat(RunEvent.Kind.values())
        .filteredOn(
            kind ->
                new RunEvent(kind, "orders", "d", "t", RUN, 1, 2, "m", null, TIME, retriesOnly)
                    .wanted())
        .containsExactly(RunEvent.Kind.RETRY);
  }

  @Test
  void anAttemptAboveTheAttempts_isRefusedNamingBoth() {
    assertThatThrownBy(
            () ->
                new RunEvent(
                    RunEvent.Kind.RETRY,
                    "orders",
                    "d",
                    "t",
                    RUN,
                    4,
                    3,
                    "m",
                    null,
                    TIME,
                    NotificationPolicy.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid attempt 4 of 3 (must be 0 ≤ attempt ≤ attempts)");
  }

  @Test
  void describe_namesASlackTargetByItsReference() {
    assertThat(Notifier.describe(NotificationTarget.Slack.of(SecretRef.env("SLACK_WEBHOOK"))))
        .isEqualTo("slack webhook env:SLACK_WEBHOOK");
    assertThat(Notifier.describe(NotificationTarget.Email.of("ops@example.com")))
        .isEqualTo("email ops@example.com");
  }
}
