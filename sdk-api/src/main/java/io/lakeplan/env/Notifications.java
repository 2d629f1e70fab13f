package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * The environment's notification channels: the SNS topic of DAGs whose use case names none, and the
 * SNS topic that carries e-mail.
 *
 * <pre>{@code
 * notifications:
 *   default-sns-topic-arn: arn:aws:sns:eu-west-1:123456789012:lake
 *   email-sns-topic-arn: arn:aws:sns:eu-west-1:123456789012:lake-mail
 * }</pre>
 */
@Value.Immutable
@JsonSerialize(as = ImmutableNotifications.class)
@JsonDeserialize(as = ImmutableNotifications.class)
public abstract class Notifications {
  private static final Pattern SNS_ARN =
      Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");

  /** The message attribute of an e-mail notification that lists its recipients. */
  public static final String RECIPIENTS_ATTRIBUTE = "lakeplan.recipients";

  /**
   * The SNS topic ARN for notifications of DAGs whose use case names no SNS target; null (the
   * default): such DAGs publish to no topic.
   */
  public abstract String defaultSnsTopicArn();

  /**
   * The SNS topic ARN that carries e-mail notifications; null (the default): e-mail targets are not
   * notified, and a run says so before it starts. A notification for e-mail targets is published
   * once to this topic with the message attribute {@value #RECIPIENTS_ATTRIBUTE} (a {@code
   * String.Array} of the addresses); each address is an e-mail subscription of the topic, created
   * and confirmed once outside Lakeplan, with the filter policy {@code {"lakeplan.recipients":
   * ["ADDRESS"]}} so that it receives only the notifications of the use cases that name it.
   */
  public abstract String emailSnsTopicArn();

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming each invalid ARN and the form to write
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    topic(problems, "default-sns-topic-arn", defaultSnsTopicArn());
    topic(problems, "email-sns-topic-arn", emailSnsTopicArn());
    if (emailSnsTopicArn() != null && emailSnsTopicArn().endsWith(".fifo")) {
      problems.add(
          "email-sns-topic-arn: '"
              + emailSnsTopicArn()
              + "' (a FIFO topic cannot have e-mail subscriptions: name a standard topic)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid notifications: " + String.join("; ", problems));
    }
  }

  private static void topic(List<String> problems, String key, String arn) {
    if (arn != null && !SNS_ARN.matcher(arn).matches()) {
      problems.add(key + ": '" + arn + "' (an SNS topic ARN: arn:aws:sns:REGION:ACCOUNT:TOPIC)");
    }
  }

  /** A builder of notification settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Notifications}; every setter is named after its property. */
  public static final class Builder extends ImmutableNotifications.Builder {}
}
