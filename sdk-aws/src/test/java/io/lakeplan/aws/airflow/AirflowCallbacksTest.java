package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Notifications;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the rendered callbacks hold for e-mail and Slack targets and for an SLA on each Airflow
 * version, and the problems of settings a target cannot carry. (What they send is {@code
 * AirflowNotificationIT}'s, in real Airflow.)
 */
class AirflowCallbacksTest {
  private static final String ALERTS = "arn:aws:sns:eu-west-1:123456789012:alerts";
  private static final String MAIL = "arn:aws:sns:eu-west-1:123456789012:lake-mail";
  private static final SecretRef WEBHOOK =
      SecretRef.of(SecretRef.Provider.SECRETSMANAGER, "prod/orders-slack-webhook");

  private static Environment environment(String version, String emailTopic) {
    return Environment.builder()
        .name("prod")
        .region("eu-west-1")
        .notifications(Notifications.builder().emailSnsTopicArn(emailTopic).build())
        .airflow(
            AirflowSettings.builder()
                .from(AirflowRendererTest.fixedSettings())
                .version(version)
                .build())
        .build();
  }

  private static Dag dag(NotificationPolicy policy) {
    return Dag.builder()
        .from(AirflowNotificationTextTest.notifyingDag())
        .notifications(policy)
        .build();
  }

  private static NotificationPolicy.Builder sla(NotificationTarget... targets) {
    return NotificationPolicy.builder()
        .onSlaMiss(true)
        .sla(Duration.ofMinutes(45))
        .addTargets(targets);
  }

  private static Rendering render(String version, String emailTopic, Dag dag) {
    return AirflowRenderer.to(environment(version, emailTopic))
        .render(Plan.builder().addDags(dag).build());
  }

  private static String file(Rendering rendering, Dag dag) {
    assertThat(rendering.problems()).isEmpty();
    return rendering.files().stream()
        .filter(file -> file.dagId().equals(dag.id()))
        .findFirst()
        .orElseThrow()
        .content();
  }

  private static String problem(Rendering rendering, Dag dag) {
    assertThat(rendering.files()).noneMatch(file -> file.dagId().equals(dag.id()));
    assertThat(rendering.problems()).hasSize(1);
    Problem problem = rendering.problems().get(0);
    assertThat(problem.useCase()).isEqualTo(dag.useCase());
    assertThat(problem.path()).isEqualTo("notifications");
    return problem.toString();
  }

  @Test
  void emailAndSlackTargets_publishToTheEmailTopicAndPostBehindTheReference() {
    Dag dag =
        dag(
            NotificationPolicy.builder()
                .addTargets(NotificationTarget.Email.of("ops@example.com"))
                .addTargets(NotificationTarget.Slack.of(WEBHOOK))
                .build());

    String file = file(render("3.3.1", MAIL, dag), dag);

    assertThat(file)
        .contains("SNS_TOPIC_ARNS = []")
        .contains("EMAIL_TOPIC_ARN = \"" + MAIL + "\"")
        .contains("EMAIL_RECIPIENTS = [\"ops@example.com\"]")
        .contains("{**attributes, \"lakeplan.recipients\": EMAIL_RECIPIENTS}")
        .contains("SLACK_WEBHOOKS = [\"" + WEBHOOK + "\"]")
        .contains("class SlackWebhook(BaseNotifier):")
        .contains("SecretsManagerHook(aws_conn_id=AWS_CONN_ID, region_name=REGION_NAME)")
        .contains("\"on_failure_callback\": notify(\"FAILURE\"),")
        .doesNotContain("on_retry_callback")
        .doesNotContain("\"sla\":")
        .doesNotContain("sla_miss_callback")
        .doesNotContain("deadline=");
  }

  @Test
  void sla_onAirflow2_isOnEveryTaskWithTheDagsSlaMissCallback() {
    Dag dag =
        dag(sla(NotificationTarget.Sns.of(ALERTS), NotificationTarget.Slack.of(WEBHOOK)).build());

    String file = file(render("2.11.2", null, dag), dag);

    assertThat(file)
        .contains("    \"sla\": timedelta(minutes=45),\n")
        .contains("    sla_miss_callback=sla_missed,\n")
        .contains("def sla_missed(dag, task_list, blocking_task_list, slas, blocking_tis):")
        .contains("\"SLA_MISS\": (\"Lakeplan SLA_MISS " + dag.id() + "\"")
        .contains("summary: the run did not complete within its SLA of PT45M")
        .doesNotContain("DeadlineAlert");
  }

  @Test
  void sla_onAirflow31AndLater_isADeadlineAlertPerTopic() {
    Dag dag =
        dag(
            sla(NotificationTarget.Sns.of(ALERTS), NotificationTarget.Email.of("ops@example.com"))
                .build());

    for (String version : List.of("3.1.8", "3.3.1")) {
      String file = file(render(version, MAIL, dag), dag);

      assertThat(file)
          .as(version)
          .contains("    deadline=[\n")
          .contains("            reference=DeadlineReference.DAGRUN_QUEUED_AT,\n")
          .contains("            interval=timedelta(minutes=45),\n")
          .contains("            callback=AsyncCallback(SnsNotifier, kwargs=arguments),\n")
          .contains("        for arguments in sns_messages(\"SLA_MISS\")\n")
          .contains("run: " + AirflowRenderer.JINJA_DAG_RUN_ID)
          .doesNotContain("\"sla\":")
          .doesNotContain("sla_miss_callback");
    }
  }

  @Test
  void sla_onAirflow30_isAProblemNamingTheDagTheVersionAndTheFix() {
    Dag dag = dag(sla(NotificationTarget.Sns.of(ALERTS)).build());

    String problem = problem(render("3.0.6", null, dag), dag);

    assertThat(problem)
        .contains("DAG " + dag.id() + " is not rendered")
        .contains(
            "on-sla-miss with sla PT45M cannot be rendered for Airflow 3.0.6 (airflow.version)")
        .contains("Airflow 3.0 has neither SLAs nor deadline alerts")
        .contains("deadline alerts from 3.1, e.g. 3.3.1")
        .contains("or turn on-sla-miss off")
        .endsWith("[conflicting-settings]");
  }

  @Test
  void sla_withSlackOnAirflow3_isAProblemNamingTheReference() {
    Dag dag = dag(sla(NotificationTarget.Slack.of(WEBHOOK)).build());

    String problem = problem(render("3.3.1", null, dag), dag);

    assertThat(problem)
        .contains("cannot be rendered for Airflow 3.3.1 to its Slack targets (" + WEBHOOK + ")")
        .contains("send SLA misses to an sns or email target, or render for Airflow 2");
  }

  @Test
  void sla_onAirflow2WithoutACron_isAProblem() {
    Dag manual =
        Dag.builder()
            .from(dag(sla(NotificationTarget.Sns.of(ALERTS)).build()))
            .schedule(null)
            .build();

    String problem = problem(render("2.10.3", null, manual), manual);

    assertThat(problem)
        .contains("Airflow 2 checks SLAs only against the runs of a cron schedule")
        .contains("give the use case a cron schedule, or render for Airflow 3.1+");
  }

  @Test
  void emailTargets_withoutTheEnvironmentsEmailTopic_areAProblemNamingTheSetting() {
    Dag dag =
        dag(
            NotificationPolicy.builder()
                .addTargets(NotificationTarget.Email.of("ops@example.com"))
                .build());

    String problem = problem(render("3.3.1", null, dag), dag);

    assertThat(problem)
        .contains("its e-mail targets (ops@example.com) need the environment's e-mail topic")
        .contains("set notifications.email-sns-topic-arn in environment prod");
  }

  @Test
  void slaOff_rendersTheSameFileForEveryVersion() {
    Dag dag =
        dag(
            NotificationPolicy.builder()
                .sla(Duration.ofHours(1))
                .addTargets(NotificationTarget.Sns.of(ALERTS))
                .build());

    String newest = withoutEnvironmentFile(file(render("3.3.1", null, dag), dag));

    for (String version : List.of("2.10.3", "2.11.2", "3.0.6")) {
      assertThat(withoutEnvironmentFile(file(render(version, null, dag), dag)))
          .as(version)
          .isEqualTo(newest);
    }
  }

  /** The file without its ENVIRONMENT_LOCATION, which names each environment's own version. */
  private static String withoutEnvironmentFile(String file) {
    assertThat(file).contains("ENVIRONMENT_LOCATION = ");
    return file.replaceAll("(?m)^ENVIRONMENT_LOCATION = .*$", "");
  }
}
