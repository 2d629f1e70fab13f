package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan run PATH [--dag ID] [--task ID] [--warehouse DIR | --env FILE]}: runs the plan's
 * DAGs in dependency order on an embedded local Spark, printing a line as each task starts and
 * ends, then a summary table. Needs Spark on the class path, which {@code bin/lakeplan} adds; this
 * class only touches Spark types through {@link LocalRun}, after checking that they are there.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the plan on an embedded local Spark (no cluster, no cloud).",
      "Exit 0 when every task succeeded or was skipped, 1 when a task failed."
    })
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(names = "--dag", paramLabel = "ID", description = "Run only this DAG.")
  String dag;

  @Option(
      names = "--task",
      paramLabel = "ID",
      description = "Run only this task (of --dag, or of the one DAG that has it).")
  String task;

  @Option(
      names = "--warehouse",
      paramLabel = "DIR",
      defaultValue = ".lakeplan/warehouse",
      description = "The local Iceberg warehouse (default: ${DEFAULT-VALUE}).")
  Path warehouse;

  @Option(
      names = "--env",
      paramLabel = "FILE",
      description =
          "The environment file (YAML): catalog, watermark store, secret stores (e.g. Glue,"
              + " DynamoDB, Secrets Manager); default: the local warehouse (--warehouse).")
  Path env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Inputs.existing(spec.commandLine(), path);
    Environment environment = env == null ? null : Inputs.environment(spec.commandLine(), env);
    if (!sparkPresent()) {
      throw new IllegalStateException(
          "lakeplan run needs Spark on the class path: start it with bin/lakeplan, which adds"
              + " the Spark runtime (sdk-cli/target/spark-classpath.txt)");
    }
    PrintWriter out = spec.commandLine().getOut();
    return LocalRun.run(path, environment, warehouse, dag, task, out) ? 0 : 1;
  }

  private static boolean sparkPresent() {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, RunCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
