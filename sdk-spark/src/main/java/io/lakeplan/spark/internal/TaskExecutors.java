package io.lakeplan.spark.internal;

import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.net.URI;
import java.time.Clock;
import org.apache.spark.sql.SparkSession;

/**
 * Dispatches a task to the executor of its kind. Internal: use {@code
 * io.lakeplan.spark.SparkEngine}.
 */
public final class TaskExecutors {

  private TaskExecutors() {}

  /**
   * {@link #execute(SparkSession, URI, WatermarkStore, Clock, TaskSpec)} on the UTC system clock.
   */
  public static TaskResult execute(
      SparkSession spark, URI base, WatermarkStore watermarks, TaskSpec spec) {
    return execute(spark, base, watermarks, Clock.systemUTC(), spec);
  }

  /**
   * Runs {@code spec}; the returned result has no duration (the caller measures it). {@code clock}
   * is "now" for maintenance retention cut-offs.
   *
   * @throws RuntimeException when the task fails; {@link #isExpected(Throwable)} tells user-facing
   *     failures (bad input, drift, unsafe identifiers) from defects
   */
  public static TaskResult execute(
      SparkSession spark, URI base, WatermarkStore watermarks, Clock clock, TaskSpec spec) {
    return execute(spark, base, watermarks, SecretResolver.environmentVariables(), clock, spec);
  }

  /**
   * Runs {@code spec}, resolving secret references (JDBC and Kafka SASL passwords) with {@code
   * secrets}.
   *
   * @throws RuntimeException when the task fails; {@link #isExpected(Throwable)} tells user-facing
   *     failures from defects
   */
  public static TaskResult execute(
      SparkSession spark,
      URI base,
      WatermarkStore watermarks,
      SecretResolver secrets,
      Clock clock,
      TaskSpec spec) {
    Context context = new Context(spark, base, watermarks, secrets, clock);
    if (spec instanceof TaskSpec.CreateTable) {
      return CreateTableExecutor.run(context, ((TaskSpec.CreateTable) spec).table());
    }
    if (spec instanceof TaskSpec.Copy) {
      return CopyExecutor.run(context, ((TaskSpec.Copy) spec).migration());
    }
    if (spec instanceof TaskSpec.Convert) {
      return ConvertExecutor.run(context, ((TaskSpec.Convert) spec).migration());
    }
    if (spec instanceof TaskSpec.Reconcile) {
      return ReconcileExecutor.run(context, ((TaskSpec.Reconcile) spec).migration());
    }
    if (spec instanceof TaskSpec.RecordWatermark) {
      return WatermarkExecutor.run(context, ((TaskSpec.RecordWatermark) spec).migration());
    }
    if (spec instanceof TaskSpec.IngestJdbc) {
      return JdbcIngestExecutor.run(context, ((TaskSpec.IngestJdbc) spec).ingestion());
    }
    if (spec instanceof TaskSpec.IngestKafka) {
      return KafkaIngestExecutor.run(context, ((TaskSpec.IngestKafka) spec).ingestion());
    }
    if (spec instanceof TaskSpec.MergeInto) {
      return MergeExecutor.run(context, ((TaskSpec.MergeInto) spec).merge());
    }
    if (spec instanceof TaskSpec.Maintain) {
      TaskSpec.Maintain maintain = (TaskSpec.Maintain) spec;
      return MaintenanceExecutor.run(context, maintain.table(), maintain.operation());
    }
    return TaskResult.skipped(
        spec.getClass().getSimpleName().replace("Immutable", "")
            + " tasks are not run by the Spark engine yet");
  }

  /** Whether {@code error} is a reported task failure rather than a defect. */
  public static boolean isExpected(Throwable error) {
    return error instanceof TaskFailedException || error instanceof IllegalArgumentException;
  }
}
