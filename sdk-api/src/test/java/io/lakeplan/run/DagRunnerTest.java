package io.lakeplan.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.DagKind;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskFailedException;
import io.lakeplan.spi.TaskResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DagRunnerTest {

  private static final Instant START = Instant.parse("2024-05-01T00:00:00Z");

  /** A clock the runner's retry waits move forward. */
  private static final class TestClock implements RunClock {
    private Instant now = START;

    @Override
    public Clock clock() {
      return Clock.fixed(now, ZoneOffset.UTC);
    }

    @Override
    public void sleep(Duration duration) {
      now = now.plus(duration);
    }
  }

  /** Answers each task's attempts from a script: F fails, S succeeds, X throws. */
  private final class ScriptedEngine implements Engine {
    private final Map<String, Deque<Character>> scripts = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private Duration taskTime = Duration.ZERO;

    ScriptedEngine script(String taskId, String outcomes) {
      Deque<Character> queue = new ArrayDeque<>();
      outcomes.chars().forEach(c -> queue.add((char) c));
      scripts.put(taskId, queue);
      return this;
    }

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public String logLocation(RunContext context, Dag dag, Task task) {
      return "logs/" + dag.id() + "/" + task.id() + "#" + context.attempt();
    }

    @Override
    public TaskResult run(RunContext context, Dag dag, Task task) {
      calls.add(dag.id() + "/" + task.id() + "#" + context.attempt() + "@" + context.runId());
      clock.sleep(taskTime);
      Deque<Character> script = scripts.get(task.id());
      char outcome = script == null || script.isEmpty() ? 'S' : script.poll();
      return switch (outcome) {
        case 'F' -> TaskResult.failed(Duration.ZERO, task.id() + " broke");
        case 'X' -> throw new TaskFailedException(task.id() + " refused its input");
        default -> TaskResult.succeeded(1, 1, 1, Duration.ZERO, task.id() + " done");
      };
    }
  }

  private final TestClock clock = new TestClock();
  private final ScriptedEngine engine = new ScriptedEngine();
  private final List<RunEvent> events = new ArrayList<>();

  private static Task task(String id) {
    return Task.of(
        id, TaskSpec.CreateTable.of(TableDefinition.builder().table("raw." + id).build()));
  }

  private static Dag.Builder dag(String id, String... taskIds) {
    Dag.Builder dag =
        Dag.builder()
            .id(id)
            .useCase("orders")
            .specVersion("v1")
            .kind(DagKind.TRANSFORMATION)
            .owner("data-team")
            .notifications(NotificationPolicy.defaults())
            .retryDelay(Duration.ZERO);
    for (String taskId : taskIds) {
      dag.addTasks(task(taskId));
    }
    return dag;
  }

  private DagRunner runner(Dag... dags) {
    Plan plan = Plan.builder().addDags(dags).build();
    return DagRunner.builder(plan, engine).clock(clock).notifier(events::add).build();
  }

  private static NotificationPolicy everything() {
    return NotificationPolicy.builder()
        .onSuccess(true)
        .onRetry(true)
        .onSlaMiss(true)
        .sla(Duration.ofMinutes(30))
        .build();
  }

  @Test
  void aFailedAttempt_isRetriedAfterTheDelayOnTheClock_inTheSameRun() {
    engine.script("a", "FS");
    Dag dag =
        dag("orders.migration", "a")
            .retries(2)
            .retryDelay(Duration.ofMinutes(5))
            .notifications(everything())
            .build();

    DagRun run = runner(dag).run("orders.migration");

    assertThat(run.succeeded()).isTrue();
    assertThat(run.attempts("a")).isEqualTo(2);
    assertThat(engine.calls)
        .containsExactly(
            "orders.migration/a#1@run__2024-05-01T00:00:00Z",
            "orders.migration/a#2@run__2024-05-01T00:00:00Z");
    assertThat(clock.now).isEqualTo(START.plus(Duration.ofMinutes(5)));
    String runId = "run__" + START;
    assertThat(events)
        .extracting(
            RunEvent::kind,
            RunEvent::useCase,
            RunEvent::taskId,
            RunEvent::runId,
            RunEvent::attempt,
            RunEvent::attempts,
            RunEvent::message,
            RunEvent::logLocation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                RunEvent.Kind.RETRY,
                "orders",
                "a",
                runId,
                1,
                3,
                "a broke",
                engine.logLocation(new RunContext(runId, START, clock.clock(), 1), dag, task("a"))),
            org.assertj.core.groups.Tuple.tuple(
                RunEvent.Kind.SUCCESS, "orders", null, runId, 0, 0, RunEvent.RUN_SUCCEEDED, null));
  }

  @Test
  void aNotifierThatThrows_doesNotChangeTheRun() {
    engine.script("a", "F");
    Dag dag = dag("orders.migration", "a", "b").build();
    Plan plan = Plan.builder().addDags(dag).build();
    DagRunner runner =
        DagRunner.builder(plan, engine)
            .clock(clock)
            .notifier(
                event -> {
                  throw new IllegalStateException("the channel is down");
                })
            .build();

    DagRun run = runner.run("orders.migration");

    assertThat(run.failedTasks()).containsExactly("a");
    assertThat(run.result("b").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
  }

  @Test
  void retriesUsedUp_failTheTask_blockOnlyItsDownstream_andNotifyOnce() {
    engine.script("a", "FFF");
    Dag dag =
        dag("orders.migration", "a", "b", "c", "d")
            .addEdges(Edge.of("a", "b"), Edge.of("b", "c"))
            .retries(2)
            .retryDelay(Duration.ofSeconds(30))
            .build();

    DagRun run = runner(dag).run("orders.migration");

    assertThat(run.succeeded()).isFalse();
    assertThat(run.failedTasks()).containsExactly("a");
    assertThat(run.attempts("a")).isEqualTo(3);
    assertThat(run.blockedTasks()).containsExactly("b", "c");
    assertThat(run.result("c").summary()).isEqualTo("not run: upstream task a failed");
    assertThat(run.result("d").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.kind()).isEqualTo(RunEvent.Kind.FAILURE);
              assertThat(event.taskId()).isEqualTo("a");
              assertThat(event.message()).isEqualTo("a broke");
            });
    assertThat(clock.now).isEqualTo(START.plus(Duration.ofMinutes(1)));
  }

  @Test
  void anEngineThatThrowsATaskFailure_failsTheTask() {
    engine.script("a", "X");

    DagRun run = runner(dag("orders.migration", "a").build()).run("orders.migration");

    assertThat(run.result("a").status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(run.result("a").summary()).isEqualTo("a refused its input");
  }

  @Test
  void runAll_aFailedDag_blocksOnlyTheDagsDownstreamOfIt() {
    engine.script("m", "F");
    Dag migration = dag("orders.migration", "m").build();
    DagDependency afterMigration =
        DagDependency.builder()
            .dag("orders.migration")
            .reason(DagDependency.Reason.LINEAGE)
            .build();
    Dag ingestion = dag("orders.ingestion", "i").addUpstream(afterMigration).build();
    Dag maintenance = dag("orders.maintenance", "x").build();

    List<DagRun> runs = runner(migration, ingestion, maintenance).runAll();

    assertThat(runs)
        .extracting(DagRun::dagId, DagRun::succeeded)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("orders.migration", false),
            org.assertj.core.groups.Tuple.tuple("orders.ingestion", false),
            org.assertj.core.groups.Tuple.tuple("orders.maintenance", true));
    DagRun blocked =
        runs.stream().filter(run -> run.dagId().equals("orders.ingestion")).findFirst().get();
    assertThat(blocked.notStarted()).isEqualTo("upstream DAG orders.migration failed");
    assertThat(blocked.result("i").summary())
        .isEqualTo("not run: upstream DAG orders.migration failed");
    assertThat(engine.calls).noneMatch(call -> call.startsWith("orders.ingestion/"));
  }

  @Test
  void dependsOnPast_aDagWhosePreviousRunFailed_doesNotStart_andSaysWhy() {
    engine.script("a", "F");
    Dag strict = dag("orders.processing", "a").dependsOnPast(true).build();
    engine.script("b", "F");
    Dag lenient = dag("orders.ingestion", "b").build();
    DagRunner runner = runner(strict, lenient);
    runner.run("orders.processing");
    runner.run("orders.ingestion");
    clock.sleep(Duration.ofHours(1));

    DagRun second = runner.run("orders.processing");
    DagRun lenientAgain = runner.run("orders.ingestion");

    assertThat(second.succeeded()).isFalse();
    assertThat(second.notStarted())
        .isEqualTo(
            "its previous run run__2024-05-01T00:00:00Z did not succeed and it depends on the past"
                + " (depends-on-past)");
    assertThat(second.attempts("a")).isZero();
    assertThat(lenientAgain.succeeded()).isTrue();
    assertThat(engine.calls)
        .containsExactly(
            "orders.processing/a#1@run__2024-05-01T00:00:00Z",
            "orders.ingestion/b#1@run__2024-05-01T00:00:00Z",
            "orders.ingestion/b#1@run__2024-05-01T01:00:00Z");
  }

  @Test
  void aRunLongerThanItsSla_notifiesTheMiss() {
    engine.taskTime = Duration.ofMinutes(20);
    Dag dag = dag("orders.processing", "a", "b").notifications(everything()).build();

    runner(dag).run("orders.processing");

    assertThat(events)
        .extracting(RunEvent::kind)
        .containsExactly(RunEvent.Kind.SLA_MISS, RunEvent.Kind.SUCCESS);
    assertThat(events.get(0).message())
        .isEqualTo("the run did not complete within its SLA of PT30M");
  }
}
