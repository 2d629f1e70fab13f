package io.lakeplan.aws.notifications;

import io.lakeplan.aws.emr.ManualRunClock;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** DAG runs whose tasks fail or succeed as told, on a manual clock, through a notifier. */
final class NotifyingRuns {
  static final Instant START = Instant.parse("2024-06-01T00:00:00Z");

  private NotifyingRuns() {}

  /** A DAG of use case orders with {@code policy}, one retry and the tasks {@code taskIds}. */
  static Dag dag(String id, NotificationPolicy policy, String... taskIds) {
    Dag.Builder dag =
        Dag.builder()
            .id(id)
            .useCase("orders")
            .specVersion("v1")
            .kind(DagKind.TRANSFORMATION)
            .owner("data-team")
            .notifications(policy)
            .retries(1)
            .retryDelay(Duration.ofMinutes(5));
    for (String taskId : taskIds) {
      dag.addTasks(
          Task.of(
              taskId,
              TaskSpec.CreateTable.of(TableDefinition.builder().table("raw." + taskId).build())));
    }
    return dag.build();
  }

  /** Each task of {@code failing} fails every attempt; the others succeed. */
  static Engine engine(Set<String> failing) {
    return new Engine() {
      @Override
      public String name() {
        return "scripted";
      }

      @Override
      public TaskResult run(RunContext context, Dag dag, Task task) {
        return failing.contains(task.id())
            ? TaskResult.failed(Duration.ofSeconds(1), task.id() + " broke: <no rows> & no luck")
            : TaskResult.succeeded(1, 1, 1, Duration.ofSeconds(1), task.id() + " done");
      }

      @Override
      public String logLocation(RunContext context, Dag dag, Task task) {
        return "s3://acme-logs/" + dag.id() + "/" + task.id() + "/attempt-" + context.attempt();
      }
    };
  }

  /**
   * Runs {@code dag} once through {@code notifier}; the events it was given are added to {@code
   * seen}.
   */
  static DagRun run(Dag dag, Set<String> failing, Notifier notifier, List<RunEvent> seen) {
    Notifier recording =
        new Notifier() {
          @Override
          public void notify(RunEvent event) {
            seen.add(event);
            notifier.notify(event);
          }
        };
    return DagRunner.builder(Plan.builder().addDags(dag).build(), engine(failing))
        .clock(new ManualRunClock(START))
        .notifier(recording)
        .build()
        .run(dag.id());
  }

  /** A list to collect events in. */
  static List<RunEvent> events() {
    return new ArrayList<>();
  }
}
