package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan run PATH [--dag ID] [--task ID] [--warehouse DIR | --env FILE] [--on local |
 * emr-serverless [--logical-time INSTANT]]}: runs the plan's DAGs in dependency order, printing a
 * line as each task starts and ends, then a summary table. {@code --on local} (the default) runs
 * them on an embedded local Spark, which {@code bin/lakeplan} puts on the class path (this class
 * only touches Spark types through {@link LocalRun}, after checking that they are there); {@code
 * --on emr-serverless} runs each Spark task as an EMR Serverless job run of the environment's
 * application ({@link EmrServerlessRun}) and needs no Spark here. With {@code --env}, the DAGs'
 * notifications go to the environment's channels; without it, a line before the run names each
 * notification target that will not be told, and why.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the plan on an embedded local Spark (no cluster, no cloud), or with --on"
          + " emr-serverless as EMR Serverless job runs.",
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
              + " DynamoDB, Secrets Manager), notification channels (SNS, e-mail topic, Slack"
              + " webhooks); default: the local warehouse (--warehouse), which notifies no one.")
  Path env;

  @Option(
      names = "--on",
      paramLabel = "WHERE",
      defaultValue = LOCAL,
      description =
          "Where the tasks run: "
              + LOCAL
              + " (an embedded Spark, the default) or "
              + EMR_SERVERLESS
              + " (each Spark task an EMR Serverless job run of the job jar, with the"
              + " application, role, jar and locations of --env's airflow settings).")
  String on;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Run on an existing Spark standalone cluster, spark://host:port: the driver here, the"
              + " tasks' Spark jobs on its executors, which get the job jar (--job-jar). Its"
              + " workers must see the warehouse and data folders (or use --env with S3 or HDFS).")
  String master;

  @Option(
      names = "--job-jar",
      paramLabel = "FILE",
      description =
          "With --master: the Lakeplan job jar the executors get (default: the one bin/lakeplan"
              + " builds, sdk-spark/target/sdk-spark-<version>-job.jar).")
  Path jobJar;

  @Option(
      names = "--logical-time",
      paramLabel = "INSTANT",
      description =
          "With --on "
              + EMR_SERVERLESS
              + ": the time the DAG runs stand for (default: now), e.g. 2024-06-01T00:00:00Z."
              + " Run again with the time an interrupted run printed to find its job runs again"
              + " instead of starting new ones.")
  Instant logicalTime;

  static final String LOCAL = "local";
  static final String EMR_SERVERLESS = "emr-serverless";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Inputs.existing(spec.commandLine(), path);
    if (master != null && EMR_SERVERLESS.equals(on)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--master applies to local runs, not to --on " + EMR_SERVERLESS);
    }
    if (EMR_SERVERLESS.equals(on)) {
      if (env == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--on "
                + EMR_SERVERLESS
                + " needs --env FILE: the environment names the EMR Serverless application,"
                + " execution role, job jar, plan and log locations (its airflow settings)");
      }
      Environment environment = Inputs.environment(spec.commandLine(), env);
      PrintWriter out = spec.commandLine().getOut();
      Instant time = logicalTime == null ? Instant.now() : logicalTime;
      return EmrServerlessRun.run(path, environment, dag, task, time, out) ? 0 : 1;
    }
    if (!LOCAL.equals(on)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Unknown --on '" + on + "' (write " + LOCAL + " or " + EMR_SERVERLESS + ")");
    }
    if (logicalTime != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--logical-time applies to --on " + EMR_SERVERLESS + " only");
    }
    Environment environment = env == null ? null : Inputs.environment(spec.commandLine(), env);
    if (!sparkPresent()) {
      throw new IllegalStateException(
          "lakeplan run needs Spark on the class path: start it with bin/lakeplan, which adds"
              + " the Spark runtime (sdk-cli/target/spark-classpath.txt)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (master != null) {
      return LocalRun.runOnCluster(
              path, environment, warehouse, dag, task, master, clusterJars(), out)
          ? 0
          : 1;
    }
    return LocalRun.run(path, environment, warehouse, dag, task, out) ? 0 : 1;
  }

  /**
   * What the executors of a --master run get: the job jar, the PostgreSQL driver this command
   * carries (JDBC ingestion reads on the executors) and the jars of {@code LAKEPLAN_CLASSPATH}
   * (another JDBC driver, say).
   */
  private List<Path> clusterJars() {
    Path job = jobJar;
    if (job == null) {
      String built = System.getProperty(JOB_JAR_PROPERTY);
      if (built == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--master needs the job jar the executors get: give --job-jar FILE (bin/lakeplan"
                + " builds sdk-spark/target/sdk-spark-<version>-job.jar and passes it)");
      }
      job = Path.of(built);
    }
    if (!Files.isRegularFile(job)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Job jar "
              + job
              + " does not exist: build it with ./mvnw -pl sdk-spark -am package -DskipTests, or"
              + " fix --job-jar");
    }
    List<Path> jars = new ArrayList<>();
    jars.add(job);
    jarOf("org.postgresql.Driver").ifPresent(jars::add);
    String extra = System.getenv("LAKEPLAN_CLASSPATH");
    if (extra != null) {
      for (String entry : extra.split(java.io.File.pathSeparator)) {
        if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
          jars.add(Path.of(entry));
        }
      }
    }
    return jars;
  }

  /** The jar file {@code className} is loaded from, when it is on the class path in one. */
  private static Optional<Path> jarOf(String className) {
    try {
      var source =
          Class.forName(className, false, RunCommand.class.getClassLoader())
              .getProtectionDomain()
              .getCodeSource();
      if (source == null || !source.getLocation().getPath().endsWith(".jar")) {
        return Optional.empty();
      }
      return Optional.of(Path.of(source.getLocation().toURI()));
    } catch (ClassNotFoundException | java.net.URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** The system property bin/lakeplan sets to the job jar it built. */
  static final String JOB_JAR_PROPERTY = "lakeplan.job-jar";

  private static boolean sparkPresent() {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, RunCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
