package io.lakeplan.aws.airflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakeplan.aws.emr.EmrServerlessJob;
import io.lakeplan.aws.notifications.SnsNotifier;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dag-factory (1.x) configuration of the same DAG that {@link AirflowRenderer} renders: the same
 * operators with the same arguments, the same dependencies, schedule, tags and default arguments,
 * so the parse benchmark compares the two ways of defining one DAG. Only the dataset outlets are
 * left out (dag-factory spells them differently), which makes dag-factory's side slightly cheaper.
 */
final class DagFactoryYaml {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  /** The loader every dag-factory YAML file needs beside it, as teams deploy them. */
  static String loader(String yamlFileName) {
    return "# Airflow DAG loader for "
        + yamlFileName
        + " (dag-factory).\n"
        + "from pathlib import Path\n\n"
        + "from dagfactory import load_yaml_dags\n\n"
        + "load_yaml_dags(globals_dict=globals(),"
        + " config_filepath=str(Path(__file__).with_name(\""
        + yamlFileName
        + "\")))\n";
  }

  private DagFactoryYaml() {}

  /**
   * The provider's SnsNotifier with the arguments the rendered file's {@code sns_messages} makes.
   */
  private static Map<String, Object> notifier(
      Dag dag, String topic, RunEvent.Kind kind, AirflowSettings target) {
    NotificationMessage message = AirflowRenderer.notificationTemplate(kind, dag);
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put(SnsNotifier.EVENT_ATTRIBUTE, kind.name());
    attributes.put(SnsNotifier.USE_CASE_ATTRIBUTE, dag.useCase());
    attributes.put(SnsNotifier.DAG_ATTRIBUTE, dag.id());
    attributes.put(SnsNotifier.TASK_ATTRIBUTE, AirflowRenderer.JINJA_TASK_ID);
    Map<String, Object> notifier = new LinkedHashMap<>();
    notifier.put("callback", Callbacks.PROVIDER_SNS_NOTIFIER);
    notifier.put("aws_conn_id", target.awsConnectionId());
    notifier.put("target_arn", topic);
    notifier.put("region_name", topic.split(":")[3]);
    notifier.put("subject", message.subject());
    notifier.put("message", message.text());
    notifier.put("message_attributes", attributes);
    return notifier;
  }

  /** The YAML of {@code dag} for {@code target}. */
  static String of(Dag dag, AirflowSettings target) {
    Environment environment = Environment.builder().airflow(target).build();
    Map<String, Object> defaultArgs = new LinkedHashMap<>();
    defaultArgs.put("owner", dag.owner());
    defaultArgs.put("retries", dag.retries());
    defaultArgs.put("retry_delay_sec", dag.retryDelay().toSeconds());
    defaultArgs.put("depends_on_past", dag.dependsOnPast());
    defaultArgs.put("start_date", "2024-01-01");
    // the same SNS notifier per event as the rendered file (dag-factory builds a provider notifier
    // from a "callback" mapping); with one topic, one notifier instead of a list of one
    List<String> topics = new ArrayList<>();
    if (dag.notifications() != null) {
      for (NotificationTarget notificationTarget : dag.notifications().targets()) {
        if (notificationTarget instanceof NotificationTarget.Sns sns) {
          topics.add(sns.topicArn());
        }
      }
    }
    if (topics.size() > 1) {
      throw new IllegalArgumentException("one SNS topic per DAG: " + dag.id());
    }
    for (String topic : topics) {
      if (dag.notifications().onFailure()) {
        defaultArgs.put("on_failure_callback", notifier(dag, topic, RunEvent.Kind.FAILURE, target));
      }
      if (dag.notifications().onRetry()) {
        defaultArgs.put("on_retry_callback", notifier(dag, topic, RunEvent.Kind.RETRY, target));
      }
    }

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("default_args", defaultArgs);
    config.put("description", "Lakeplan " + dag.useCase() + " " + dag.kind());
    config.put("schedule", dag.schedule() == null ? null : dag.schedule().toString());
    config.put("catchup", false);
    config.put("max_active_runs", target.maxActiveRuns());
    config.put("tags", dag.tags());

    List<Map<String, Object>> tasks = new ArrayList<>();
    for (Task task : dag.tasksInOrder()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("task_id", task.id());
      if (task.spec() instanceof TaskSpec.Copy) {
        entry.put("operator", "airflow.providers.amazon.aws.operators.datasync.DataSyncOperator");
        entry.put("task_arn", target.defaultDataSyncTaskArn());
        entry.put("aws_conn_id", target.awsConnectionId());
        entry.put("wait_interval_seconds", 60);
        entry.put("max_iterations", 1440);
      } else {
        entry.put(
            "operator", "airflow.providers.amazon.aws.operators.emr.EmrServerlessStartJobOperator");
        entry.put("name", dag.id() + "." + task.id());
        entry.put("application_id", target.emrApplicationId());
        entry.put("execution_role_arn", target.executionRoleArn());
        String spec =
            target
                .specLocation()
                .replace("{use_case}", dag.useCase())
                .replace("{spec_version}", dag.specVersion());
        entry.put(
            "job_driver",
            Map.of(
                "sparkSubmit",
                Map.of(
                    "entryPoint", target.jobJar(),
                    "entryPointArguments",
                        List.of(
                            "--spec",
                            spec,
                            "--env",
                            EmrServerlessJob.environmentLocation(environment, dag),
                            "--dag",
                            dag.id(),
                            "--task",
                            task.id()),
                    "sparkSubmitParameters", "--class " + AirflowRenderer.JOB_MAIN_CLASS)));
        entry.put(
            "configuration_overrides",
            Map.of(
                "monitoringConfiguration",
                Map.of(
                    "s3MonitoringConfiguration",
                    Map.of(
                        "logUri",
                        target.logUri(),
                        "encryptionKeyArn",
                        "{{ var.value." + AirflowRenderer.KMS_KEY_VARIABLE + " }}"))));
        entry.put("aws_conn_id", target.awsConnectionId());
        entry.put("waiter_delay", target.pollInterval().toSeconds());
        entry.put("waiter_max_attempts", target.maxAttempts());
      }
      List<String> upstream = new ArrayList<>();
      for (Edge edge : dag.edges()) {
        if (edge.to().equals(task.id())) {
          upstream.add(edge.from());
        }
      }
      if (!upstream.isEmpty()) {
        entry.put("dependencies", upstream);
      }
      tasks.add(entry);
    }
    config.put("tasks", tasks);
    try {
      return YAML.writeValueAsString(Map.of(dag.id(), config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write dag-factory YAML of " + dag.id(), e);
    }
  }
}
