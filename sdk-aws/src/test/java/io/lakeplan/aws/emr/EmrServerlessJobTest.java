package io.lakeplan.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.RenderedFile;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.RunContext;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emrserverless.model.SparkSubmit;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/**
 * The job runs a rendered Airflow DAG starts and the ones {@link EmrServerlessEngine} starts are
 * the same: each rendered DAG file of the orders example (JobMain tasks) and of the legacy fixtures
 * (a team's own Spark jobs) is read back — its constants, the {@code job_main} function's argument
 * list with the task id filled in, each operator's literals — and compared with the engine's {@code
 * StartJobRun} request for the same task. A change to either side alone fails here.
 */
class EmrServerlessJobTest {
  private static final Path ORDERS = Path.of("../examples/orders");
  private static final Path LEGACY = Path.of("../fixtures/legacy-yaml/valid");
  private static final Pattern CONSTANT = Pattern.compile("(?m)^([A-Z_]+) = (\".*\")$");
  private static final Pattern JOB_MAIN_TASK = Pattern.compile("job_main\\((\"[^\"]*\")");

  @AutoClose private final OfflineClients clients = new OfflineClients();

  static final String KMS_KEY =
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  static Environment environment() {
    return Environment.builder()
        .name("prod")
        .region("eu-west-1")
        .kmsKey(KMS_KEY)
        .airflow(
            AirflowSettings.builder()
                .emrApplicationId("00fexampleapp01")
                .executionRoleArn("arn:aws:iam::123456789012:role/lakeplan-jobs")
                .jobJar("s3://acme-artifacts/lakeplan/lakeplan-job.jar")
                .specLocation(
                    "s3://acme-artifacts/lakeplan/plans/{use_case}/{spec_version}/plan.json")
                .logUri("s3://acme-logs/emr-serverless/")
                .sparkSubmitParameters("--conf spark.executor.memory=4g")
                .build())
        .build();
  }

  private EmrServerlessEngine engine() {
    return EmrServerlessEngine.builder()
        .environment(environment())
        .emrServerless(clients.emrServerless)
        .s3(clients.s3)
        .build();
  }

  private static RunContext context() {
    Instant time = Instant.parse("2024-06-01T00:00:00Z");
    return new RunContext("run__" + time, time, Clock.fixed(time, ZoneOffset.UTC), 1);
  }

  @Test
  void jobMainTasks_engineRequest_isWhatTheRenderedDagStarts() {
    Plan plan = Workspace.load(ORDERS).plan();
    List<RenderedFile> files = AirflowRenderer.to(environment()).render(plan).files();
    EmrServerlessEngine engine = engine();
    int compared = 0;

    for (RenderedFile file : files) {
      if (!file.content().contains("def job_main(")) {
        continue;
      }
      Dag dag = plan.dag(file.dagId());
      Map<String, String> constants = constants(file.content());
      String function = file.content().substring(file.content().indexOf("def job_main("));
      Matcher taskIds = JOB_MAIN_TASK.matcher(file.content());
      while (taskIds.find()) {
        String taskId = python(List.of(taskIds.group(1)), Map.of()).get(0);
        Map<String, String> names = new HashMap<>(constants);
        names.put("task_id", taskId);
        Task task = dag.task(taskId);

        StartJobRunRequest request = engine.startJobRunRequest(context(), dag, task);

        SparkSubmit submit = request.jobDriver().sparkSubmit();
        assertThat(submit.entryPointArguments())
            .isEqualTo(python(list(field(function, "\"entryPointArguments\": ")), names));
        assertThat(submit.entryPoint()).isEqualTo(names.get(field(function, "\"entryPoint\": ")));
        assertThat(submit.sparkSubmitParameters())
            .isEqualTo(
                python(List.of(field(function, "\"sparkSubmitParameters\": ")), names).get(0));
        assertThat(request.name())
            .isEqualTo(concatenation(field(function, "name=name or "), names));
        assertThat(names.get("ENVIRONMENT_LOCATION"))
            .isEqualTo(EmrServerlessJob.environmentLocation(environment(), dag))
            .startsWith("s3://acme-artifacts/lakeplan/plans/orders/" + dag.specVersion() + "/")
            .matches(".*/environment-[0-9a-f]{12}\\.yaml");
        assertThat(request.applicationId()).isEqualTo(names.get("EMR_APPLICATION_ID"));
        assertThat(request.executionRoleArn()).isEqualTo(names.get("EXECUTION_ROLE_ARN"));
        assertThat(
                request
                    .configurationOverrides()
                    .monitoringConfiguration()
                    .s3MonitoringConfiguration()
                    .logUri())
            .isEqualTo(names.get("LOG_URI"));
        assertThat(
                request
                    .configurationOverrides()
                    .monitoringConfiguration()
                    .s3MonitoringConfiguration()
                    .encryptionKeyArn())
            .isEqualTo(names.get("KMS_KEY_ARN"))
            .isEqualTo(KMS_KEY);
        assertThat(function).contains("\"encryptionKeyArn\": KMS_KEY_ARN,");
        compared++;
      }
    }
    assertThat(compared)
        .as("JobMain tasks compared")
        .isEqualTo(
            plan.dags().stream()
                .mapToLong(dag -> dag.tasks().stream().filter(t -> t.spec().runsOnSpark()).count())
                .sum());
  }

  @Test
  void legacySparkJobs_engineRequest_isWhatTheRenderedDagStarts() {
    Plan plan = Workspace.load(LEGACY).plan();
    List<RenderedFile> files = AirflowRenderer.to(environment()).render(plan).files();
    EmrServerlessEngine engine = engine();
    int compared = 0;

    for (RenderedFile file : files) {
      if (file.dagId() == null || !file.content().contains("EmrServerlessStartJobOperator(\n")) {
        continue;
      }
      Dag dag = plan.dag(file.dagId());
      Map<String, String> constants = constants(file.content());
      for (String operator : file.content().split(" = EmrServerlessStartJobOperator\\(\n")) {
        if (!operator.startsWith("        task_id=")) {
          continue;
        }
        String taskId = python(List.of(field(operator, "task_id=")), constants).get(0);
        Task task = dag.task(taskId);

        StartJobRunRequest request = engine.startJobRunRequest(context(), dag, task);

        SparkSubmit submit = request.jobDriver().sparkSubmit();
        assertThat(submit.entryPoint())
            .isEqualTo(python(List.of(field(operator, "\"entryPoint\": ")), constants).get(0));
        assertThat(submit.entryPointArguments())
            .isEqualTo(python(list(field(operator, "\"entryPointArguments\": ")), constants));
        String parameters =
            python(List.of(field(operator, "\"sparkSubmitParameters\": ")), constants).get(0);
        assertThat(submit.sparkSubmitParameters())
            .isEqualTo(parameters.isEmpty() ? null : parameters);
        assertThat(request.name())
            .isEqualTo(python(List.of(field(operator, "name=")), constants).get(0));
        compared++;
      }
    }
    assertThat(compared)
        .as("Spark jobs compared")
        .isEqualTo(plan.dags().stream().mapToInt(dag -> dag.tasks().size()).sum());
  }

  @Test
  void name_tooLongForEmrServerless_isShortenedToAUniqueRecognisableName() {
    String dagId = "d".repeat(70) + ".transformation";
    String taskId = "merge." + "t".repeat(200);
    String otherTaskId = "merge." + "t".repeat(199) + "u";

    String name = EmrServerlessJob.name(dagId, taskId);

    assertThat(EmrServerlessJob.name("orders.migration", "hist.convert"))
        .isEqualTo("orders.migration.hist.convert");
    assertThat(name)
        .hasSize(EmrServerlessJob.MAX_NAME_LENGTH)
        .startsWith((dagId + "." + taskId).substring(0, 243))
        .matches(".*~[0-9a-f]{12}");
    assertThat(EmrServerlessJob.name(dagId, otherTaskId)).isNotEqualTo(name);
  }

  /** The rendered file's top-level string constants, by name. */
  private static Map<String, String> constants(String content) {
    Map<String, String> constants = new HashMap<>();
    Matcher matcher = CONSTANT.matcher(content);
    while (matcher.find()) {
      constants.put(matcher.group(1), python(List.of(matcher.group(2)), Map.of()).get(0));
    }
    return constants;
  }

  /** The Python expression after {@code key} on its line, without the trailing comma. */
  private static String field(String text, String key) {
    int start = text.indexOf(key);
    assertThat(start).as("'" + key + "' in the rendered DAG").isNotNegative();
    int end = text.indexOf('\n', start);
    String value = text.substring(start + key.length(), end).strip();
    return value.endsWith(",") ? value.substring(0, value.length() - 1) : value;
  }

  /** The elements of a Python list expression {@code [a, "b", ...]}. */
  private static List<String> list(String expression) {
    assertThat(expression).startsWith("[").endsWith("]");
    List<String> elements = new ArrayList<>();
    String body = expression.substring(1, expression.length() - 1);
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        elements.add(body.substring(start, i).strip());
        start = i + 1;
      }
    }
    if (!body.isBlank()) {
      elements.add(body.substring(start).strip());
    }
    return elements;
  }

  /** {@code a + "b" + c} with the names' values. */
  private static String concatenation(String expression, Map<String, String> names) {
    StringBuilder value = new StringBuilder();
    for (String part : expression.split(" \\+ ")) {
      value.append(python(List.of(part), names).get(0));
    }
    return value.toString();
  }

  /** The values of Python string literals and names (from {@code names}). */
  private static List<String> python(List<String> expressions, Map<String, String> names) {
    List<String> values = new ArrayList<>();
    for (String expression : expressions) {
      if (!expression.startsWith("\"")) {
        assertThat(names).as("names in the rendered DAG").containsKey(expression);
        values.add(names.get(expression));
        continue;
      }
      StringBuilder value = new StringBuilder();
      for (int i = 1; i < expression.length() - 1; i++) {
        char c = expression.charAt(i);
        if (c == '\\') {
          char next = expression.charAt(++i);
          value.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
        } else {
          value.append(c);
        }
      }
      values.add(value.toString());
    }
    return values;
  }
}
