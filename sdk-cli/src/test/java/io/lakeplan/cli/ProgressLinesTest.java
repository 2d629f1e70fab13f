package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.PlanRun;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Workspace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code lakeplan run} prints about notifications. */
class ProgressLinesTest {

  @Test
  void targetsNoOneWillTell_areNamedOnceBeforeTheFirstTask_withTheReason() {
    Plan orders = Workspace.loadStrict(CliRun.EXAMPLES.resolve("orders")).plan();
    Dag first = orders.dagsInOrder().get(0);
    NotificationTarget slack = NotificationTarget.Slack.of(SecretRef.parse("ssm:/prod/slack"));
    Dag withSlack =
        Dag.builder()
            .from(first)
            .notifications(
                io.lakeplan.model.NotificationPolicy.builder()
                    .from(first.notifications())
                    .addTargets(slack)
                    .build())
            .build();
    Plan plan = Plan.builder().from(orders).dags(java.util.List.of(withSlack)).build();
    Engine succeeding =
        new Engine() {
          @Override
          public String name() {
            return "succeeding";
          }

          @Override
          public TaskResult run(RunContext context, Dag dag, Task task) {
            return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "done");
          }
        };
    StringWriter text = new StringWriter();
    String reason = "the run has no environment";

    PlanRun.builder(plan, succeeding)
        .progress(new ProgressLines(new PrintWriter(text)))
        .notifier(Notifier.unavailable(reason))
        .run();

    String[] lines = text.toString().split("\\R");
    String sns = Notifier.describe(first.notifications().targets().get(0));
    assertThat(lines[0]).isEqualTo("[!] not notified: " + sns + " (" + reason + ")");
    assertThat(lines[1])
        .isEqualTo("[!] not notified: slack webhook ssm:/prod/slack (" + reason + ")");
    assertThat(lines[2]).startsWith("[1/");
  }
}
