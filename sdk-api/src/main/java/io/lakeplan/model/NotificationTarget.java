package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** Where notifications go; the {@code type} key in YAML selects the kind. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = NotificationTarget.Sns.class, name = "sns"),
  @JsonSubTypes.Type(value = NotificationTarget.Email.class, name = "email"),
  @JsonSubTypes.Type(value = NotificationTarget.Slack.class, name = "slack")
})
public abstract class NotificationTarget {
  /** An Amazon SNS topic. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableSns.class)
  @JsonDeserialize(as = ImmutableSns.class)
  @JsonTypeName("sns")
  public abstract static class Sns extends NotificationTarget {
    /** The topic ARN. Required. */
    public abstract String topicArn();

    /** A target publishing to {@code topicArn}. */
    public static Sns of(String topicArn) {
      return ImmutableSns.builder().topicArn(topicArn).build();
    }
  }

  /** An e-mail address (sent through the orchestrator's mail settings). */
  @Value.Immutable
  @JsonSerialize(as = ImmutableEmail.class)
  @JsonDeserialize(as = ImmutableEmail.class)
  @JsonTypeName("email")
  public abstract static class Email extends NotificationTarget {
    /** The address. Required. */
    public abstract String address();

    /** A target mailing {@code address}. */
    public static Email of(String address) {
      return ImmutableEmail.builder().address(address).build();
    }
  }

  /** A Slack incoming webhook; its URL is a secret, so only a reference is kept. */
  @Value.Immutable
  @JsonSerialize(as = ImmutableSlack.class)
  @JsonDeserialize(as = ImmutableSlack.class)
  @JsonTypeName("slack")
  public abstract static class Slack extends NotificationTarget {
    /** The webhook URL's secret reference. Required. */
    public abstract SecretRef webhook();

    /** A target posting to the webhook behind {@code webhook}. */
    public static Slack of(SecretRef webhook) {
      return ImmutableSlack.builder().webhook(webhook).build();
    }
  }
}
