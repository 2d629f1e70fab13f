package io.lakeplan.spark;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole plan on one embedded local Spark session: every DAG in {@code dagsInOrder()}, each
 * DAG's tasks in {@code tasksInOrder()}, logging a progress line per task and a summary table at
 * the end (SLF4J). The run stops at the first failed task; skipped tasks (kinds the Spark engine
 * does not run yet: ingestion, maintenance, custom jobs) do not stop it.
 *
 * <p>From the CLI: {@code LocalRunner.Report report = LocalRunner.run(specPath, warehousePath);}
 * then exit with {@code report.succeeded() ? 0 : 1}.
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
    return run(spec, warehouse, LakeplanCatalog.localSession(warehouse));
  }

  /**
   * Like {@link #run(Path, Path)} on the given session, whose {@value LakeplanCatalog#NAME} catalog
   * must already be configured (see {@link LakeplanCatalog}).
   */
  public static Report run(Path spec, Path warehouse, SparkSession spark) {
    Objects.requireNonNull(spark, "spark");
    Specs specs = Specs.loadLocal(spec);
    FileWatermarkStore watermarks =
        new FileWatermarkStore(warehouse.resolve(".lakeplan").resolve("watermarks"));
    List<Dag> dags = specs.plan.dagsInOrder();
    int total = dags.stream().mapToInt(dag -> dag.tasks().size()).sum();
    List<Entry> entries = new ArrayList<>();
    boolean failed = false;
    for (Dag dag : dags) {
      SparkEngine engine = new SparkEngine(spark, specs.base(dag.useCase()), watermarks);
      for (Task task : dag.tasksInOrder()) {
        if (failed) {
          break;
        }
        TaskResult result = engine.run(dag, task);
        entries.add(new Entry(dag.id(), task.id(), result));
        LOG.info(
            "[{}/{}] {}/{} {} in {} s — {}",
            entries.size(),
            total,
            dag.id(),
            task.id(),
            result.status(),
            seconds(result.duration()),
            result.summary());
        failed = result.status() == TaskResult.Status.FAILED;
      }
    }
    Report report = new Report(entries, total - entries.size());
    LOG.info(
        "Run of {} {}:{}{}",
        spec,
        report.succeeded() ? "succeeded" : "failed",
        System.lineSeparator(),
        report.table());
    return report;
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
  }
}
