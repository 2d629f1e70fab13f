package io.lakeplan.run;

import io.lakeplan.model.NotificationTarget;
import java.util.Objects;

/**
 * Where a {@link DagRunner} sends the events its DAGs' notification policies ask for (SNS, Slack,
 * e-mail on AWS; a list in the testkit). The runner only calls it for events the policy wants;
 * every notifier sends {@link RunEvent#text()}, the one {@link NotificationMessage}.
 *
 * <p>A notification never breaks a pipeline: a notifier reports a failed delivery (a log warning)
 * and returns. A target a notifier cannot reach at all is said before a run starts ({@link
 * #cannotNotify}), so none is skipped silently.
 */
@FunctionalInterface
public interface Notifier {

  /** Sends {@code event} to its policy's targets; must not throw for a delivery problem. */
  void notify(RunEvent event);

  /**
   * Why {@code target} will not be told anything by this notifier, with the fix; null (the default)
   * when it is served. {@link PlanRun} asks before a run and says the answers once.
   */
  default String cannotNotify(NotificationTarget target) {
    return null;
  }

  /** Tells no one. */
  Notifier NONE = unavailable("the run has no notifier");

  /** A notifier that tells no one, and says {@code reason} for every target. */
  static Notifier unavailable(String reason) {
    Objects.requireNonNull(reason, "reason");
    return new Notifier() {
      @Override
      public void notify(RunEvent event) {}

      @Override
      public String cannotNotify(NotificationTarget target) {
        return reason;
      }
    };
  }

  /**
   * A target in words, without any secret: {@code sns arn:aws:sns:…}, {@code email
   * ops@example.com}, {@code slack webhook secretsmanager:prod/slack} (the reference, never its
   * value).
   */
  static String describe(NotificationTarget target) {
    if (target instanceof NotificationTarget.Sns sns) {
      return "sns " + sns.topicArn();
    }
    if (target instanceof NotificationTarget.Email email) {
      return "email " + email.address();
    }
    if (target instanceof NotificationTarget.Slack slack) {
      return "slack webhook " + slack.webhook();
    }
    return String.valueOf(target);
  }
}
