package io.lakeplan.aws.notifications;

import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.RunEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes run events to Amazon SNS: once to each SNS topic its policy names (or, when it names
 * none, to the environment's default topic), and — for its e-mail targets — once to the
 * environment's e-mail topic with the addresses in the message attribute {@value
 * Notifications#RECIPIENTS_ATTRIBUTE} (see {@link Notifications#emailSnsTopicArn()}).
 *
 * <p>Each message has the subject {@link NotificationMessage#subject()}, the text {@link
 * RunEvent#text()} and the string attributes {@value #EVENT_ATTRIBUTE}, {@value
 * #USE_CASE_ATTRIBUTE}, {@value #DAG_ATTRIBUTE} and (for a task's event) {@value #TASK_ATTRIBUTE},
 * which subscriptions can filter on. A topic is reached in its own region (the ARN's). A FIFO topic
 * gets the DAG id as message group and a deduplication id made from the event.
 *
 * <p>A publish that fails (no such topic, access denied, throttled after the client's retries, no
 * answer within {@link Builder#callTimeout}) is logged as a warning naming the topic and what to
 * check; the run goes on.
 */
public final class SnsNotifier implements Notifier, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnsNotifier.class);

  /** The message attribute holding the event: FAILURE, RETRY, SUCCESS or SLA_MISS. */
  public static final String EVENT_ATTRIBUTE = "lakeplan.event";

  /** The message attribute holding the use case. */
  public static final String USE_CASE_ATTRIBUTE = "lakeplan.use-case";

  /** The message attribute holding the DAG id. */
  public static final String DAG_ATTRIBUTE = "lakeplan.dag";

  /** The message attribute holding the task id (a task's events only). */
  public static final String TASK_ATTRIBUTE = "lakeplan.task";

  private final Function<String, SnsClient> clientOfRegion;
  private final boolean closeClients;
  private final Duration callTimeout;
  private final String defaultTopicArn;
  private final String emailTopicArn;
  private final Map<String, SnsClient> clients = new LinkedHashMap<>();

  private SnsNotifier(Builder builder) {
    this.clientOfRegion = builder.clientOfRegion;
    this.closeClients = builder.closeClients;
    this.callTimeout = builder.callTimeout;
    this.defaultTopicArn = builder.defaultTopicArn;
    this.emailTopicArn = builder.emailTopicArn;
  }

  /** A builder; a client (or a client per region) is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link SnsNotifier}. */
  public static final class Builder {
    private Function<String, SnsClient> clientOfRegion;
    private boolean closeClients;
    private Duration callTimeout = Duration.ofSeconds(10);
    private String defaultTopicArn;
    private String emailTopicArn;

    private Builder() {}

    /** The client every topic is published through, whatever its region. */
    public Builder client(SnsClient client) {
      Objects.requireNonNull(client, "client");
      this.clientOfRegion = region -> client;
      return this;
    }

    /**
     * Where the client of a topic's region comes from (asked once per region, on first use): so a
     * topic is published to in its own region.
     */
    public Builder clientOfRegion(Function<String, SnsClient> clientOfRegion) {
      this.clientOfRegion = Objects.requireNonNull(clientOfRegion, "clientOfRegion");
      return this;
    }

    /** Whether {@link #close()} closes the clients (default: false, the caller owns them). */
    public Builder closeClients(boolean closeClients) {
      this.closeClients = closeClients;
      return this;
    }

    /** The limit on one publish, its retries included (default: 10 s). */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = CallLimits.positive(callTimeout);
      return this;
    }

    /**
     * The topic of events whose policy names no SNS topic; null (the default): such events are
     * published nowhere.
     */
    public Builder defaultTopicArn(String defaultTopicArn) {
      this.defaultTopicArn = defaultTopicArn;
      return this;
    }

    /**
     * The topic whose e-mail subscriptions carry e-mail targets; null (the default): e-mail targets
     * are not notified ({@link #cannotNotify} says so).
     */
    public Builder emailTopicArn(String emailTopicArn) {
      this.emailTopicArn = emailTopicArn;
      return this;
    }

    /**
     * The notifier.
     *
     * @throws IllegalStateException when no client was given
     */
    public SnsNotifier build() {
      if (clientOfRegion == null) {
        throw new IllegalStateException("SnsNotifier needs a client: call client(SnsClient)");
      }
      return new SnsNotifier(this);
    }
  }

  /**
   * Publishes {@code event} to its SNS topics and, when it has e-mail targets, the e-mail topic.
   */
  @Override
  public void notify(RunEvent event) {
    Set<String> topics = new LinkedHashSet<>();
    List<String> recipients = new ArrayList<>();
    for (NotificationTarget target : event.policy().targets()) {
      if (target instanceof NotificationTarget.Sns sns) {
        topics.add(sns.topicArn());
      } else if (target instanceof NotificationTarget.Email email
          && !recipients.contains(email.address())) {
        recipients.add(email.address());
      }
    }
    if (topics.isEmpty() && defaultTopicArn != null) {
      topics.add(defaultTopicArn);
    }
    for (String topic : topics) {
      publish(topic, event, List.of());
    }
    if (!recipients.isEmpty()) {
      if (emailTopicArn == null) {
        LOG.warn(
            "{} for {}: e-mail to {} not sent: {}",
            event.kind(),
            where(event),
            String.join(", ", recipients),
            noEmailTopic());
      } else {
        publish(emailTopicArn, event, recipients);
      }
    }
  }

  /** E-mail targets need the e-mail topic; SNS targets are always served. */
  @Override
  public String cannotNotify(NotificationTarget target) {
    return target instanceof NotificationTarget.Email && emailTopicArn == null
        ? noEmailTopic()
        : null;
  }

  private static String noEmailTopic() {
    return "the environment names no e-mail topic: set notifications.email-sns-topic-arn to an"
        + " SNS topic whose e-mail subscriptions are the addresses";
  }

  /** The request {@link #notify} sends to {@code topicArn} for {@code event}. */
  public static PublishRequest publishRequest(
      String topicArn, RunEvent event, List<String> recipients) {
    NotificationMessage message = NotificationMessage.of(event);
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    attributes.put(EVENT_ATTRIBUTE, text(event.kind().name()));
    if (event.useCase() != null) {
      attributes.put(USE_CASE_ATTRIBUTE, text(event.useCase()));
    }
    attributes.put(DAG_ATTRIBUTE, text(event.dagId()));
    if (event.taskId() != null) {
      attributes.put(TASK_ATTRIBUTE, text(event.taskId()));
    }
    if (!recipients.isEmpty()) {
      attributes.put(
          Notifications.RECIPIENTS_ATTRIBUTE,
          MessageAttributeValue.builder()
              .dataType("String.Array")
              .stringValue(jsonArray(recipients))
              .build());
    }
    PublishRequest.Builder request =
        PublishRequest.builder()
            .topicArn(topicArn)
            .subject(message.subject())
            .message(message.text())
            .messageAttributes(attributes);
    if (topicArn.endsWith(".fifo")) {
      request.messageGroupId(event.dagId()).messageDeduplicationId(deduplicationId(event));
    }
    return request.build();
  }

  private void publish(String topicArn, RunEvent event, List<String> recipients) {
    PublishRequest request =
        publishRequest(topicArn, event, recipients).toBuilder()
            .overrideConfiguration(CallLimits.timeout(callTimeout))
            .build();
    SnsClient client = client(region(topicArn));
    try {
      client.publish(request);
      LOG.debug("{} for {} published to {}", event.kind(), where(event), topicArn);
    } catch (SdkException e) {
      String region = client.serviceClientConfiguration().region().id();
      String endpoint =
          client.serviceClientConfiguration().endpointOverride().map(Object::toString).orElse(null);
      LOG.warn(
          "{} for {} not published; the run goes on: {}",
          event.kind(),
          where(event),
          AwsErrors.describe("SNS topic " + topicArn, region, endpoint, "sns:Publish", e));
    }
  }

  private synchronized SnsClient client(String region) {
    return clients.computeIfAbsent(region, clientOfRegion);
  }

  /** The region of a topic ARN ({@code arn:aws:sns:REGION:ACCOUNT:NAME}). */
  static String region(String topicArn) {
    String[] parts = topicArn.split(":", -1);
    return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : null;
  }

  private static String where(RunEvent event) {
    return event.dagId() + (event.taskId() == null ? "" : "/" + event.taskId());
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  /**
   * A JSON array of strings, written as Python's {@code json.dumps} writes a list (", " between
   * values), so the Amazon provider's SnsNotifier in a rendered callback sends the same attribute.
   */
  private static String jsonArray(List<String> values) {
    StringBuilder json = new StringBuilder("[");
    for (String value : values) {
      if (json.length() > 1) {
        json.append(", ");
      }
      json.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return json.append(']').toString();
  }

  private static String deduplicationId(RunEvent event) {
    String key =
        event.kind()
            + "|"
            + event.dagId()
            + "|"
            + event.taskId()
            + "|"
            + event.runId()
            + "|"
            + event.attempt();
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Closes the clients it was given to close. */
  @Override
  public synchronized void close() {
    if (closeClients) {
      new LinkedHashSet<>(clients.values()).forEach(SnsClient::close);
    }
    clients.clear();
  }
}
