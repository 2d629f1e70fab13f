package io.lakeplan.run;

import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a plan's selected tasks through a {@link DagRunner} on an {@link Engine}, with a
 * progress line per attempt, notifications through a {@link Notifier} and a report at the end: what
 * {@code lakeplan run} does for every engine (local Spark, EMR Serverless), so their output cannot
 * drift apart.
 *
 * <pre>{@code
 * PlanRun.Report report =
 *     PlanRun.builder(plan, engine).selection(PlanRun.Selection.dag("orders.ingestion")).run();
 * }</pre>
 */
public final class PlanRun {

  private static final Logger LOG = LoggerFactory.getLogger(PlanRun.class);

  private final Plan plan;
  private final Engine engine;
  private final Selection selection;
  private final Progress progress;
  private final RunClock clock;
  private final Instant logicalTime;
  private final Notifier notifier;

  private PlanRun(Builder builder) {
    this.plan = builder.plan;
    this.engine = builder.engine;
    this.selection = builder.selection;
    this.progress = builder.progress;
    this.clock = builder.clock;
    this.logicalTime = builder.logicalTime;
    this.notifier = builder.notifier;
  }

  /** A run of {@code plan}'s tasks on {@code engine}: every task, now, telling no one. */
  public static Builder builder(Plan plan, Engine engine) {
    return new Builder(plan, engine);
  }

  /** Builds and runs a {@link PlanRun}. */
  public static final class Builder {
    private final Plan plan;
    private final Engine engine;
    private Selection selection = Selection.all();
    private Progress progress = Progress.NONE;
    private RunClock clock = RunClock.system();
    private Instant logicalTime;
    private Notifier notifier = Notifier.NONE;

    private Builder(Plan plan, Engine engine) {
      this.plan = Objects.requireNonNull(plan, "plan");
      this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Which tasks run (default: every task of every DAG). */
    public Builder selection(Selection selection) {
      this.selection = Objects.requireNonNull(selection, "selection");
      return this;
    }

    /** Who hears about each task (default: no one). */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** The time the runner runs on (default: the system's). */
    public Builder clock(RunClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The logical time of every DAG run, from which each run's id is made (default: now). Running
     * the same plan again with the same logical time gives the same run ids, which is how an engine
     * that submits work elsewhere (EMR Serverless) finds the work of an interrupted run again.
     */
    public Builder logicalTime(Instant logicalTime) {
      this.logicalTime = Objects.requireNonNull(logicalTime, "logicalTime");
      return this;
    }

    /**
     * Where the events the DAGs' notification policies ask for go (default: {@link Notifier#NONE}).
     * Before the run, each target of a selected DAG that this notifier cannot reach is said once to
     * {@link Progress#notNotified} and logged, with the reason.
     */
    public Builder notifier(Notifier notifier) {
      this.notifier = Objects.requireNonNull(notifier, "notifier");
      return this;
    }

    /**
     * Runs the selected tasks.
     *
     * @throws IllegalArgumentException when the selection names a DAG or task the plan does not
     *     have (the message lists the known ones)
     */
    public Report run() {
      return new PlanRun(this).execute();
    }
  }

  /**
   * One task's outcome in a run.
   *
   * @param attempts the attempts it took (1 without a retry)
   */
  public record Entry(String dagId, String taskId, TaskResult result, int attempts) {}

  /** A task that did not run, and why (an upstream task or DAG failed). */
  public record NotRun(String dagId, String taskId, String reason) {}

  /** The outcome of a run: the tasks that ran, in execution order, and those that did not. */
  public record Report(List<Entry> entries, List<NotRun> notRun) {
    /** The entries, in the order the tasks ran. */
    public Report {
      entries = List.copyOf(entries);
      notRun = List.copyOf(notRun);
    }

    /** Whether every selected task ran and none failed. */
    public boolean succeeded() {
      return notRun.isEmpty()
          && entries.stream().noneMatch(e -> e.result().status() == TaskResult.Status.FAILED);
    }

    /** The result of task {@code taskId} of DAG {@code dagId}. */
    public TaskResult result(String dagId, String taskId) {
      return entries.stream()
          .filter(e -> e.dagId().equals(dagId) && e.taskId().equals(taskId))
          .map(Entry::result)
          .findFirst()
          .orElseThrow(
              () -> new IllegalArgumentException("No task " + dagId + "/" + taskId + " in run"));
    }

    /** A fixed-width table: task, status, rows, files, bytes, duration; then the totals. */
    public String table() {
      int width = 4;
      for (Entry entry : entries) {
        width = Math.max(width, entry.dagId().length() + entry.taskId().length() + 1);
      }
      String format = "%-" + width + "s  %-9s  %5s  %10s  %6s  %12s  %9s%n";
      StringBuilder table = new StringBuilder();
      table.append(
          String.format(
              Locale.ROOT, format, "task", "status", "tries", "rows", "files", "bytes", "time"));
      long rows = 0;
      long files = 0;
      long bytes = 0;
      Duration total = Duration.ZERO;
      for (Entry entry : entries) {
        TaskResult result = entry.result();
        table.append(
            String.format(
                Locale.ROOT,
                format,
                entry.dagId() + "/" + entry.taskId(),
                result.status(),
                entry.attempts(),
                result.rows(),
                result.files(),
                result.bytes(),
                seconds(result.duration())));
        rows += result.rows();
        files += result.files();
        bytes += result.bytes();
        total = total.plus(result.duration());
      }
      table.append(
          String.format(
              Locale.ROOT,
              format,
              "total (" + entries.size() + " run, " + notRun.size() + " not run)",
              succeeded() ? "SUCCEEDED" : "FAILED",
              "",
              rows,
              files,
              bytes,
              seconds(total)));
      for (NotRun task : notRun) {
        table
            .append("not run: ")
            .append(task.dagId())
            .append('/')
            .append(task.taskId())
            .append(" (")
            .append(task.reason())
            .append(')')
            .append(System.lineSeparator());
      }
      return table.toString();
    }
  }

  /**
   * Which tasks a run executes: every task, the tasks of one DAG, or one task.
   *
   * @param dag the DAG id, or null for every DAG
   * @param task the task id, or null for every task of the selected DAGs
   */
  public record Selection(String dag, String task) {
    /** Every task of every DAG. */
    public static Selection all() {
      return new Selection(null, null);
    }

    /** The tasks of DAG {@code dag}. */
    public static Selection dag(String dag) {
      return new Selection(Objects.requireNonNull(dag, "dag"), null);
    }

    /** Task {@code task}, of DAG {@code dag} or (when null) of whichever DAG has it. */
    public static Selection task(String dag, String task) {
      return new Selection(dag, Objects.requireNonNull(task, "task"));
    }

    /** {@code dag} and {@code task} as a selection; either may be null. */
    public static Selection of(String dag, String task) {
      return task != null ? task(dag, task) : dag != null ? dag(dag) : all();
    }
  }

  /** Hears about each task as a run goes: for a progress display. */
  public interface Progress {
    /** Task {@code number} of {@code total} is starting (its first attempt). */
    default void started(int number, int total, String dagId, String taskId) {}

    /** Task {@code number} of {@code total} has finished (its last attempt). */
    default void finished(int number, int total, Entry entry) {}

    /**
     * An attempt of task {@code number} failed and the task is tried again after {@code delay};
     * {@code failed} is that attempt, {@code of} the attempts the task may take.
     */
    default void retrying(int number, int total, Entry failed, int of, Duration delay) {}

    /** A selected task does not run. */
    default void notRun(NotRun task) {}

    /**
     * Before the run: the DAGs' notification target {@code target} (in words, without secrets) will
     * not be told anything, because {@code reason}.
     */
    default void notNotified(String target, String reason) {}

    /** No progress display. */
    Progress NONE = new Progress() {};
  }

  /**
   * The plan the runner runs for {@code selection}: the selected DAGs whole, or one task of one DAG
   * alone (no edges, no upstream DAGs).
   *
   * @throws IllegalArgumentException when the selection names a DAG or task {@code plan} does not
   *     have, or a task id several DAGs have without naming the DAG (the message lists the known
   *     ones)
   */
  public static Plan select(Plan plan, Selection selection) {
    List<Dag> dags = new ArrayList<>();
    List<Task> tasks = new ArrayList<>();
    for (Dag dag : plan.dagsInOrder()) {
      if (selection.dag() != null && !dag.id().equals(selection.dag())) {
        continue;
      }
      List<Task> chosen =
          dag.tasksInOrder().stream()
              .filter(task -> selection.task() == null || task.id().equals(selection.task()))
              .toList();
      if (!chosen.isEmpty()) {
        dags.add(dag);
        tasks.addAll(chosen);
      }
    }
    if (dags.isEmpty()
        && selection.dag() != null
        && plan.dags().stream().noneMatch(dag -> dag.id().equals(selection.dag()))) {
      throw new IllegalArgumentException(
          "Unknown DAG '"
              + selection.dag()
              + "'; the plan has: "
              + plan.dags().stream().map(Dag::id).collect(Collectors.joining(", ")));
    }
    if (tasks.isEmpty() && selection.task() != null) {
      throw new IllegalArgumentException(
          "Unknown task '"
              + selection.task()
              + "'"
              + (selection.dag() == null ? "" : " in DAG " + selection.dag())
              + "; known tasks: "
              + plan.dags().stream()
                  .filter(dag -> selection.dag() == null || dag.id().equals(selection.dag()))
                  .flatMap(dag -> dag.tasksInOrder().stream().map(t -> dag.id() + "/" + t.id()))
                  .collect(Collectors.joining(", ")));
    }
    if (selection.dag() == null && selection.task() != null && tasks.size() > 1) {
      throw new IllegalArgumentException(
          "Task id '"
              + selection.task()
              + "' is in several DAGs ("
              + dags.stream().map(Dag::id).collect(Collectors.joining(", "))
              + "); name the DAG too");
    }
    if (selection.task() == null) {
      return Plan.builder().from(plan).dags(dags).build();
    }
    Dag alone =
        Dag.builder()
            .from(dags.get(0))
            .tasks(List.of(tasks.get(0)))
            .edges(List.of())
            .upstream(List.of())
            .build();
    return Plan.builder().from(plan).dags(List.of(alone)).build();
  }

  private Report execute() {
    Plan selected = select(plan, selection);
    int total = selected.dags().stream().mapToInt(dag -> dag.tasks().size()).sum();
    List<Entry> entries = new ArrayList<>();
    List<NotRun> notRun = new ArrayList<>();
    Map<String, Integer> numbers = new HashMap<>();
    DagRunner.Listener listener =
        new DagRunner.Listener() {
          private int number(Dag dag, Task task) {
            return numbers.computeIfAbsent(dag.id() + "/" + task.id(), key -> numbers.size() + 1);
          }

          @Override
          public void started(Dag dag, Task task, int attempt) {
            if (attempt == 1) {
              progress.started(number(dag, task), total, dag.id(), task.id());
            }
          }

          @Override
          public void finished(Dag dag, Task task, int attempt, TaskResult result) {
            int number = number(dag, task);
            Entry entry = new Entry(dag.id(), task.id(), result, attempt);
            int attempts = dag.retries() + 1;
            if (result.status() == TaskResult.Status.FAILED && attempt < attempts) {
              progress.retrying(number, total, entry, attempts, dag.retryDelay());
              LOG.info(
                  "[{}/{}] {}/{} attempt {} of {} FAILED, retrying in {} s — {}",
                  number,
                  total,
                  dag.id(),
                  task.id(),
                  attempt,
                  attempts,
                  seconds(dag.retryDelay()),
                  result.summary());
              return;
            }
            entries.add(entry);
            progress.finished(number, total, entry);
            LOG.info(
                "[{}/{}] {}/{} {} in {} s — {}",
                number,
                total,
                dag.id(),
                task.id(),
                result.status(),
                seconds(result.duration()),
                result.summary());
          }

          @Override
          public void blocked(Dag dag, Task task, TaskResult result) {
            NotRun blocked = new NotRun(dag.id(), task.id(), reason(result));
            notRun.add(blocked);
            progress.notRun(blocked);
            LOG.info("{}/{} not run: {}", blocked.dagId(), blocked.taskId(), blocked.reason());
          }
        };
    notNotified(selected);
    DagRunner runner =
        DagRunner.builder(selected, engine)
            .clock(clock)
            .listener(listener)
            .notifier(notifier)
            .build();
    Instant time = logicalTime == null ? clock.clock().instant() : logicalTime;
    for (DagRun run : runner.runAll(time)) {
      if (run.notStarted() != null) {
        for (String task : run.results().keySet()) {
          NotRun skipped = new NotRun(run.dagId(), task, run.notStarted());
          notRun.add(skipped);
          progress.notRun(skipped);
        }
      }
    }
    Report report = new Report(entries, notRun);
    LOG.info(
        "Run on {} {}:{}{}",
        engine.name(),
        report.succeeded() ? "succeeded" : "failed",
        System.lineSeparator(),
        report.table());
    return report;
  }

  /**
   * Says once per target which targets of the selected DAGs (with an event switched on) the
   * notifier cannot reach, and why: a notification is never dropped without a word.
   */
  private void notNotified(Plan selected) {
    Set<NotificationTarget> targets = new LinkedHashSet<>();
    for (Dag dag : selected.dagsInOrder()) {
      NotificationPolicy policy = dag.notifications();
      if (policy != null
          && (policy.onFailure() || policy.onRetry() || policy.onSuccess() || policy.onSlaMiss())) {
        targets.addAll(policy.targets());
      }
    }
    for (NotificationTarget target : targets) {
      String reason = notifier.cannotNotify(target);
      if (reason != null) {
        String described = Notifier.describe(target);
        progress.notNotified(described, reason);
        LOG.warn("Not notified in this run: {} ({})", described, reason);
      }
    }
  }

  /** A blocked task's reason, without the result's "not run: ". */
  private static String reason(TaskResult result) {
    String summary = result.summary();
    return summary.startsWith("not run: ") ? summary.substring("not run: ".length()) : summary;
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
