package io.lakeplan.aws.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.MotoClients;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * SNS notifications on moto, through the notifier {@code lakeplan run --env} uses ({@link
 * AwsNotifier#of}): each topic has an SQS queue subscribed to it, and the messages read back from
 * the queue are the events' subjects, texts and attributes.
 */
@ExtendWith(MotoExtension.class)
class SnsNotifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecretResolver NO_SECRETS =
      reference -> {
        throw new AssertionError("no secret expected: " + reference);
      };

  private static Environment moto;
  private static SnsClient sns;
  private static SqsClient sqs;

  @BeforeAll
  static void start(MotoServer server) {
    moto = MotoClients.environment(server);
    sns = MotoClients.onMoto(SnsClient.builder(), server).build();
    sqs = MotoClients.onMoto(SqsClient.builder(), server).build();
  }

  @AfterAll
  static void stop() {
    sns.close();
    sqs.close();
  }

  private static String topic(String name) {
    return sns.createTopic(b -> b.name(name)).topicArn();
  }

  /** A new queue subscribed to {@code topicArn}, with {@code filterPolicy} when not null. */
  private static String queueOf(String topicArn, String filterPolicy) {
    String url = sqs.createQueue(b -> b.queueName("q-" + UUID.randomUUID())).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    Map<String, String> attributes = new LinkedHashMap<>();
    if (filterPolicy != null) {
      attributes.put("FilterPolicy", filterPolicy);
    }
    sns.subscribe(
        b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(attributes));
    return url;
  }

  /**
   * The SNS envelopes in {@code queueUrl}: at most {@code expected}, waiting up to ~5 s for them.
   */
  private static List<JsonNode> received(String queueUrl, int expected) throws Exception {
    List<JsonNode> envelopes = new ArrayList<>();
    for (int poll = 0; poll < 5 && envelopes.size() < expected; poll++) {
      for (Message message :
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages()) {
        envelopes.add(JSON.readTree(message.body()));
      }
    }
    return envelopes;
  }

  private static Map<String, String> attributes(JsonNode envelope) {
    Map<String, String> attributes = new LinkedHashMap<>();
    envelope
        .path("MessageAttributes")
        .fields()
        .forEachRemaining(
            entry -> attributes.put(entry.getKey(), entry.getValue().get("Value").asText()));
    return attributes;
  }

  private static Map<String, String> expectedAttributes(RunEvent event) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(SnsNotifier.EVENT_ATTRIBUTE, event.kind().name());
    attributes.put(SnsNotifier.USE_CASE_ATTRIBUTE, event.useCase());
    attributes.put(SnsNotifier.DAG_ATTRIBUTE, event.dagId());
    if (event.taskId() != null) {
      attributes.put(SnsNotifier.TASK_ATTRIBUTE, event.taskId());
    }
    return attributes;
  }

  @Test
  void failingAndSucceedingRuns_publishEachEventsSubjectTextAndAttributes() throws Exception {
    String alerts = topic("orders-alerts");
    String queue = queueOf(alerts, null);
    NotificationPolicy policy =
        NotificationPolicy.builder()
            .onRetry(true)
            .onSuccess(true)
            .addTargets(NotificationTarget.Sns.of(alerts))
            .build();
    List<RunEvent> seen = NotifyingRuns.events();
    DagRun failed;
    DagRun succeeded;

    try (AwsNotifier notifier = AwsNotifier.of(moto, NO_SECRETS)) {
      failed =
          NotifyingRuns.run(
              NotifyingRuns.dag("orders.ingestion", policy, "extract", "audit"),
              Set.of("extract"),
              notifier,
              seen);
      succeeded =
          NotifyingRuns.run(
              NotifyingRuns.dag("orders.processing", policy, "merge"), Set.of(), notifier, seen);
    }

    assertThat(failed.failedTasks()).containsExactly("extract");
    assertThat(failed.result("audit").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(succeeded.succeeded()).isTrue();
    assertThat(seen)
        .extracting(RunEvent::kind)
        .containsExactly(RunEvent.Kind.RETRY, RunEvent.Kind.FAILURE, RunEvent.Kind.SUCCESS);
    List<JsonNode> envelopes = received(queue, seen.size());
    assertThat(envelopes).extracting(e -> e.get("TopicArn").asText()).containsOnly(alerts);
    assertThat(envelopes)
        .extracting(e -> e.get("Subject").asText())
        .isEqualTo(seen.stream().map(e -> NotificationMessage.of(e).subject()).toList());
    assertThat(envelopes)
        .extracting(e -> e.get("Message").asText())
        .isEqualTo(seen.stream().map(RunEvent::text).toList());
    assertThat(envelopes)
        .extracting(SnsNotifierIT::attributes)
        .isEqualTo(seen.stream().map(SnsNotifierIT::expectedAttributes).toList());
    assertThat(envelopes.get(1).get("Message").asText())
        .contains("task: extract")
        .contains("attempt: 2 of 2")
        .contains("log: s3://acme-logs/orders.ingestion/extract/attempt-2");
  }

  @Test
  void withoutAnSnsTarget_theEnvironmentsDefaultTopicIsUsed() throws Exception {
    String lake = topic("lake-default");
    String queue = queueOf(lake, null);
    Environment environment =
        Environment.builder()
            .from(moto)
            .notifications(Notifications.builder().defaultSnsTopicArn(lake).build())
            .build();
    List<RunEvent> seen = NotifyingRuns.events();

    try (AwsNotifier notifier = AwsNotifier.of(environment, NO_SECRETS)) {
      NotifyingRuns.run(
          NotifyingRuns.dag("orders.ingestion", NotificationPolicy.defaults(), "extract"),
          Set.of("extract"),
          notifier,
          seen);
    }

    assertThat(received(queue, 1))
        .singleElement()
        .satisfies(
            envelope -> assertThat(envelope.get("Message").asText()).isEqualTo(seen.get(0).text()));
  }

  @Test
  void emailTargets_arePublishedOnceToTheEmailTopic_withTheirAddressesAsRecipients()
      throws Exception {
    String mail = topic("lake-mail");
    // what an e-mail subscription of ops@example.com filters on; another address's gets nothing
    String ops = queueOf(mail, "{\"lakeplan.recipients\": [\"ops@example.com\"]}");
    String others = queueOf(mail, "{\"lakeplan.recipients\": [\"finance@example.com\"]}");
    Environment environment =
        Environment.builder()
            .from(moto)
            .notifications(Notifications.builder().emailSnsTopicArn(mail).build())
            .build();
    NotificationPolicy policy =
        NotificationPolicy.builder()
            .addTargets(
                NotificationTarget.Email.of("ops@example.com"),
                NotificationTarget.Email.of("dba@example.com"))
            .build();
    List<RunEvent> seen = NotifyingRuns.events();

    try (AwsNotifier notifier = AwsNotifier.of(environment, NO_SECRETS)) {
      assertThat(notifier.cannotNotify(policy.targets().get(0))).isNull();
      NotifyingRuns.run(
          NotifyingRuns.dag("orders.ingestion", policy, "extract"),
          Set.of("extract"),
          notifier,
          seen);
    }

    assertThat(received(ops, 1))
        .singleElement()
        .satisfies(
            envelope -> {
              assertThat(envelope.get("Message").asText()).isEqualTo(seen.get(0).text());
              assertThat(
                      JSON.readTree(attributes(envelope).get(Notifications.RECIPIENTS_ATTRIBUTE)))
                  .extracting(JsonNode::asText)
                  .containsExactly("ops@example.com", "dba@example.com");
            });
    // moto delivers during Publish: whatever else was let through is already there
    assertThat(sqs.receiveMessage(b -> b.queueUrl(ops).waitTimeSeconds(0)).messages()).isEmpty();
    assertThat(sqs.receiveMessage(b -> b.queueUrl(others).waitTimeSeconds(0)).messages()).isEmpty();
  }

  @Test
  void aTopicThatDoesNotExist_isAWarningNamingIt_andTheRunGoesOn() {
    String missing = "arn:aws:sns:" + MotoServer.REGION + ":123456789012:no-such-topic";
    NotificationPolicy policy =
        NotificationPolicy.builder().addTargets(NotificationTarget.Sns.of(missing)).build();
    DagRun run;
    String log;

    try (AwsNotifier notifier = AwsNotifier.of(moto, NO_SECRETS);
        ErrorOutput errors = ErrorOutput.capture()) {
      run =
          NotifyingRuns.run(
              NotifyingRuns.dag("orders.ingestion", policy, "extract", "audit"),
              Set.of("extract"),
              notifier,
              NotifyingRuns.events());
      log = errors.text();
    }

    assertThat(run.failedTasks()).containsExactly("extract");
    assertThat(run.result("audit").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(log)
        .contains(
            "FAILURE for orders.ingestion/extract not published; the run goes on: SNS topic "
                + missing);
  }
}
