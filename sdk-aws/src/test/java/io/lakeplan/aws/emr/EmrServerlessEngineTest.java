package io.lakeplan.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskFailedException;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/** The engine's decisions that need no server: settings, client tokens, tags, backoff, releases. */
class EmrServerlessEngineTest {
  private static final Path ORDERS = Path.of("../examples/orders");

  /** The API's ClientToken shape: 1–64 of these characters. */
  private static final Pattern CLIENT_TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @AutoClose private final OfflineClients clients = new OfflineClients();

  private EmrServerlessEngine.Builder builder(Environment environment) {
    return EmrServerlessEngine.builder()
        .environment(environment)
        .emrServerless(clients.emrServerless)
        .s3(clients.s3);
  }

  private static RunContext context(String runId, int attempt) {
    Instant time = Instant.parse("2024-06-01T00:00:00Z");
    return new RunContext(runId, time, Clock.fixed(time, ZoneOffset.UTC), attempt);
  }

  @Test
  void build_withTheAirflowVariableDefaults_failsNamingEverySettingToSet() {
    Environment defaults = Environment.builder().name("prod").build();

    assertThatThrownBy(() -> builder(defaults).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot run on EMR Serverless with environment prod: ")
        .hasMessageContaining(
            "airflow.emr-application-id: '{{ var.value.lakeplan_emr_application_id }}' is an"
                + " Airflow template, which only Airflow resolves (set the value in the"
                + " environment file)")
        .hasMessageContaining("airflow.execution-role-arn: '{{ var.value.")
        .hasMessageContaining("airflow.job-jar: '{{ var.value.lakeplan_job_jar }}'")
        .hasMessageContaining("airflow.spec-location: '{{ var.value.lakeplan_spec_root }}")
        .hasMessageContaining("airflow.log-uri: '{{ var.value.lakeplan_log_uri }}'")
        .hasMessageContaining(
            "kms-key: missing (EMR Serverless job logs, the staged plan and environment files are"
                + " encrypted with it: the ARN of a KMS key, e.g. arn:aws:kms:");
  }

  @Test
  void build_withMalformedValues_failsNamingEachAndTheForm() {
    Environment bad =
        Environment.builder()
            .name("prod")
            .kmsKey("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .airflow(
                AirflowSettings.builder()
                    .emrApplicationId("My-App")
                    .executionRoleArn("lakeplan-jobs")
                    .jobJar("s3://acme-artifacts/lakeplan-job.jar")
                    .specLocation("s3://acme-artifacts")
                    .logUri("/var/log/emr")
                    .build())
            .build();

    assertThatThrownBy(() -> builder(bad).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot run on EMR Serverless with environment prod: airflow.emr-application-id:"
                + " 'My-App' (an EMR Serverless application id: lower-case letters and digits,"
                + " e.g. 00fexampleapp01); airflow.execution-role-arn: 'lakeplan-jobs' (an IAM"
                + " role ARN, e.g. arn:aws:iam::123456789012:role/lakeplan-jobs);"
                + " airflow.spec-location: 's3://acme-artifacts' (an s3://bucket/key location);"
                + " airflow.log-uri: '/var/log/emr' (an s3:// prefix, e.g. s3://acme-logs/emr/)");
  }

  @Test
  void clientToken_isTheSameForTheSameAttempt_andNewForARetryAnotherRunOrAnotherSpec() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag dag = plan.dag("orders.transformation");
    String task = dag.tasksInOrder().get(0).id();
    RunContext first = context("run__2024-06-01T00:00:00Z", 1);

    String token = EmrServerlessEngine.clientToken(first, dag, task);

    assertThat(EmrServerlessEngine.clientToken(context(first.runId(), 1), dag, task))
        .as("a resubmission of the same attempt")
        .isEqualTo(token);
    Set<String> others = new HashSet<>();
    others.add(EmrServerlessEngine.clientToken(first.withAttempt(2), dag, task));
    others.add(EmrServerlessEngine.clientToken(context("run__2024-06-01T01:00:00Z", 1), dag, task));
    others.add(EmrServerlessEngine.clientToken(first, dag, dag.tasksInOrder().get(1).id()));
    others.add(
        EmrServerlessEngine.clientToken(
            first, Dag.builder().from(dag).specVersion("000000000000").build(), task));
    assertThat(others).hasSize(4).doesNotContain(token);
    for (String each : others) {
      assertThat(each).matches(CLIENT_TOKEN);
    }
    assertThat(token).matches(CLIENT_TOKEN);
  }

  @Test
  void startJobRunRequest_tagsNameTheUseCaseDagTaskRunAndAttempt_inTheApiAlphabet() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag dag = plan.dag("orders.transformation");
    Task task = dag.tasksInOrder().get(0);
    EmrServerlessEngine engine = builder(EmrServerlessJobTest.environment()).build();

    StartJobRunRequest request =
        engine.startJobRunRequest(context("manual__2024-06-01 #3", 2), dag, task);

    assertThat(request.tags())
        .containsEntry(EmrServerlessEngine.TAG_USE_CASE, dag.useCase())
        .containsEntry(EmrServerlessEngine.TAG_DAG, dag.id())
        .containsEntry(EmrServerlessEngine.TAG_TASK, task.id())
        .containsEntry(EmrServerlessEngine.TAG_RUN, "manual__2024-06-01 _3")
        .containsEntry(EmrServerlessEngine.TAG_ATTEMPT, "2")
        .hasSize(5);
    assertThat(request.clientToken())
        .isEqualTo(
            EmrServerlessEngine.clientToken(context("manual__2024-06-01 #3", 2), dag, task.id()));
  }

  @Test
  void startJobRunRequest_ofACopyTask_failsNamingTheEngineAndWhereItRuns() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag dag = plan.dag("orders.migration");
    Task copy = copyTask(dag);
    EmrServerlessEngine engine = builder(EmrServerlessJobTest.environment()).build();

    assertThatThrownBy(() -> engine.startJobRunRequest(context("run__1", 1), dag, copy))
        .isInstanceOf(TaskFailedException.class)
        .hasMessage(
            "Copy task "
                + copy.id()
                + " of migration orders-history is a DataSync transfer, not a Spark job, and is"
                + " not run by the EMR Serverless engine: run it from the rendered Airflow DAG"
                + " (lakeplan render airflow) or locally (lakeplan run without --on), or leave it"
                + " out of this run (select the other tasks with --dag or --task)");
  }

  /** The copy task of a migration DAG. */
  static Task copyTask(Dag migration) {
    return migration.tasks().stream()
        .filter(task -> task.spec() instanceof TaskSpec.Copy)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void logLocation_isTheJobRunsFolderUnderTheLogUri_withOrWithoutItsSlash() {
    assertThat(EmrServerlessEngine.logLocation("s3://logs/emr/", "00app", "00run"))
        .isEqualTo("s3://logs/emr/applications/00app/jobs/00run/");
    assertThat(EmrServerlessEngine.logLocation("s3://logs/emr", "00app", "00run"))
        .isEqualTo("s3://logs/emr/applications/00app/jobs/00run/");
  }

  @Test
  void backoff_drawsEachWaitBetweenHalfAndAllOfADoublingCeiling_cappedAtTheMaximum() {
    Duration first = Duration.ofSeconds(2);
    Duration max = Duration.ofSeconds(60);
    Backoff backoff = new Backoff(first, max, new Random(17));

    for (int retry = 0; retry < 40; retry++) {
      Duration ceiling = first.multipliedBy(1L << Math.min(retry, 20));
      Duration expected = ceiling.compareTo(max) > 0 ? max : ceiling;
      assertThat(backoff.ceiling(retry)).as("ceiling of retry " + retry).isEqualTo(expected);
      for (int draw = 0; draw < 20; draw++) {
        assertThat(backoff.delay(retry)).isBetween(expected.dividedBy(2), expected);
      }
    }
  }

  @Test
  void backoff_jitter_spreadsTheWaits() {
    Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), new Random(5));

    Set<Duration> waits = new HashSet<>();
    for (int draw = 0; draw < 50; draw++) {
      waits.add(backoff.delay(5));
    }

    assertThat(waits).hasSizeGreaterThan(10);
  }

  @Test
  void releaseLabels_emrSpark8RunsTheJobJar_emr7AndUnknownLabelsDoNot() {
    assertThat(ReleaseLabels.problem("00app", "emr-spark-8.1.0")).isNull();
    assertThat(ReleaseLabels.problem("00app", "emr-spark-9.0.0")).isNull();
    assertThat(ReleaseLabels.problem("00app", "emr-7.12.0"))
        .isEqualTo(
            "EMR Serverless application 00app has release emr-7.12.0 (Spark 3, Scala 2.12), which"
                + " cannot run the Lakeplan job jar (Spark 4.1, Scala 2.13): create an application"
                + " with release emr-spark-8.1.0 (or a newer emr-spark-8.x) and set"
                + " airflow.emr-application-id to it");
    assertThat(ReleaseLabels.problem("00app", "emr-6.15.0")).contains("(Spark 3, Scala 2.12)");
    assertThat(ReleaseLabels.problem("00app", "spark-latest"))
        .isEqualTo(
            "EMR Serverless application 00app has release label 'spark-latest', not one known to"
                + " ship Spark 4 (emr-spark-8.x): create an application with release"
                + " emr-spark-8.1.0 (or a newer emr-spark-8.x) and set airflow.emr-application-id"
                + " to it");
  }
}
