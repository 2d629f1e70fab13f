package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import io.lakeplan.run.PlanRun;
import io.lakeplan.spark.LocalRunner;
import io.lakeplan.spark.SparkCluster;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The Spark side of {@link RunCommand}, in its own class so that the CLI loads Spark types only
 * when a run starts.
 */
final class LocalRun {
  private LocalRun() {}

  /**
   * Runs the selected tasks on the Spark standalone cluster at {@code master}, whose executors get
   * {@code jars}, printing progress and the summary table; whether all succeeded.
   */
  static boolean runOnCluster(
      Path spec,
      Environment environment,
      Path warehouse,
      String dag,
      String task,
      String master,
      List<Path> jars,
      PrintWriter out) {
    SparkCluster cluster = new SparkCluster(master, jars);
    return run(
        spec,
        environment,
        warehouse,
        "the Spark cluster " + master,
        out,
        (selection, progress) ->
            environment == null
                ? LocalRunner.runOn(cluster, spec, warehouse.toAbsolutePath(), selection, progress)
                : LocalRunner.runOn(cluster, spec, environment, selection, progress),
        PlanRun.Selection.of(dag, task));
  }

  /** Runs the selected tasks, printing progress and the summary table; whether all succeeded. */
  static boolean run(
      Path spec,
      Environment environment,
      Path warehouse,
      String dag,
      String task,
      PrintWriter out) {
    return run(
        spec,
        environment,
        warehouse,
        "local Spark",
        out,
        (selection, progress) ->
            environment == null
                ? LocalRunner.run(spec, warehouse, selection, progress)
                : LocalRunner.run(spec, environment, selection, progress),
        PlanRun.Selection.of(dag, task));
  }

  private static boolean run(
      Path spec,
      Environment environment,
      Path warehouse,
      String where,
      PrintWriter out,
      BiFunction<PlanRun.Selection, ProgressLines, PlanRun.Report> runner,
      PlanRun.Selection selection) {
    out.println(
        "Running "
            + spec
            + " on "
            + where
            + "; "
            + (environment == null
                ? "warehouse " + warehouse.toAbsolutePath()
                : "environment " + environment.name()));
    out.flush();
    ProgressLines progress = new ProgressLines(out);
    PlanRun.Report report = runner.apply(selection, progress);
    progress.report(report);
    return report.succeeded();
  }
}
