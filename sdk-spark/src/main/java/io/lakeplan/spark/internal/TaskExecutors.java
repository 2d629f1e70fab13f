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
    return spec.accept(
        new TaskSpec.Visitor<TaskResult>() {
          @Override
          public TaskResult createTable(TaskSpec.CreateTable create) {
            return CreateTableExecutor.run(context, create.table());
          }

          @Override
          public TaskResult copy(TaskSpec.Copy copy) {
            return CopyExecutor.run(context, copy.migration());
          }

          @Override
          public TaskResult convert(TaskSpec.Convert convert) {
            return ConvertExecutor.run(context, convert.migration());
          }

          @Override
          public TaskResult reconcile(TaskSpec.Reconcile reconcile) {
            return ReconcileExecutor.run(context, reconcile.migration());
          }

          @Override
          public TaskResult recordWatermark(TaskSpec.RecordWatermark watermark) {
            return WatermarkExecutor.run(context, watermark.migration());
          }

          @Override
          public TaskResult ingestJdbc(TaskSpec.IngestJdbc jdbc) {
            return JdbcIngestExecutor.run(context, jdbc.ingestion());
          }

          @Override
          public TaskResult ingestKafka(TaskSpec.IngestKafka kafka) {
            return KafkaIngestExecutor.run(context, kafka.ingestion());
          }

          @Override
          public TaskResult mergeInto(TaskSpec.MergeInto merge) {
            return MergeExecutor.run(context, merge.merge());
          }

          @Override
          public TaskResult maintain(TaskSpec.Maintain maintain) {
            return MaintenanceExecutor.run(context, maintain.table(), maintain.operation());
          }

          @Override
          public TaskResult runSparkJob(TaskSpec.RunSparkJob job) {
            return SparkSubmitJob.run(context, job.job());
          }
        });
  }

  /** Whether {@code error} is a reported task failure rather than a defect. */
  public static boolean isExpected(Throwable error) {
    return error instanceof io.lakeplan.spi.TaskFailedException
        || error instanceof IllegalArgumentException;
  }
}
