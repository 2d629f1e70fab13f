package io.lakeplan.aws.notifications;

import io.lakeplan.aws.AwsClients;
import io.lakeplan.env.Environment;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.SecretResolver;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The notifier of an environment: for each event its policy switches on ({@code on-failure}, {@code
 * on-retry}, {@code on-success}, {@code on-sla-miss}), fans out to the policy's targets — SNS
 * topics and e-mail through {@link SnsNotifier}, Slack webhooks through {@link SlackNotifier} —
 * each sending the same {@link RunEvent#text()}. What {@code lakeplan run --env} uses, through
 * {@link io.lakeplan.aws.AwsRuntimeProvider}.
 *
 * <pre>{@code
 * try (AwsNotifier notifier = AwsNotifier.of(environment, runtime.secrets())) {
 *   DagRunner.builder(plan, engine).notifier(notifier).build().runAll();
 * }
 * }</pre>
 *
 * <p>A failed delivery to one target is logged as a warning and does not stop the others or the
 * run. {@link #cannotNotify} names, before a run, the targets the environment cannot serve.
 */
public final class AwsNotifier implements Notifier, AutoCloseable {
  private final Environment environment;
  private final SnsNotifier sns;
  private final SlackNotifier slack;

  private AwsNotifier(Environment environment, SnsNotifier sns, SlackNotifier slack) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.sns = Objects.requireNonNull(sns, "sns");
    this.slack = Objects.requireNonNull(slack, "slack");
  }

  /**
   * The notifier of {@code environment}: SNS clients of {@link AwsClients} (created on the first
   * publish to a topic's region, closed with this notifier), the environment's default and e-mail
   * topics, and Slack webhooks resolved with {@code secrets}.
   */
  public static AwsNotifier of(Environment environment, SecretResolver secrets) {
    AwsClients clients = AwsClients.of(environment);
    return of(
        environment,
        SnsNotifier.builder()
            .clientOfRegion(clients::sns)
            .closeClients(true)
            .defaultTopicArn(environment.notifications().defaultSnsTopicArn())
            .emailTopicArn(environment.notifications().emailSnsTopicArn())
            .build(),
        SlackNotifier.builder().secrets(secrets).build());
  }

  /** The notifier of {@code environment} with the given SNS and Slack notifiers. */
  public static AwsNotifier of(Environment environment, SnsNotifier sns, SlackNotifier slack) {
    return new AwsNotifier(environment, sns, slack);
  }

  /** Sends {@code event} to its policy's targets when the policy asks for its kind. */
  @Override
  public void notify(RunEvent event) {
    if (!event.wanted()) {
      return;
    }
    List<NotificationTarget> targets = event.policy().targets();
    boolean published =
        environment.notifications().defaultSnsTopicArn() != null
            || targets.stream()
                .anyMatch(
                    target ->
                        target instanceof NotificationTarget.Sns
                            || target instanceof NotificationTarget.Email);
    if (published) {
      sns.notify(event);
    }
    if (targets.stream().anyMatch(NotificationTarget.Slack.class::isInstance)) {
      slack.notify(event);
    }
  }

  /**
   * Why {@code target} cannot be told anything in this environment: an e-mail target without the
   * environment's e-mail topic; a Slack webhook kept in a secret store the environment does not
   * enable.
   */
  @Override
  public String cannotNotify(NotificationTarget target) {
    if (target instanceof NotificationTarget.Slack webhook
        && !environment.secretProviders().contains(webhook.webhook().provider())) {
      return "environment "
          + environment.name()
          + " does not enable "
          + webhook.webhook().provider().name().toLowerCase(Locale.ROOT)
          + " secrets: add it to secret-providers";
    }
    return sns.cannotNotify(target);
  }

  /** Closes the SNS clients it created. */
  @Override
  public void close() {
    sns.close();
  }

  @Override
  public String toString() {
    return "AwsNotifier[environment=" + environment.name() + "]";
  }
}
