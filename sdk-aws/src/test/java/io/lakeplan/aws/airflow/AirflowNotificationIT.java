package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeplan.aws.notifications.SnsNotifier;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SNS callbacks of a rendered DAG, rendered by Airflow itself (every Airflow version of {@link
 * AirflowVersions}): each SnsNotifier's subject, text and message attributes, filled in by its own
 * templating for a task instance, equal what a Java run sends for the same event ({@link
 * NotificationMessage}, {@link SnsNotifier#publishRequest}). Nothing is published.
 */
class AirflowNotificationIT {
  private static final Path SCRIPT = Path.of("src/test/python/render_notifications.py");
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
}
