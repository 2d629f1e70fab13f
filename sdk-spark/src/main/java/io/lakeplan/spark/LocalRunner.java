package io.lakeplan.spark;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.run.DagRunner;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.PlanRun;
import io.lakeplan.run.PlanRun.Progress;
import io.lakeplan.run.PlanRun.Report;
import io.lakeplan.run.PlanRun.Selection;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a whole plan on one embedded local Spark session through Lakeplan's {@link DagRunner}, as
 * the testkit runs it in memory: the DAGs in plan order, each DAG's tasks in dependency order, a
 * failed task retried as often as its DAG says after its retry delay, a failure blocking only what
 * is downstream of it (tasks, then DAGs) while independent tasks and DAGs go on; a progress line
 * per attempt and a summary table at the end ({@link PlanRun}, which every engine's run shares). A
 * team's own Spark job, which the Spark engine does not run, fails naming where it runs: leave it
 * out with a selection.
 *
 * <p>{@code lakeplan run} calls {@link #run(Path, Path, Selection, Progress)} and exits with {@code
 * report.succeeded() ? 0 : 1}.
 */
public final class LocalRunner {

  private LocalRunner() {}

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
   * task. The use cases are validated and planned before Spark starts. Without an environment no
   * one is notified: the run tells {@code progress} so for each notification target ({@link
   * Progress#notNotified}) before it starts.
   *
   * @throws IllegalArgumentException when the selection names a DAG or task the plan does not have
   *     (the message lists the known ones)
   */
  public static Report run(Path spec, Path warehouse, Selection selection, Progress progress) {
    Specs specs = Specs.loadLocal(spec);
    PlanRun.select(specs.plan, selection); // an unknown DAG or task fails before Spark starts
    return run(
        specs,
        selection,
        localEngines(LakeplanCatalog.localSession(warehouse), warehouse),
        progress,
        NO_ENVIRONMENT);
  }

  /**
   * Like {@link #run(Path, Path, Selection, Progress)} on an existing Spark standalone cluster
   * ({@code lakeplan run --master spark://host:port}): the driver and the watermark store stay in
   * this JVM, the tasks' Spark jobs run on the cluster's executors, which get the cluster's jars
   * (the job jar). The warehouse folder must be one the workers see at the same path.
   *
   * @throws IllegalStateException when the master cannot be reached (nothing has run then)
   */
  public static Report runOn(
      SparkCluster cluster, Path spec, Path warehouse, Selection selection, Progress progress) {
    Specs specs = Specs.loadLocal(spec);
    PlanRun.select(specs.plan, selection);
    SparkSession spark = LakeplanCatalog.clusterSession(cluster, LakeplanCatalog.hadoop(warehouse));
    return run(specs, selection, localEngines(spark, warehouse), progress, NO_ENVIRONMENT);
  }

  /**
   * The notifier of a run without an environment: it tells no one, and the run says so for each
   * notification target before it starts.
   */
  private static final Notifier NO_ENVIRONMENT =
      Notifier.unavailable(
          "the run has no environment (lakeplan run --env FILE): notifications need its region,"
              + " e-mail topic and secret stores");

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
   * stores, from the runtimes on the class path (sdk-aws for AWS), as {@code JobMain} runs a task;
   * the DAGs' notifications go to the environment's channels ({@link
   * EnvironmentRuntime#notifier()}: SNS, e-mail through SNS, Slack). A task that a cloud service
   * failed is summed up on one line by those runtimes (the resource and what to check).
   *
   * @throws IllegalStateException naming the missing runtime when the environment needs one that is
   *     not on the class path
   */
  public static Report run(
      Path spec, Environment environment, Selection selection, Progress progress) {
    return run(spec, environment, selection, progress, null);
  }

  /**
   * Like {@link #run(Path, Environment, Selection, Progress)} on an existing Spark standalone
   * cluster, as {@link #runOn(SparkCluster, Path, Path, Selection, Progress)}: the environment's
   * catalog, file system settings, watermark store and secret stores, with the driver in this JVM.
   */
  public static Report runOn(
      SparkCluster cluster,
      Path spec,
      Environment environment,
      Selection selection,
      Progress progress) {
    return run(spec, environment, selection, progress, Objects.requireNonNull(cluster, "cluster"));
  }

  private static Report run(
      Path spec,
      Environment environment,
      Selection selection,
      Progress progress,
      SparkCluster cluster) {
    Specs specs = Specs.loadLocal(spec);
    PlanRun.select(specs.plan, selection); // an unknown DAG or task fails before Spark starts
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      SparkSession spark =
          cluster == null
              ? LakeplanCatalog.localSession(runtime.catalogProperties())
              : LakeplanCatalog.clusterSession(cluster, runtime.catalogProperties());
      LakeplanCatalog.applyFileSystemDefaults(spark, runtime.fileSystemProperties());
      return run(
          specs,
          selection,
          base -> new SparkEngine(spark, base, runtime, Clock.systemUTC()),
          progress,
          runtime.notifier());
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
        specs, Selection.all(), localEngines(spark, warehouse), Progress.NONE, NO_ENVIRONMENT);
  }

  private static Report run(
      Specs specs,
      Selection selection,
      Function<URI, SparkEngine> engineFor,
      Progress progress,
      Notifier notifier) {
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
    return PlanRun.builder(specs.plan, engine)
        .selection(selection)
        .progress(progress)
        .notifier(notifier)
        .run();
  }
}
