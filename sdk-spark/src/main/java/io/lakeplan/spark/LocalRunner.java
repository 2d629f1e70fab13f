package io.lakeplan.spark;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
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
 * Runs a whole plan on one embedded local Spark session: every DAG in {@code dagsInOrder()}, each
 * DAG's tasks in {@code tasksInOrder()}, logging a progress line per task and a summary table at
 * the end (SLF4J). The run stops at the first failed task; skipped tasks (custom Spark jobs, which
 * the Spark engine does not run yet) do not stop it.
 *
 * <p>{@code lakeplan run} calls {@link #run(Path, Path, Selection, Progress)} and exits with {@code
 * report.succeeded() ? 0 : 1}.
 */
public final class LocalRunner {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  private LocalRunner() {}

  /** One task's outcome in a run. */
  public record Entry(String dagId, String taskId, TaskResult result) {}

  /** The outcome of a run, in execution order. */
  public record Report(List<Entry> entries, int notRun) {
    /** The entries, in the order the tasks ran. */
    public Report {
      entries = List.copyOf(entries);
    }

    /** Whether no task failed (skipped tasks do not count as failures). */
    public boolean succeeded() {
      return notRun == 0
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
      String format = "%-" + width + "s  %-9s  %10s  %6s  %12s  %9s%n";
      StringBuilder table = new StringBuilder();
      table.append(
          String.format(Locale.ROOT, format, "task", "status", "rows", "files", "bytes", "time"));
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
              "total (" + entries.size() + " run, " + notRun + " not run)",
              succeeded() ? "SUCCEEDED" : "FAILED",
              rows,
              files,
              bytes,
              seconds(total)));
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
    /** Task {@code number} of {@code total} is starting. */
    default void started(int number, int total, String dagId, String taskId) {}

    /** Task {@code number} of {@code total} has finished. */
    default void finished(int number, int total, Entry entry) {}

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
        specs, steps, localEngines(LakeplanCatalog.localSession(warehouse), warehouse), progress);
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
          specs, steps, base -> new SparkEngine(spark, base, runtime, Clock.systemUTC()), progress);
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
        specs, select(specs.plan, Selection.all()), localEngines(spark, warehouse), Progress.NONE);
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

  private static Report run(
      Specs specs, List<Step> steps, Function<URI, SparkEngine> engineFor, Progress progress) {
    int total = steps.size();
    List<Entry> entries = new ArrayList<>();
    Map<String, SparkEngine> engines = new HashMap<>();
    for (Step step : steps) {
      Dag dag = step.dag();
      Task task = step.task();
      SparkEngine engine =
          engines.computeIfAbsent(dag.useCase(), name -> engineFor.apply(specs.base(name)));
      progress.started(entries.size() + 1, total, dag.id(), task.id());
      TaskResult result = engine.run(dag, task);
      Entry entry = new Entry(dag.id(), task.id(), result);
      entries.add(entry);
      progress.finished(entries.size(), total, entry);
      LOG.info(
          "[{}/{}] {}/{} {} in {} s — {}",
          entries.size(),
          total,
          dag.id(),
          task.id(),
          result.status(),
          seconds(result.duration()),
          result.summary());
      if (result.status() == TaskResult.Status.FAILED) {
        break;
      }
    }
    Report report = new Report(entries, total - entries.size());
    LOG.info(
        "Run {}:{}{}",
        report.succeeded() ? "succeeded" : "failed",
        System.lineSeparator(),
        report.table());
    return report;
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
