package io.lakeplan.run;

import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskFailedException;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a plan's DAGs on an {@link Engine}, the same way for every engine: the DAGs in plan order
 * and each DAG's tasks in dependency order; a failed task tried again after the DAG's retry delay
 * (on the {@link RunClock}) until its retries are used up; a failure blocks only the tasks
 * downstream of it, and — in {@link #runAll()} — only the DAGs downstream of its DAG, while
 * independent ones go on; a DAG that depends on the past does not start while its previous run (by
 * this runner) has not succeeded; and the events its notification policy asks for (failure, retry,
 * success, SLA miss) go to the {@link Notifier}.
 *
 * <p>Not thread-safe: one runner runs one DAG at a time.
 */
public final class DagRunner {

  private static final Logger LOG = LoggerFactory.getLogger(DagRunner.class);

  private final Plan plan;
  private final Engine engine;
  private final RunClock clock;
  private final Notifier notifier;
  private final Listener listener;
  private final Map<String, DagRun> previousRuns = new HashMap<>();

  private DagRunner(Builder builder) {
    this.plan = builder.plan;
    this.engine = builder.engine;
    this.clock = builder.clock;
    this.notifier = builder.notifier;
    this.listener = builder.listener;
  }

  /** A runner of {@code plan}'s DAGs on {@code engine}, on the system clock, telling no one. */
  public static Builder builder(Plan plan, Engine engine) {
    return new Builder(plan, engine);
  }

  /** Hears about each attempt as a run goes: for progress lines. */
  public interface Listener {
    /** Attempt {@code attempt} of {@code task} is starting. */
    default void started(Dag dag, Task task, int attempt) {}

    /** Attempt {@code attempt} of {@code task} ended with {@code result}. */
    default void finished(Dag dag, Task task, int attempt, TaskResult result) {}

    /** {@code task} did not run: {@code result} says why. */
    default void blocked(Dag dag, Task task, TaskResult result) {}

    /** Hears nothing. */
    Listener NONE = new Listener() {};
  }

  /** Builds a {@link DagRunner}. */
  public static final class Builder {
    private final Plan plan;
    private final Engine engine;
    private RunClock clock = RunClock.system();
    private Notifier notifier = Notifier.NONE;
    private Listener listener = Listener.NONE;

    private Builder(Plan plan, Engine engine) {
      this.plan = Objects.requireNonNull(plan, "plan");
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The time the runner runs on (default: the system's). */
    public Builder clock(RunClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where notifications go (default: nowhere). */
    public Builder notifier(Notifier notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    /** Who hears about each attempt (default: no one). */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The runner. */
    public DagRunner build() {
      return new DagRunner(this);
    }
  }

  /**
   * Runs DAG {@code dagId} once, now.
   *
   * @throws IllegalArgumentException naming the known DAGs when the plan has none by that id
   */
  public DagRun run(String dagId) {
    return run(plan.dag(dagId), clock.clock().instant());
  }

  /**
   * Runs every DAG once, now, in plan order; a DAG whose upstream DAG did not succeed is not run.
   */
  public List<DagRun> runAll() {
    return runAll(clock.clock().instant());
  }

  /**
   * Runs every DAG once for {@code logicalTime}, in plan order; a DAG whose upstream DAG did not
   * succeed is not run. The same logical time gives the same run ids.
   */
  public List<DagRun> runAll(Instant logicalTime) {
    Instant now = Objects.requireNonNull(logicalTime, "logicalTime");
    List<DagRun> runs = new ArrayList<>();
    Set<String> failed = new HashSet<>();
    for (Dag dag : plan.dagsInOrder()) {
      List<String> failedUpstream =
          dag.upstream().stream().map(DagDependency::dag).filter(failed::contains).toList();
      DagRun run =
          failedUpstream.isEmpty()
              ? run(dag, now)
              : notStarted(
                  dag,
                  runId(now),
                  now,
                  "upstream DAG " + String.join(", ", failedUpstream) + " failed");
      runs.add(run);
      if (!run.succeeded()) {
        failed.add(dag.id());
      }
    }
    return runs;
  }

  /** Runs {@code dag} once for {@code logicalTime} (a schedule's firing time, or now). */
  public DagRun run(Dag dag, Instant logicalTime) {
    String runId = runId(logicalTime);
    DagRun previous = previousRuns.get(dag.id());
    if (dag.dependsOnPast() && previous != null && !previous.succeeded()) {
      // like Airflow's depends_on_past: no start until the failed run is fixed
      DagRun blocked =
          notStarted(
              dag,
              runId,
              logicalTime,
              "its previous run "
                  + previous.runId()
                  + " did not succeed and it depends on the past (depends-on-past)");
      LOG.warn("{}", blocked);
      return blocked;
    }
    NotificationPolicy policy = policy(dag);
    Instant started = clock.clock().instant();
    Map<String, TaskResult> results = new LinkedHashMap<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    Map<String, String> blockedBy = new HashMap<>();
    RunContext context = new RunContext(runId, logicalTime, clock.clock(), 1);
    for (Task task : dag.tasksInOrder()) {
      String blocker = blockedBy.get(task.id());
      if (blocker != null) {
        TaskResult skipped = TaskResult.skipped("not run: upstream task " + blocker + " failed");
        results.put(task.id(), skipped);
        listener.blocked(dag, task, skipped);
        block(dag, task.id(), blocker, blockedBy);
        continue;
      }
      int maxAttempts = dag.retries() + 1;
      TaskResult result = null;
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        listener.started(dag, task, attempt);
        result = attempt(context.withAttempt(attempt), dag, task);
        attempts.put(task.id(), attempt);
        listener.finished(dag, task, attempt, result);
        if (result.status() != TaskResult.Status.FAILED) {
          break;
        }
        RunContext attempted = context.withAttempt(attempt);
        if (attempt == maxAttempts) {
          if (policy.onFailure()) {
            notifyTask(RunEvent.Kind.FAILURE, attempted, dag, task, result);
          }
        } else {
          if (policy.onRetry()) {
            notifyTask(RunEvent.Kind.RETRY, attempted, dag, task, result);
          }
          if (!waitToRetry(dag)) {
            break;
          }
        }
      }
      results.put(task.id(), result);
      if (result.status() == TaskResult.Status.FAILED) {
        block(dag, task.id(), task.id(), blockedBy);
      }
    }
    DagRun run = new DagRun(dag.id(), runId, logicalTime, results, attempts, null);
    LOG.info("{}", run);
    Duration took = Duration.between(started, clock.clock().instant());
    if (policy.sla() != null && took.compareTo(policy.sla()) > 0 && policy.onSlaMiss()) {
      notifyRun(RunEvent.Kind.SLA_MISS, dag, runId, RunEvent.slaMissed(policy.sla()));
    }
    if (run.succeeded() && policy.onSuccess()) {
      notifyRun(RunEvent.Kind.SUCCESS, dag, runId, RunEvent.RUN_SUCCEEDED);
    }
    previousRuns.put(dag.id(), run);
    return run;
  }

  private TaskResult attempt(RunContext context, Dag dag, Task task) {
    try {
      return engine.run(context, dag, task);
    } catch (TaskFailedException e) {
      // the port says engines return failures; one that throws is taken at its word
      return TaskResult.failed(Duration.ZERO, e.getMessage());
    }
  }

  /** Waits the DAG's retry delay; false when interrupted (the flag stays set: the run ends). */
  private boolean waitToRetry(Dag dag) {
    try {
      clock.sleep(dag.retryDelay() == null ? Duration.ZERO : dag.retryDelay());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static DagRun notStarted(Dag dag, String runId, Instant logicalTime, String why) {
    Map<String, TaskResult> results = new LinkedHashMap<>();
    for (Task task : dag.tasksInOrder()) {
      results.put(task.id(), TaskResult.skipped("not run: " + why));
    }
    return new DagRun(dag.id(), runId, logicalTime, results, Map.of(), why);
  }

  private static void block(Dag dag, String from, String blocker, Map<String, String> blockedBy) {
    for (Edge edge : dag.edges()) {
      if (edge.from().equals(from)) {
        blockedBy.putIfAbsent(edge.to(), blocker);
      }
    }
  }

  /** Tells the notifier about a failed attempt, with where its logs are when the engine knows. */
  private void notifyTask(
      RunEvent.Kind kind, RunContext context, Dag dag, Task task, TaskResult result) {
    notify(
        new RunEvent(
            kind,
            dag.useCase(),
            dag.id(),
            task.id(),
            context.runId(),
            context.attempt(),
            dag.retries() + 1,
            result.summary(),
            engine.logLocation(context, dag, task),
            clock.clock().instant(),
            policy(dag)));
  }

  private void notifyRun(RunEvent.Kind kind, Dag dag, String runId, String message) {
    notify(
        new RunEvent(
            kind,
            dag.useCase(),
            dag.id(),
            null,
            runId,
            0,
            0,
            message,
            null,
            clock.clock().instant(),
            policy(dag)));
  }

  /**
   * A notifier's failure is its own: it never changes the run (the port says it must not throw).
   */
  private void notify(RunEvent event) {
    try {
      notifier.notify(event);
    } catch (RuntimeException e) {
      LOG.warn(
          "Notifier failed for {} {}/{}; the run goes on: {}",
          event.kind(),
          event.dagId(),
          event.taskId() == null ? "-" : event.taskId(),
          e.toString());
    }
  }

  private static NotificationPolicy policy(Dag dag) {
    return dag.notifications() == null ? NotificationPolicy.defaults() : dag.notifications();
  }

  private static String runId(Instant logicalTime) {
    return "run__" + logicalTime;
  }
}
