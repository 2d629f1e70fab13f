package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.notifications.SnsNotifier;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.NotificationMessage;
import io.lakeplan.run.RunEvent;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rendered callbacks send the text of a Java run's notification: the templates in a rendered
 * file, with the Jinja expressions replaced by the values Airflow would give them, equal {@link
 * NotificationMessage#text()} of the same event. (What Airflow itself renders is for an Airflow
 * test: this one formats the template in Java, without Airflow.)
 */
class AirflowNotificationTextTest {
  private static final Pattern ENTRY =
      Pattern.compile(
          "^    \"(\\w+)\": \\((\"(?:[^\"\\\\]|\\\\.)*\"), (\"(?:[^\"\\\\]|\\\\.)*\")\\),$");
  private static final String RUN_ID = "scheduled__2024-06-01T00:00:00+00:00";
  private static final String LOG_URL =
      "https://airflow.example/dags/orders.migration/grid?task_id=history.convert";
  private static final String ERROR = "Task failed: EMR Serverless job run 00f1 FAILED";

  static Dag notifyingDag() {
    Plan plan = Workspace.load(Path.of("../examples/orders")).plan();
    Dag dag = plan.dags().get(0);
    NotificationPolicy everything =
        NotificationPolicy.builder()
            .onSuccess(true)
            .onRetry(true)
            .addTargets(NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:alerts"))
            .build();
    return Dag.builder().from(dag).notifications(everything).build();
  }

  /** The NOTIFICATIONS entries of a rendered file: event → (subject, text), decoded. */
  private static Map<String, List<String>> notifications(String file) {
    Map<String, List<String>> entries = new LinkedHashMap<>();
    for (String line : file.lines().toList()) {
      Matcher entry = ENTRY.matcher(line);
      if (entry.matches()) {
        entries.put(entry.group(1), List.of(decode(entry.group(2)), decode(entry.group(3))));
      }
    }
    return entries;
  }

  /** The value of a double-quoted Python string literal as {@link Python#string} writes them. */
  private static String decode(String literal) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < literal.length() - 1; i++) {
      char c = literal.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = literal.charAt(++i);
      switch (escaped) {
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> out.append(escaped);
      }
    }
    return out.toString();
  }

  /** The template as Airflow fills it in for attempt 2 of a task instance of {@code dag}. */
  private static String fillIn(String template, Dag dag, String taskId) {
    return template
        .replace(AirflowRenderer.JINJA_TASK_ID, taskId)
        .replace(AirflowRenderer.JINJA_RUN_ID, RUN_ID)
        .replace(AirflowRenderer.JINJA_ATTEMPT, "2")
        .replace(AirflowRenderer.JINJA_ATTEMPTS, String.valueOf(dag.retries() + 1))
        .replace(AirflowRenderer.JINJA_SUMMARY, ERROR)
        .replace(AirflowRenderer.JINJA_LOG, LOG_URL);
  }

  /**
   * The event of a Java run that a callback of {@code dag} stands for: attempt 2 of the DAG's
   * attempts of {@code taskId}, failed with {@code summary}, its log at {@code logLocation}.
   */
  static RunEvent event(
      RunEvent.Kind kind,
      Dag dag,
      String taskId,
      String runId,
      String summary,
      String logLocation) {
    boolean task = kind != RunEvent.Kind.SUCCESS;
    return new RunEvent(
        kind,
        dag.useCase(),
        dag.id(),
        task ? taskId : null,
        runId,
        task ? 2 : 0,
        task ? dag.retries() + 1 : 0,
        task ? summary : RunEvent.RUN_SUCCEEDED,
        task ? logLocation : null,
        Instant.parse("2024-06-01T00:10:00Z"),
        dag.notifications());
  }

  @Test
  void renderedCallbacks_sendTheSubjectAndTextOfAJavaRun_fieldForField() {
    Dag dag = notifyingDag();
    String taskId = dag.tasksInOrder().get(0).id();
    String file =
        AirflowRenderer.to(AirflowRendererTest.fixedTarget())
            .render(Plan.builder().addDags(dag).build())
            .files()
            .stream()
            .filter(rendered -> rendered.dagId().equals(dag.id()))
            .findFirst()
            .orElseThrow()
            .content();

    Map<String, List<String>> rendered = notifications(file);

    assertThat(rendered).containsOnlyKeys("FAILURE", "RETRY", "SUCCESS");
    rendered.forEach(
        (kind, subjectAndText) -> {
          NotificationMessage java =
              NotificationMessage.of(
                  event(RunEvent.Kind.valueOf(kind), dag, taskId, RUN_ID, ERROR, LOG_URL));
          assertThat(subjectAndText.get(0)).as(kind + " subject").isEqualTo(java.subject());
          assertThat(fillIn(subjectAndText.get(1), dag, taskId))
              .as(kind + " text")
              .isEqualTo(java.text());
        });
    assertThat(file)
        .contains("\"on_failure_callback\": notify(\"FAILURE\")")
        .contains("\"on_retry_callback\": notify(\"RETRY\")")
        .contains("on_success_callback=notify(\"SUCCESS\")")
        .contains("\"" + SnsNotifier.EVENT_ATTRIBUTE + "\": event,")
        .contains("\"" + SnsNotifier.DAG_ATTRIBUTE + "\": DAG_ID,")
        .contains("\"" + SnsNotifier.USE_CASE_ATTRIBUTE + "\": \"" + dag.useCase() + "\",");
  }
}
