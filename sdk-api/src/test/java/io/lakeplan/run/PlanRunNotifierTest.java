package io.lakeplan.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.DagKind;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanRunNotifierTest {
  private static final NotificationTarget SNS =
      NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:alerts");
  private static final NotificationTarget SLACK =
      NotificationTarget.Slack.of(SecretRef.parse("secretsmanager:prod/slack"));

  private static final Engine FAILING =
      new Engine() {
        @Override
        public String name() {
          return "failing";
        }

        @Override
        public TaskResult run(RunContext context, Dag dag, Task task) {
          return TaskResult.failed(Duration.ZERO, task.id() + " broke");
        }
      };

  private static Dag dag(String id, NotificationPolicy policy) {
    return Dag.builder()
        .id(id)
        .useCase("orders")
        .specVersion("v1")
        .kind(DagKind.TRANSFORMATION)
        .owner("data-team")
        .notifications(policy)
        .retryDelay(Duration.ZERO)
        .addTasks(
            Task.of("a", TaskSpec.CreateTable.of(TableDefinition.builder().table("raw.a").build())))
        .build();
  }

  /** Records the targets it is told are not notified. */
  private static final class Recorder implements PlanRun.Progress {
    final List<String> notNotified = new ArrayList<>();

    @Override
    public void notNotified(String target, String reason) {
      notNotified.add(target + " — " + reason);
    }
  }

  @Test
  void targetsTheNotifierCannotReach_areSaidOnceBeforeTheRun_withTheReason() {
    NotificationPolicy policy = NotificationPolicy.builder().addTargets(SNS, SLACK).build();
    Plan plan =
        Plan.builder().addDags(dag("orders.one", policy), dag("orders.two", policy)).build();
    Recorder progress = new Recorder();
    String reason = "no environment: give the run one (--env FILE)";

    PlanRun.builder(plan, FAILING).progress(progress).notifier(Notifier.unavailable(reason)).run();

    assertThat(progress.notNotified)
        .containsExactly(
            Notifier.describe(SNS) + " — " + reason, Notifier.describe(SLACK) + " — " + reason);
  }

  @Test
  void aPolicyWithEveryEventOff_asksNothing_andTheNotifierHearsWhatThePolicyWants() {
    NotificationPolicy silent =
        NotificationPolicy.builder().onFailure(false).addTargets(SNS).build();
    NotificationPolicy failures = NotificationPolicy.builder().addTargets(SLACK).build();
    Plan plan =
        Plan.builder().addDags(dag("orders.one", silent), dag("orders.two", failures)).build();
    Recorder progress = new Recorder();
    List<RunEvent> events = new ArrayList<>();
    Notifier notifier =
        new Notifier() {
          @Override
          public void notify(RunEvent event) {
            events.add(event);
          }

          @Override
          public String cannotNotify(NotificationTarget target) {
            return target == SNS ? "asked about a target of a silent policy" : null;
          }
        };

    PlanRun.builder(plan, FAILING).progress(progress).notifier(notifier).run();

    assertThat(progress.notNotified).isEmpty();
    assertThat(events)
        .extracting(RunEvent::dagId, RunEvent::kind, RunEvent::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("orders.two", RunEvent.Kind.FAILURE, "a broke"));
  }
}
