package io.lakeplan.spark;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.env.Environments;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single entry point of the job jar (EMR Serverless, {@code spark-submit}, local runs): loads
 * the use cases, plans them and runs exactly one task.
 *
 * <pre>
 * JobMain --spec PATH --dag ID --task ID [--env FILE] [--warehouse DIR] [--watermarks DIR]
 * </pre>
 *
 * <ul>
 *   <li>{@code --spec}: a use-case file or folder, or a plan JSON ({@code lakeplan plan --format
 *       json}, what the rendered Airflow DAGs pass); a local path or a Hadoop file system URI
 *       ({@code hdfs://}, {@code s3://}). Relative data paths resolve against the folder of the
 *       use-case file (of the plan JSON).
 *   <li>{@code --dag}, {@code --task}: the ids in the plan, e.g. {@code orders.migration} and
 *       {@code orders-history.convert}.
 *   <li>{@code --env}: the environment file ({@link io.lakeplan.env.Environment}), a local path or
 *       a Hadoop file system URI ({@code s3://…}): the catalog (a new session's, e.g. Glue +
 *       S3FileIO), the watermark store (e.g. {@code dynamodb:TABLE}) and the secret stores, from
 *       the runtimes on the class path (the job jar carries the AWS one). Without it, {@code
 *       --warehouse} and {@code --watermarks} apply and secrets come from environment variables.
 *   <li>{@code --warehouse}: the local Hadoop-catalog warehouse used when no Spark session is
 *       active; default {@code ./warehouse}. Ignored when the job runs in a session that already
 *       configures the {@value LakeplanCatalog#NAME} catalog (e.g. Glue on EMR).
 *   <li>{@code --watermarks}: the folder of the file watermark store; default {@code
 *       <warehouse>/.lakeplan/watermarks}.
 * </ul>
 *
 * <p>Prints one summary line to standard output; exit code 0 when the task succeeded, 1 otherwise
 * (failed, skipped, or bad arguments).
 */
public final class JobMain {

  private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

  private JobMain() {}

  /** Runs the task and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(System.out, args));
  }

  /**
   * Runs the task in this JVM's active Spark session (or a new local one) and returns the exit code
   * instead of exiting.
   *
   * @param out where the one-line summary goes
   * @param args the command-line arguments
   * @return 0 when the task succeeded, 1 otherwise
   */
  public static int run(PrintStream out, String... args) {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      out.println("lakeplan job: " + e.getMessage());
      out.println(
          "usage: JobMain --spec PATH --dag ID --task ID [--env FILE] [--warehouse DIR]"
              + " [--watermarks DIR]");
      return 1;
    }
    String dagId = options.get("--dag");
    String taskId = options.get("--task");
    EnvironmentRuntime opened = null;
    try (EnvironmentRuntime runtime =
        options.containsKey("--env") ? EnvironmentRuntime.open(readEnvironment(options)) : null) {
      opened = runtime;
      Path warehouse = Path.of(options.getOrDefault("--warehouse", "warehouse"));
      SparkSession spark =
          SparkSession.getActiveSession()
              .getOrElse(
                  () ->
                      SparkSession.getDefaultSession()
                          .getOrElse(
                              () ->
                                  runtime == null
                                      ? LakeplanCatalog.localSession(warehouse)
                                      : LakeplanCatalog.localSession(runtime.catalogProperties())));
      if (runtime != null) {
        // s3:// landing files: S3A with the environment's SSE-KMS, region and endpoint where the
        // runtime has no s3:// file system of its own (EMR's EMRFS is kept)
        LakeplanCatalog.applyFileSystemDefaults(spark, runtime.fileSystemProperties());
      }
      Specs specs = Specs.load(options.get("--spec"), spark.sparkContext().hadoopConfiguration());
      Dag dag = specs.plan.dag(dagId);
      Task task = dag.task(taskId);
      SparkEngine engine;
      if (runtime != null) {
        // watermarks, secrets and failure descriptions from the environment's runtimes
        engine = new SparkEngine(spark, specs.base(dag.useCase()), runtime, Clock.systemUTC());
      } else {
        WatermarkStore watermarks =
            new FileWatermarkStore(
                options.containsKey("--watermarks")
                    ? Path.of(options.get("--watermarks"))
                    : warehouse.resolve(".lakeplan").resolve("watermarks"));
        engine =
            new SparkEngine(
                spark,
                specs.base(dag.useCase()),
                watermarks,
                SecretResolver.environmentVariables(),
                Clock.systemUTC());
      }
      TaskResult result = engine.run(dag, task);
      out.println(dag.id() + "/" + task.id() + " " + result);
      return result.isSuccess() ? 0 : 1;
    } catch (Exception e) {
      LOG.error("Task {}/{} could not run", dagId, taskId, e);
      String reason =
          opened == null
              ? String.valueOf(e.getMessage())
              : opened.describeFailure(e).orElse(String.valueOf(e.getMessage()));
      out.println(dagId + "/" + taskId + " FAILED — " + reason.replaceAll("\\R", " | "));
      return 1;
    }
  }

  /**
   * The environment file named by --env: a local path or a Hadoop file system URI (s3://…, EMRFS on
   * EMR), read before the session exists with the Hadoop settings of the job's Spark configuration
   * ({@code spark.hadoop.*}, as spark-submit passes them).
   */
  private static Environment readEnvironment(Map<String, String> options) throws IOException {
    String location = options.get("--env");
    if (!location.contains("://")) {
      return Environments.load(Path.of(location));
    }
    org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
    for (scala.Tuple2<String, String> entry : new org.apache.spark.SparkConf().getAll()) {
      if (entry._1().startsWith("spark.hadoop.")) {
        hadoop.set(entry._1().substring("spark.hadoop.".length()), entry._2());
      }
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return Environments.read(location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static Map<String, String> parse(String... args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (!name.equals("--spec")
          && !name.equals("--dag")
          && !name.equals("--task")
          && !name.equals("--env")
          && !name.equals("--warehouse")
          && !name.equals("--watermarks")) {
        throw new IllegalArgumentException("unknown option: " + name);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + name);
      }
      options.put(name, args[i + 1]);
    }
    for (String required : new String[] {"--spec", "--dag", "--task"}) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("missing required option " + required);
      }
    }
    return options;
  }
}
