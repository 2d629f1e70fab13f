package io.lakeplan.aws.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Dag;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack notifications against a local webhook receiver (JDK HTTP server on 127.0.0.1). */
class SlackNotifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecretRef WEBHOOK = SecretRef.parse("secretsmanager:prod/slack-webhook");

  private WebhookReceiver receiver;
  private SecretResolver secrets;

  @BeforeEach
  void start() throws Exception {
    receiver = new WebhookReceiver();
    secrets =
        reference -> {
          if (reference.equals(WEBHOOK)) {
            return receiver.url();
          }
          throw new SecretResolutionException(reference, "Secrets Manager has no such secret");
        };
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  private static NotificationPolicy policy(SecretRef webhook) {
    return NotificationPolicy.builder()
        .onRetry(true)
        .addTargets(NotificationTarget.Slack.of(webhook))
        .build();
  }

  private SlackNotifier notifier(Duration timeout) {
    return SlackNotifier.builder().secrets(secrets).timeout(timeout).build();
  }

  @Test
  void failedAndRetriedTask_postsEachEventsTextAsJson_escapedForSlack() throws Exception {
    Dag dag = NotifyingRuns.dag("orders.ingestion", policy(WEBHOOK), "extract");
    List<RunEvent> seen = NotifyingRuns.events();

    NotifyingRuns.run(dag, Set.of("extract"), notifier(Duration.ofSeconds(5)), seen);

    assertThat(seen)
        .extracting(RunEvent::kind)
        .containsExactly(RunEvent.Kind.RETRY, RunEvent.Kind.FAILURE);
    List<String> texts =
        seen.stream()
            .map(
                event ->
                    event.text().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
            .toList();
    List<JsonNode> bodies = receiver.bodies().stream().map(SlackNotifierIT::json).toList();
    assertThat(bodies).allSatisfy(body -> assertThat(body.size()).isEqualTo(1));
    assertThat(bodies).extracting(body -> body.get("text").asText()).isEqualTo(texts);
    assertThat(texts.get(1))
        .contains("task: extract")
        .contains("attempt: 2 of 2")
        .contains("summary: extract broke: &lt;no rows&gt; &amp; no luck")
        .contains("log: s3://acme-logs/orders.ingestion/extract/attempt-2");
    assertThat(receiver.contentTypes()).containsOnly("application/json; charset=utf-8");
  }

  @Test
  void aWebhookAnswering500_doesNotFailTheRun_andTheWarningNamesTheReferenceNeverTheUrl() {
    receiver.status = 500;
    Dag dag = NotifyingRuns.dag("orders.ingestion", policy(WEBHOOK), "extract", "audit");
    SlackNotifier notifier = notifier(Duration.ofSeconds(5));
    List<RunEvent> seen = NotifyingRuns.events();
    DagRun run;
    String log;

    try (ErrorOutput errors = ErrorOutput.capture()) {
      run = NotifyingRuns.run(dag, Set.of("extract"), notifier, seen);
      log = errors.text();
    }

    assertThat(run.failedTasks()).containsExactly("extract");
    assertThat(run.result("audit").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(receiver.bodies()).hasSize(2);
    assertThat(log)
        .contains(
            "FAILURE for orders.ingestion/extract not posted to Slack; the run goes on: webhook "
                + WEBHOOK
                + " answered HTTP 500");
    assertThat(List.of(log, notifier.toString(), seen.toString()))
        .noneMatch(text -> text.contains(receiver.url()))
        .noneMatch(text -> text.contains(WebhookReceiver.PATH));
  }

  @Test
  void aWebhookThatDoesNotAnswer_isGivenUpAfterTheTimeout_andTheRunGoesOn() {
    receiver.hold = true;
    Duration timeout = Duration.ofMillis(300);
    NotificationPolicy failures =
        NotificationPolicy.builder().addTargets(NotificationTarget.Slack.of(WEBHOOK)).build();
    Dag dag = NotifyingRuns.dag("orders.ingestion", failures, "extract");
    String log;
    DagRun run;

    try (ErrorOutput errors = ErrorOutput.capture()) {
      run = NotifyingRuns.run(dag, Set.of("extract"), notifier(timeout), NotifyingRuns.events());
      log = errors.text();
    }

    assertThat(run.failedTasks()).containsExactly("extract");
    assertThat(log)
        .contains("webhook " + WEBHOOK + " did not answer within " + timeout)
        .doesNotContain(WebhookReceiver.PATH);
  }

  @Test
  void aReferenceThatDoesNotResolve_orASecretThatIsNoHttpsUrl_isAWarningWithoutTheValue() {
    SecretRef missing = SecretRef.parse("secretsmanager:prod/missing");
    SecretRef plainHttp = SecretRef.parse("env:SLACK_PLAIN_HTTP");
    String insecure = "http://hooks.slack.example/services/T1/B1/plain-http-token";
    SecretResolver resolver =
        reference -> {
          if (reference.equals(plainHttp)) {
            return insecure;
          }
          return secrets.resolve(reference);
        };
    NotificationPolicy policy =
        NotificationPolicy.builder()
            .addTargets(
                NotificationTarget.Slack.of(missing), NotificationTarget.Slack.of(plainHttp))
            .build();
    Dag dag = NotifyingRuns.dag("orders.ingestion", policy, "extract");
    String log;

    try (ErrorOutput errors = ErrorOutput.capture()) {
      NotifyingRuns.run(
          dag,
          Set.of("extract"),
          SlackNotifier.builder().secrets(resolver).build(),
          NotifyingRuns.events());
      log = errors.text();
    }

    assertThat(log)
        .contains(
            new SecretResolutionException(missing, "Secrets Manager has no such secret")
                .getMessage())
        .contains("the secret behind " + plainHttp + " is not an https URL")
        .doesNotContain("plain-http-token");
    assertThat(receiver.bodies()).isEmpty();
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("Not JSON: " + text, e);
    }
  }
}
