package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import io.lakeplan.spark.LocalRunner;
import io.lakeplan.spi.TaskResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The Spark side of {@link RunCommand}, in its own class so that the CLI loads Spark types only
 * when a run starts.
 */
final class LocalRun {
  private LocalRun() {}

  /** Runs the selected tasks, printing progress and the summary table; whether all succeeded. */
  static boolean run(
      Path spec,
      Environment environment,
      Path warehouse,
      String dag,
      String task,
      PrintWriter out) {
    LocalRunner.Selection selection =
        task != null
            ? LocalRunner.Selection.task(dag, task)
            : dag != null ? LocalRunner.Selection.dag(dag) : LocalRunner.Selection.all();
    out.println(
        "Running "
            + spec
            + " on local Spark; "
            + (environment == null
                ? "warehouse " + warehouse.toAbsolutePath()
                : "environment " + environment.name()));
    out.flush();
    LocalRunner.Progress progress =
        new LocalRunner.Progress() {
          @Override
          public void started(int number, int total, String dagId, String taskId) {
            out.printf(Locale.ROOT, "[%d/%d] %s/%s ...%n", number, total, dagId, taskId);
            out.flush();
          }

          @Override
          public void finished(int number, int total, LocalRunner.Entry entry) {
            TaskResult result = entry.result();
            out.printf(
                Locale.ROOT,
                "[%d/%d] %s/%s %s%s in %.1f s — %s%n",
                number,
                total,
                entry.dagId(),
                entry.taskId(),
                result.status(),
                entry.attempts() > 1 ? " (attempt " + entry.attempts() + ")" : "",
                result.duration().toMillis() / 1000.0,
                result.summary());
            out.flush();
          }

          @Override
          public void retrying(
              int number, int total, LocalRunner.Entry failed, int of, Duration delay) {
            out.printf(
                Locale.ROOT,
                "[%d/%d] %s/%s attempt %d of %d FAILED, retrying in %.0f s — %s%n",
                number,
                total,
                failed.dagId(),
                failed.taskId(),
                failed.attempts(),
                of,
                delay.toMillis() / 1000.0,
                failed.result().summary());
            out.flush();
          }

          @Override
          public void notRun(LocalRunner.NotRun task) {
            out.printf(
                Locale.ROOT, "[-] %s/%s not run: %s%n", task.dagId(), task.taskId(), task.reason());
            out.flush();
          }
        };
    LocalRunner.Report report =
        environment == null
            ? LocalRunner.run(spec, warehouse, selection, progress)
            : LocalRunner.run(spec, environment, selection, progress);
    out.println();
    out.print(report.table());
    out.flush();
    return report.succeeded();
  }
}
