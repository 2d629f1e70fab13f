package io.lakeplan.spark;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole plan on one embedded local Spark session through Lakeplan's {@link DagRunner}, as
 * the testkit runs it in memory: the DAGs in plan order, each DAG's tasks in dependency order, a
 * failed task retried as often as its DAG says after its retry delay, a failure blocking only what
 * is downstream of it (tasks, then DAGs) while independent tasks and DAGs go on; a progress line
 * per attempt and a summary table at the end (SLF4J). A team's own Spark job, which the Spark
 * engine does not run, fails naming where it runs: leave it out with a selection.
 *
 * <p>{@code lakeplan run} calls {@link #run(Path, Path, Selection, Progress)} and exits with {@code
 * report.succeeded() ? 0 : 1}.
 */
public final class LocalRunner {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  private LocalRunner() {}

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

    /** No progress display. */
    Progress NONE = new Progress() {};
  }

  /**
   * Runs every task of the use cases under {@code spec} on a new local Spark session ({@code
   * local[2]}) with a Hadoop Iceberg catalog in {@code warehouse}; watermarks go to {@code
   * <warehouse>/.lakeplan/watermarks}. If this JVM already has a Spark session, that one is used as
   * it is.
   *
   * @param spec a use-case file or a folder of them; relative data paths in a use case resolve
   *     against the folder of its file
   * @param warehouse the local warehouse folder, created if missing
   * @return the report; check {@link Report#succeeded()}
   * @throws io.lakeplan.validation.ValidationException when any use case has a problem
   */
  public static Report run(Path spec, Path warehouse) {
    return run(spec, warehouse, Selection.all(), Progress.NONE);
  }

  /**
   * Like {@link #run(Path, Path)}, for the selected tasks only, telling {@code progress} about each
   * task. The use cases are validated and planned before Spark starts.
   *
   * @throws IllegalArgumentException when the selection names a DAG or task the plan does not have
   *     (the message lists the known ones)
   */
  public static Report run(Path spec, Path warehouse, Selection selection, Progress progress) {
    Specs specs = Specs.loadLocal(spec);
    List<Step> steps = select(specs.plan, selection);
    return run(
        specs,
        steps,
        selection,
        localEngines(LakeplanCatalog.localSession(warehouse), warehouse),
        progress);
  }

  /** Engines on {@code spark} with the warehouse's file watermarks and {@code env:} secrets. */
  private static Function<URI, SparkEngine> localEngines(SparkSession spark, Path warehouse) {
    WatermarkStore watermarks = fileStore(warehouse);
    SecretResolver secrets = SecretResolver.environmentVariables();
    return base -> new SparkEngine(spark, base, watermarks, secrets, Clock.systemUTC());
  }

  /**
   * Like {@link #run(Path, Path, Selection, Progress)} in {@code environment}: its catalog (a new
   * local session's, e.g. Glue + S3FileIO), its object store settings ({@code s3://} through S3A
   * with the environment's region, endpoint and KMS key), its watermark store and its secret
   * stores, from the runtimes on the class path (sdk-aws for AWS), as {@code JobMain} runs a task.
   * A task that a cloud service failed is summed up on one line by those runtimes (the resource and
   * what to check).
   *
   * @throws IllegalStateException naming the missing runtime when the environment needs one that is
   *     not on the class path
   */
  public static Report run(
      Path spec, Environment environment, Selection selection, Progress progress) {
    Specs specs = Specs.loadLocal(spec);
    List<Step> steps = select(specs.plan, selection);
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      SparkSession spark = LakeplanCatalog.localSession(runtime.catalogProperties());
      LakeplanCatalog.applyFileSystemDefaults(spark, runtime.fileSystemProperties());
      return run(
          specs,
          steps,
          selection,
          base -> new SparkEngine(spark, base, runtime, Clock.systemUTC()),
          progress);
    }
  }

  private static WatermarkStore fileStore(Path warehouse) {
    return new FileWatermarkStore(warehouse.resolve(".lakeplan").resolve("watermarks"));
  }

  /**
   * Like {@link #run(Path, Path)} on the given session, whose {@value LakeplanCatalog#NAME} catalog
   * must already be configured (see {@link LakeplanCatalog}).
   */
  public static Report run(Path spec, Path warehouse, SparkSession spark) {
    Objects.requireNonNull(spark, "spark");
    Specs specs = Specs.loadLocal(spec);
    return run(
        specs,
        select(specs.plan, Selection.all()),
        Selection.all(),
        localEngines(spark, warehouse),
        Progress.NONE);
  }

  private record Step(Dag dag, Task task) {}

  private static List<Step> select(Plan plan, Selection selection) {
    List<Step> steps = new ArrayList<>();
    for (Dag dag : plan.dagsInOrder()) {
      if (selection.dag() != null && !dag.id().equals(selection.dag())) {
        continue;
      }
      for (Task task : dag.tasksInOrder()) {
        if (selection.task() == null || task.id().equals(selection.task())) {
          steps.add(new Step(dag, task));
        }
      }
    }
    if (steps.isEmpty()
        && selection.dag() != null
        && plan.dags().stream().noneMatch(dag -> dag.id().equals(selection.dag()))) {
      throw new IllegalArgumentException(
          "Unknown DAG '"
              + selection.dag()
              + "'; the plan has: "
              + plan.dags().stream().map(Dag::id).collect(Collectors.joining(", ")));
    }
    if (steps.isEmpty() && selection.task() != null) {
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
    if (selection.dag() == null && selection.task() != null && steps.size() > 1) {
      throw new IllegalArgumentException(
          "Task id '"
              + selection.task()
              + "' is in several DAGs ("
              + steps.stream().map(step -> step.dag().id()).collect(Collectors.joining(", "))
              + "); name the DAG too");
    }
    return steps;
  }

  /** The selected steps as the plan the runner runs: whole DAGs, or one task of one DAG. */
  private static Plan selected(Plan plan, List<Step> steps, Selection selection) {
    if (selection.task() == null) {
      List<Dag> dags = new ArrayList<>();
      steps.stream().map(Step::dag).distinct().forEach(dags::add);
      return Plan.builder().from(plan).dags(dags).build();
    }
    Step step = steps.get(0);
    Dag alone =
        Dag.builder()
            .from(step.dag())
            .tasks(List.of(step.task()))
            .edges(List.of())
            .upstream(List.of())
            .build();
    return Plan.builder().from(plan).dags(List.of(alone)).build();
  }

  private static Report run(
      Specs specs,
      List<Step> steps,
      Selection selection,
      Function<URI, SparkEngine> engineFor,
      Progress progress) {
    Plan plan = selected(specs.plan, steps, selection);
    return run(specs, plan, steps.size(), engineFor, progress);
  }

  private static Report run(
      Specs specs, Plan plan, int total, Function<URI, SparkEngine> engineFor, Progress progress) {
    Map<String, SparkEngine> engines = new HashMap<>();
    Engine engine =
        new Engine() {
          @Override
          public String name() {
            return "Spark";
          }

          @Override
          public TaskResult run(RunContext context, Dag dag, Task task) {
            return engines
                .computeIfAbsent(dag.useCase(), name -> engineFor.apply(specs.base(name)))
                .run(context, dag, task);
          }
        };
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
            notRun(new NotRun(dag.id(), task.id(), reason(result)));
          }

          private void notRun(NotRun task) {
            notRun.add(task);
            progress.notRun(task);
            LOG.info("{}/{} not run: {}", task.dagId(), task.taskId(), task.reason());
          }
        };
    DagRunner runner = DagRunner.builder(plan, engine).listener(listener).build();
    for (DagRun run : runner.runAll()) {
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
        "Run {}:{}{}",
        report.succeeded() ? "succeeded" : "failed",
        System.lineSeparator(),
        report.table());
    return report;
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
