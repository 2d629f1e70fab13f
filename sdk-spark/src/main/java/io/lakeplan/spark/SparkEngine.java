package io.lakeplan.spark;

import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.spark.internal.CrashPoints;
import io.lakeplan.spark.internal.TaskExecutors;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs plan tasks on a Spark session whose {@value LakeplanCatalog#NAME} catalog is configured (see
 * {@link LakeplanCatalog}). One executor per task kind: create-table, copy, convert, reconcile,
 * record-watermark, JDBC ingestion, Kafka ingestion, merge and maintenance; a team's own Spark job
 * fails, naming where it runs (spark-submit, EMR Serverless). A Kafka ingestion in streaming mode
 * runs until its process is stopped; in micro-batch mode it ingests what is available and returns.
 *
 * <p>Maintenance runs Iceberg's Spark actions: expire-snapshots (older than the retention, keeping
 * the newest {@code retain-last}), remove-old-metadata (the {@code write.metadata.*} properties,
 * whose commit removes the older metadata files), compact ({@code rewrite_data_files}, bin-pack or
 * sort), rewrite-manifests, remove-orphans (with a dry run) and hard-delete: {@code DELETE FROM}
 * the rows older than the retention, expiry of every snapshot but the new current one, then a proof
 * by time travel that no remaining snapshot returns such a row (a tag or branch that retains one
 * fails the task, naming it). Hard delete also has a dry run. Retention cut-offs are "now" from the
 * engine's {@link Clock} minus the task's {@code older-than}.
 *
 * <p>A task never throws for a failure the user can act on — missing input, schema mismatch, table
 * drift, an unsafe identifier, corrupt files: it returns {@link TaskResult.Status#FAILED} with a
 * one-line reason, and its target tables are left as they were. Each task runs under the Spark job
 * group {@code <use case>/<dag>/<task>}, visible in the Spark UI and event logs.
 */
public final class SparkEngine implements Engine {

  private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);

  private final SparkSession spark;
  private final URI base;
  private final WatermarkStore watermarks;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Function<Throwable, Optional<String>> failures;

  /**
   * An engine on the UTC system clock.
   *
   * @param spark the session to run on, with the {@value LakeplanCatalog#NAME} catalog configured
   * @param base the folder relative paths in the use case (source, landing) are resolved against,
   *     normally the folder of the use-case file; any Hadoop file system URI
   * @param watermarks where record-watermark tasks store their watermark
   */
  public SparkEngine(SparkSession spark, URI base, WatermarkStore watermarks) {
    this(spark, base, watermarks, Clock.systemUTC());
  }

  /**
   * An engine whose maintenance tasks compute their retention cut-offs ("older than") from {@code
   * clock}. A fixed clock makes those cut-offs reproducible in tests; production uses {@link
   * Clock#systemUTC()}.
   *
   * @param spark the session to run on, with the {@value LakeplanCatalog#NAME} catalog configured
   * @param base the folder relative paths in the use case (source, landing) are resolved against,
   *     normally the folder of the use-case file; any Hadoop file system URI
   * @param watermarks where record-watermark tasks store their watermark
   * @param clock "now" for retention cut-offs
   */
  public SparkEngine(SparkSession spark, URI base, WatermarkStore watermarks, Clock clock) {
    this(spark, base, watermarks, SecretResolver.environmentVariables(), clock);
  }

  /**
   * An engine that resolves secret references (JDBC and Kafka SASL passwords) with {@code secrets},
   * e.g. an environment's {@link io.lakeplan.env.EnvironmentRuntime#secrets()}: {@code
   * secretsmanager:} and {@code ssm:} on AWS. The other constructors resolve {@code env:}
   * references only.
   *
   * @param spark the session to run on, with the {@value LakeplanCatalog#NAME} catalog configured
   * @param base the folder relative paths in the use case resolve against
   * @param watermarks where record-watermark and ingestion tasks keep their watermark
   * @param secrets resolves secret references when a task runs; values are never logged
   * @param clock "now" for retention cut-offs
   */
  public SparkEngine(
      SparkSession spark,
      URI base,
      WatermarkStore watermarks,
      SecretResolver secrets,
      Clock clock) {
    this(spark, base, watermarks, secrets, clock, failure -> Optional.empty());
  }

  /**
   * An engine whose watermark store and secret resolver are {@code runtime}'s (e.g. DynamoDB and
   * Secrets Manager for an AWS environment), and whose failed tasks are summed up by the runtime's
   * providers when a cloud service caused them: one line naming the resource (a bucket, the Glue
   * catalog, a DynamoDB table) and what to check, instead of the service's raw message.
   *
   * @param spark the session to run on, with the {@value LakeplanCatalog#NAME} catalog configured
   * @param base the folder relative paths in the use case resolve against
   * @param runtime the environment's runtime; the caller closes it after the engine's last task
   * @param clock "now" for retention cut-offs
   */
  public SparkEngine(SparkSession spark, URI base, EnvironmentRuntime runtime, Clock clock) {
    this(
        spark,
        base,
        runtime.watermarks(),
        runtime.secrets(),
        clock,
        failure -> runtime.describeFailure(failure));
  }

  private SparkEngine(
      SparkSession spark,
      URI base,
      WatermarkStore watermarks,
      SecretResolver secrets,
      Clock clock,
      Function<Throwable, Optional<String>> failures) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.base = Objects.requireNonNull(base, "base");
    this.watermarks = Objects.requireNonNull(watermarks, "watermarks");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failures = failures;
  }

  /** {@code Spark}. */
  @Override
  public String name() {
    return "Spark";
  }

  /**
   * Runs one task of {@code dag} as a manual run started now on the engine's clock.
   *
   * @return the result; {@link TaskResult.Status#FAILED} with the reason when the task failed
   *     (unexpected errors are also logged with their stack trace)
   */
  public TaskResult run(Dag dag, Task task) {
    return run(RunContext.startedNow(clock), dag, task);
  }

  /**
   * Runs one task of {@code dag} in {@code context}, whose clock is "now" for retention cut-offs.
   *
   * @return the result; {@link TaskResult.Status#FAILED} with the reason when the task failed
   *     (unexpected errors are also logged with their stack trace)
   */
  @Override
  public TaskResult run(RunContext context, Dag dag, Task task) {
    String group = dag.useCase() + "/" + dag.id() + "/" + task.id();
    spark.sparkContext().setJobGroup(group, group, false);
    CrashPoints.enter(task.id());
    // statements that find "the" session (Iceberg's functions, procedures) must find this one
    scala.Option<SparkSession> previous = SparkSession.getActiveSession();
    SparkSession.setActiveSession(spark);
    long start = System.nanoTime();
    try {
      TaskResult result =
          TaskExecutors.execute(spark, base, watermarks, secrets, context.clock(), task.spec());
      return result.withDuration(Duration.ofNanos(System.nanoTime() - start));
    } catch (Exception e) {
      Duration duration = Duration.ofNanos(System.nanoTime() - start);
      Optional<String> described = failures.apply(e);
      if (described.isPresent()) {
        // a cloud service failed (missing bucket, denied call, wrong endpoint, throttling)
        LOG.warn("Task {} failed: {}", group, described.get(), e);
        return TaskResult.failed(duration, described.get());
      }
      if (TaskExecutors.isExpected(e)) {
        LOG.warn("Task {} failed: {}", group, e.getMessage(), e.getCause());
        return TaskResult.failed(duration, e.getMessage());
      }
      // a defect or an infrastructure error: keep the whole trace in the log
      LOG.error("Task {} failed unexpectedly", group, e);
      return TaskResult.failed(duration, e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      spark.sparkContext().clearJobGroup();
      if (previous.isDefined()) {
        SparkSession.setActiveSession(previous.get());
      } else {
        SparkSession.clearActiveSession();
      }
    }
  }
}
