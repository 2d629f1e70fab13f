package io.lakeplan.aws.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.Environment;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.run.RunEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fan-out of {@link AwsNotifier}: the policy's event switches, and the targets an environment
 * cannot serve. Slack deliveries go to a local webhook receiver; no SNS call is made (no SNS
 * target, no default topic), which the client that fails every use proves.
 */
class AwsNotifierIT {
  private static final SecretRef WEBHOOK = SecretRef.parse("env:LAKEPLAN_TEST_SLACK_WEBHOOK");

  private static SnsNotifier noSns() {
    return SnsNotifier.builder()
        .clientOfRegion(
            region -> {
              throw new AssertionError("no SNS call expected (region " + region + ")");
            })
        .build();
  }

  private static RunEvent event(RunEvent.Kind kind, NotificationPolicy policy) {
    boolean task = kind == RunEvent.Kind.FAILURE || kind == RunEvent.Kind.RETRY;
    return new RunEvent(
        kind,
        "orders",
        "orders.ingestion",
        task ? "extract" : null,
        "run__2024-06-01T00:00:00Z",
        task ? 1 : 0,
        task ? 2 : 0,
        kind.name().toLowerCase(java.util.Locale.ROOT),
        null,
        Instant.parse("2024-06-01T00:10:00Z"),
        policy);
  }

  @Test
  void eachEventKind_isSentOnlyWhenThePolicySwitchesItOn() throws Exception {
    NotificationPolicy retriesAndSlaMisses =
        NotificationPolicy.builder()
            .onFailure(false)
            .onRetry(true)
            .onSlaMiss(true)
            .sla(java.time.Duration.ofHours(1))
            .addTargets(NotificationTarget.Slack.of(WEBHOOK))
            .build();
    try (WebhookReceiver receiver = new WebhookReceiver();
        AwsNotifier notifier =
            AwsNotifier.of(
                Environment.local(),
                noSns(),
                SlackNotifier.builder().secrets(reference -> receiver.url()).build())) {

      for (RunEvent.Kind kind : RunEvent.Kind.values()) {
        notifier.notify(event(kind, retriesAndSlaMisses));
      }

      assertThat(receiver.bodies())
          .hasSize(2)
          .satisfiesExactly(
              body -> assertThat(body).contains("Lakeplan RETRY orders.ingestion/extract"),
              body -> assertThat(body).contains("Lakeplan SLA_MISS orders.ingestion"));
    }
  }

  @Test
  void cannotNotify_namesWhatTheEnvironmentLacks_andTheFix() {
    NotificationTarget email = NotificationTarget.Email.of("ops@example.com");
    NotificationTarget slackInSecretsManager =
        NotificationTarget.Slack.of(SecretRef.parse("secretsmanager:prod/slack"));
    NotificationTarget sns = NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:a");
    Environment local = Environment.local();
    Environment withEmail =
        Environment.builder()
            .notifications(
                Notifications.builder()
                    .emailSnsTopicArn("arn:aws:sns:eu-west-1:123456789012:lake-mail")
                    .build())
            .secretProviders(List.of(SecretRef.Provider.ENV, SecretRef.Provider.SECRETSMANAGER))
            .kmsKey("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .build();
    SlackNotifier slack = SlackNotifier.builder().secrets(reference -> "unused").build();

    try (AwsNotifier bare = AwsNotifier.of(local, noSns(), slack);
        AwsNotifier served =
            AwsNotifier.of(
                withEmail,
                SnsNotifier.builder()
                    .clientOfRegion(region -> null)
                    .emailTopicArn(withEmail.notifications().emailSnsTopicArn())
                    .build(),
                slack)) {
      assertThat(bare.cannotNotify(email))
          .isEqualTo(
              "the environment names no e-mail topic: set notifications.email-sns-topic-arn to"
                  + " an SNS topic whose e-mail subscriptions are the addresses");
      assertThat(bare.cannotNotify(slackInSecretsManager))
          .isEqualTo(
              "environment local does not enable secretsmanager secrets: add it to"
                  + " secret-providers");
      assertThat(bare.cannotNotify(sns)).isNull();
      assertThat(List.of(email, slackInSecretsManager, sns))
          .allMatch(t -> served.cannotNotify(t) == null);
    }
  }
}
