package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lakeplan.aws.MotoClients;
import io.lakeplan.aws.notifications.SlackNotifier;
import io.lakeplan.aws.notifications.SnsNotifier;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.validation.Problem;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The callbacks of a rendered DAG in real Airflow (every version of {@link AirflowVersions}) send
 * what a Java run sends for the same event ({@link NotificationMessage}, {@link
 * SnsNotifier#publishRequest}, {@link SlackNotifier#body}):
 *
 * <ul>
 *   <li>{@link #renderedCallbacks_sendWhatAJavaRunSends}: each SnsNotifier's subject, text and
 *       attributes, filled in by its own templating; nothing is published;
 *   <li>{@link #firedCallbacks_deliverWhatAJavaRunDelivers}: every callback fired (failure, retry,
 *       success and the SLA miss as the venv's Airflow version carries it), publishing to moto's
 *       SNS (read back through SQS subscriptions of the SNS and e-mail topics) and posting to
 *       webhook receivers on 127.0.0.1 whose URLs are in moto's Secrets Manager and SSM.
 * </ul>
 */
@ExtendWith(MotoExtension.class)
class AirflowNotificationIT {
  private static final Path SCRIPT = Path.of("src/test/python/render_notifications.py");
  private static final Path FIRE = Path.of("src/test/python/fire_callbacks.py");
  private static final String RUN_ID = "scheduled__2024-06-01T00:00:00+00:00";
  private static final String LOG_URL = "https://airflow.example/log?task=convert&try=2";

  @ParameterizedTest
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#all")
  void renderedCallbacks_sendWhatAJavaRunSends(String version, @TempDir Path folder)
      throws Exception {
    Path python = AirflowVersions.python(version);
    Dag dag = AirflowNotificationTextTest.notifyingDag();
    String taskId = dag.tasksInOrder().get(0).id();
    AirflowRenderer.to(AirflowRendererTest.fixedTarget())
        .render(Plan.builder().addDags(dag).build())
        .writeTo(folder);
    // the summary of a Java run's failure is the task result's, its lines folded
    String error = "EMR Serverless job run 00f1 FAILED\nDriver exited with 1";
    String summary = TaskResult.failed(Duration.ZERO, error).summary();

    JsonNode rendered =
        AirflowDagBagIT.runJson(
            python,
            SCRIPT,
            folder.resolve(dag.id() + ".py").toString(),
            taskId,
            "2",
            String.valueOf(dag.retries() + 1),
            RUN_ID,
            LOG_URL,
            error);

    assertThat(rendered.fieldNames()).toIterable().containsExactly("FAILURE", "RETRY", "SUCCESS");
    for (Iterator<String> kinds = rendered.fieldNames(); kinds.hasNext(); ) {
      String kind = kinds.next();
      RunEvent event =
          AirflowNotificationTextTest.event(
              RunEvent.Kind.valueOf(kind), dag, taskId, RUN_ID, summary, LOG_URL);
      JsonNode airflow = rendered.get(kind);
      assertThat(airflow.get("subject").asText())
          .as("Airflow " + version + " " + kind)
          .isEqualTo(NotificationMessage.of(event).subject());
      assertThat(airflow.get("message").asText())
          .as("Airflow " + version + " " + kind)
          .isEqualTo(event.text());
      Map<String, String> attributes = new LinkedHashMap<>();
      airflow
          .get("attributes")
          .fields()
          .forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
      Map<String, String> java = new LinkedHashMap<>();
      SnsNotifier.publishRequest("arn:aws:sns:eu-west-1:123456789012:alerts", event, List.of())
          .messageAttributes()
          .forEach((name, value) -> java.put(name, value.stringValue()));
      assertThat(attributes).as("Airflow " + version + " " + kind).isEqualTo(java);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SLA_LOGICAL_DATE = "2024-06-01T00:00:00+00:00";

  @ParameterizedTest
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#all")
  void firedCallbacks_deliverWhatAJavaRunDelivers(
      String version, MotoServer moto, @TempDir Path folder) throws Exception {
    Path python = AirflowVersions.python(version);
    assertThat(airflowVersion(python)).isEqualTo(version);
    try (SnsClient sns = MotoClients.onMoto(SnsClient.builder(), moto).build();
        SqsClient sqs = MotoClients.onMoto(SqsClient.builder(), moto).build();
        SecretsManagerClient secrets =
            MotoClients.onMoto(SecretsManagerClient.builder(), moto).build();
        SsmClient ssm = MotoClients.onMoto(SsmClient.builder(), moto).build();
        Webhooks webhooks = Webhooks.start()) {
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      String alerts = sns.createTopic(b -> b.name("alerts-" + suffix)).topicArn();
      String mail = sns.createTopic(b -> b.name("mail-" + suffix)).topicArn();
      String alertsQueue = queueOf(sns, sqs, alerts);
      String mailQueue = queueOf(sns, sqs, mail);
      String secretName = "lakeplan/slack-" + suffix;
      secrets.createSecret(b -> b.name(secretName).secretString(webhooks.url("/secretsmanager")));
      String parameter = "/lakeplan/slack-" + suffix;
      ssm.putParameter(
          b -> b.name(parameter).type(ParameterType.SECURE_STRING).value(webhooks.url("/ssm")));
      String broken = "lakeplan/slack-broken-" + suffix;
      secrets.createSecret(b -> b.name(broken).secretString(webhooks.url("/answers-500")));

      Dag base = AirflowNotificationTextTest.notifyingDag();
      boolean sla = !version.startsWith("3.0.");
      NotificationPolicy policy =
          NotificationPolicy.builder()
              .onRetry(true)
              .onSuccess(true)
              .onSlaMiss(true)
              .sla(Duration.ofMinutes(45))
              .addTargets(NotificationTarget.Sns.of(alerts))
              .addTargets(NotificationTarget.Email.of("ops@example.com"))
              .addTargets(NotificationTarget.Email.of("data@example.com"))
              .build();
      NotificationPolicy slackPolicy =
          NotificationPolicy.builder()
              .from(policy)
              .addTargets(
                  NotificationTarget.Slack.of(
                      SecretRef.of(SecretRef.Provider.SECRETSMANAGER, secretName)))
              .addTargets(
                  NotificationTarget.Slack.of(SecretRef.of(SecretRef.Provider.SSM, parameter)))
              .addTargets(
                  NotificationTarget.Slack.of(
                      SecretRef.of(SecretRef.Provider.SECRETSMANAGER, broken)))
              .build();
      Environment environment =
          Environment.builder()
              .name("moto")
              .region(MotoServer.REGION)
              .notifications(Notifications.builder().emailSnsTopicArn(mail).build())
              .airflow(
                  AirflowSettings.builder()
                      .from(AirflowRendererTest.fixedSettings())
                      .version(version)
                      .build())
              .build();
      // Airflow 3.x deadline alerts cannot post to Slack, and 3.0 has no SLA at all: such a DAG
      // is a problem; the SLA goes to SNS and e-mail there, Slack gets the task and run events
      Dag slackDag = Dag.builder().from(base).notifications(slackPolicy).build();
      Rendering refused = AirflowRenderer.to(environment).render(plan(slackDag));
      Dag dag;
      if (version.startsWith("2.")) {
        assertThat(refused.problems()).isEmpty();
        dag = slackDag;
      } else {
        assertThat(refused.problems())
            .singleElement()
            .extracting(Problem::toString)
            .asString()
            .contains("DAG " + base.id() + " is not rendered", "Airflow " + version);
        assertThat(refused.files()).noneMatch(file -> file.dagId().equals(base.id()));
        NotificationPolicy slackWithoutSla =
            NotificationPolicy.builder().from(slackPolicy).onSlaMiss(false).build();
        dag =
            Dag.builder()
                .from(base)
                .notifications(version.startsWith("3.0.") ? slackWithoutSla : policy)
                .build();
      }
      Rendering rendering = AirflowRenderer.to(environment).render(plan(dag));
      assertThat(rendering.problems()).isEmpty();
      rendering.writeTo(folder);
      String taskId = dag.tasksInOrder().get(0).id();
      String error = "EMR Serverless job run 00f1 FAILED\nDriver exited with 1";
      String summary = TaskResult.failed(Duration.ZERO, error).summary();

      Map<String, String> helperEnvironment = motoEnvironment(moto);
      // a folder with aiobotocore for a 3.x venv without it, so the deadline alert runs in
      // Airflow's callback trigger as on a triggerer
      String asyncPath = System.getenv("LAKEPLAN_AIRFLOW3_ASYNC_PYTHONPATH");
      if (asyncPath != null && version.startsWith("3.")) {
        helperEnvironment.put("PYTHONPATH", asyncPath);
      }
      JsonNode fired =
          AirflowDagBagIT.runJson(
              python,
              helperEnvironment,
              FIRE,
              folder.resolve(dag.id() + ".py").toString(),
              taskId,
              "2",
              String.valueOf(dag.retries() + 1),
              RUN_ID,
              LOG_URL,
              error,
              SLA_LOGICAL_DATE);

      List<RunEvent> events = new ArrayList<>();
      for (RunEvent.Kind kind :
          List.of(RunEvent.Kind.FAILURE, RunEvent.Kind.RETRY, RunEvent.Kind.SUCCESS)) {
        events.add(AirflowNotificationTextTest.event(kind, dag, taskId, RUN_ID, summary, LOG_URL));
      }
      if (dag.notifications().onSlaMiss()) {
        events.add(slaMiss(dag));
      }
      assertThat(fired.get("serialized").asBoolean()).isTrue();
      // the SLA as each version carries it
      if (version.startsWith("2.")) {
        assertThat(fired.get("task_sla_seconds").toString()).isEqualTo("[2700.0]");
        assertThat(fired.get("sla_miss_callback").asBoolean()).isTrue();
        assertThat(fired.get("deadlines")).isEmpty();
      } else if (sla) {
        assertThat(fired.get("task_sla_seconds")).isEmpty();
        JsonNode deadline = fired.get("deadlines").get(0);
        assertThat(fired.get("deadlines")).hasSize(2); // the SNS topic and the e-mail topic
        assertThat(deadline.get("reference").asText()).isEqualTo("DagRunQueuedAtDeadline");
        assertThat(deadline.get("interval_seconds").asDouble()).isEqualTo(2700.0);
        assertThat(deadline.get("path").asText()).isEqualTo(Callbacks.PROVIDER_SNS_NOTIFIER);
        assertThat(fired.get("deadlines"))
            .allSatisfy(
                alert ->
                    // the 3.3.1 venv has aiobotocore (bin/airflow/3.3.1), as a triggerer needs
                    assertThat(alert.get("ran").asText())
                        .as(alert.toString())
                        .isEqualTo("triggerer"))
            .allSatisfy(
                alert ->
                    assertThat(alert.get("status").asText())
                        .as(alert.toString())
                        .isEqualTo("success"));
      } else {
        assertThat(fired.get("task_sla_seconds")).isEmpty();
        assertThat(fired.get("deadlines")).isEmpty();
      }

      // SNS: each event once, as SnsNotifier publishes it
      Map<String, JsonNode> published = byEvent(received(sqs, alertsQueue, events.size()));
      Map<String, JsonNode> mailed = byEvent(received(sqs, mailQueue, events.size()));
      assertThat(published.keySet()).as("Airflow " + version).hasSize(events.size());
      assertThat(mailed.keySet()).as("Airflow " + version).hasSize(events.size());
      for (RunEvent event : events) {
        String kind = event.kind().name();
        assertPublished(published.get(kind), SnsNotifier.publishRequest(alerts, event, List.of()));
        assertPublished(
            mailed.get(kind),
            SnsNotifier.publishRequest(
                mail, event, List.of("ops@example.com", "data@example.com")));
      }

      // Slack: SlackNotifier's body to each webhook; the failing one is a warning without its URL
      List<RunEvent> slackEvents =
          dag.notifications().targets().stream()
                  .anyMatch(NotificationTarget.Slack.class::isInstance)
              ? events.stream()
                  .filter(
                      event -> event.kind() != RunEvent.Kind.SLA_MISS || version.startsWith("2."))
                  .toList()
              : List.of();
      for (String path : List.of("/secretsmanager", "/ssm", "/answers-500")) {
        assertThat(webhooks.bodies(path))
            .as("Airflow " + version + " " + path)
            .containsExactlyElementsOf(slackEvents.stream().map(SlackNotifier::body).toList());
      }
      String warnings = fired.get("warnings").toString();
      if (!slackEvents.isEmpty()) {
        assertThat(warnings)
            .contains(
                "not posted to Slack; the task goes on: webhook secretsmanager:"
                    + broken
                    + " answered HTTP 500");
      }
      assertThat(warnings).doesNotContain(webhooks.url(""));
    }
  }

  private static Plan plan(Dag dag) {
    return Plan.builder().addDags(dag).build();
  }

  private static RunEvent slaMiss(Dag dag) {
    return new RunEvent(
        RunEvent.Kind.SLA_MISS,
        dag.useCase(),
        dag.id(),
        null,
        RUN_ID,
        0,
        0,
        RunEvent.slaMissed(dag.notifications().sla()),
        null,
        Instant.parse("2024-06-01T00:50:00Z"),
        dag.notifications());
  }

  private static void assertPublished(JsonNode envelope, PublishRequest java) {
    assertThat(envelope).as(java.subject()).isNotNull();
    assertThat(envelope.get("Subject").asText()).isEqualTo(java.subject());
    assertThat(envelope.get("Message").asText()).isEqualTo(java.message());
    Map<String, String> attributes = new TreeMap<>();
    envelope
        .path("MessageAttributes")
        .fields()
        .forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().get("Value").asText()));
    Map<String, String> expected = new TreeMap<>();
    java.messageAttributes().forEach((name, value) -> expected.put(name, value.stringValue()));
    assertThat(attributes).as(java.subject()).isEqualTo(expected);
    java.messageAttributes()
        .forEach(
            (name, value) ->
                assertThat(envelope.path("MessageAttributes").path(name).path("Type").asText())
                    .as(name)
                    .isEqualTo(value.dataType()));
  }

  private static Map<String, JsonNode> byEvent(List<JsonNode> envelopes) {
    Map<String, JsonNode> byEvent = new LinkedHashMap<>();
    for (JsonNode envelope : envelopes) {
      String event =
          envelope
              .path("MessageAttributes")
              .path(SnsNotifier.EVENT_ATTRIBUTE)
              .path("Value")
              .asText();
      assertThat(byEvent.put(event, envelope)).as("a second " + event).isNull();
    }
    return byEvent;
  }

  private static String queueOf(SnsClient sns, SqsClient sqs, String topicArn) {
    String url = sqs.createQueue(b -> b.queueName("q-" + UUID.randomUUID())).queueUrl();
    String queueArn =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    return url;
  }

  /**
   * The SNS envelopes in {@code queueUrl}: all there are, waiting for at least {@code expected}.
   */
  private static List<JsonNode> received(SqsClient sqs, String queueUrl, int expected)
      throws Exception {
    List<JsonNode> envelopes = new ArrayList<>();
    for (int poll = 0; poll < 5 && envelopes.size() <= expected; poll++) {
      for (Message message :
          sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages()) {
        envelopes.add(JSON.readTree(message.body()));
      }
    }
    return envelopes;
  }

  /** The environment of the helper: every AWS call of the Amazon provider on moto. */
  private static Map<String, String> motoEnvironment(MotoServer moto) {
    String endpoint = moto.endpoint().toString();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("AWS_ENDPOINT_URL", endpoint);
    environment.put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY_ID);
    environment.put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_ACCESS_KEY);
    environment.put("AWS_DEFAULT_REGION", MotoServer.REGION);
    environment.put(
        "AIRFLOW_CONN_AWS_DEFAULT",
        "{\"conn_type\": \"aws\", \"login\": \""
            + MotoServer.ACCESS_KEY_ID
            + "\", \"password\": \""
            + MotoServer.SECRET_ACCESS_KEY
            + "\", \"extra\": {\"endpoint_url\": \""
            + endpoint
            + "\", \"region_name\": \""
            + MotoServer.REGION
            + "\"}}");
    return environment;
  }

  private static String airflowVersion(Path python) throws Exception {
    Process process =
        new ProcessBuilder(
                python.toString(),
                "-c",
                "from importlib.metadata import version; print(version('apache-airflow'))")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.strip();
  }

  /** Slack webhook receivers on 127.0.0.1: every path answers 200, except /answers-500. */
  private static final class Webhooks implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, List<String>> bodies = new ConcurrentHashMap<>();

    private Webhooks(HttpServer server) {
      this.server = server;
    }

    static Webhooks start() throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      Webhooks webhooks = new Webhooks(server);
      server.createContext(
          "/",
          exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            webhooks.bodies.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(body);
            exchange.sendResponseHeaders(path.equals("/answers-500") ? 500 : 200, -1);
            exchange.close();
          });
      server.start();
      return webhooks;
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<String> bodies(String path) {
      return bodies.getOrDefault(path, List.of());
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
