package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import io.lakeplan.run.PlanRun;
import io.lakeplan.spark.LocalRunner;
import java.io.PrintWriter;
import java.nio.file.Path;

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
    PlanRun.Selection selection = PlanRun.Selection.of(dag, task);
    out.println(
        "Running "
            + spec
            + " on local Spark; "
            + (environment == null
                ? "warehouse " + warehouse.toAbsolutePath()
                : "environment " + environment.name()));
    out.flush();
    ProgressLines progress = new ProgressLines(out);
    PlanRun.Report report =
        environment == null
            ? LocalRunner.run(spec, warehouse, selection, progress)
            : LocalRunner.run(spec, environment, selection, progress);
    progress.report(report);
    return report.succeeded();
  }
}
