package io.lakeplan.testkit.internal;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskFailedException;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.WatermarkStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs plan tasks in memory on Iceberg's in-memory catalog, with the semantics of the Spark engine
 * (see the differences listed on {@code PipelineTestDriver}). Like the Spark engine, a task never
 * throws for a failure the user can act on: it returns FAILED with a one-line reason and its
 * targets are left as they were.
 */
public final class InMemoryEngine implements Engine {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryEngine.class);

  /**
   * Called by a task right after its data commit and before it records progress outside the table
   * (the watermark store, the streaming checkpoint): where a crashed process would stop.
   */
  @FunctionalInterface
  public interface CommitHook {
    /** Called after task {@code taskId} of {@code dagId} committed to {@code table}. */
    void afterCommit(String dagId, String taskId, String table);
  }

  /** What a task runs with. */
  record Context(
      Lake lake,
      WatermarkStore watermarks,
      Inputs inputs,
      SecretResolver secrets,
      CommitHook hook,
      String dagId,
      String taskId) {

    void afterCommit(String table) {
      hook.afterCommit(dagId, taskId, table);
    }
  }

  private final Lake lake;
  private final WatermarkStore watermarks;
  private final Inputs inputs;
  private final SecretResolver secrets;
  private final CommitHook hook;

  /**
   * An engine on {@code lake}, reading {@code inputs}, with {@code watermarks} as its store,
   * resolving {@code env:} secret references (as the Spark engine does by default).
   */
  public InMemoryEngine(Lake lake, WatermarkStore watermarks, Inputs inputs, CommitHook hook) {
    this(lake, watermarks, inputs, SecretResolver.environmentVariables(), hook);
  }

  /**
   * An engine like {@link #InMemoryEngine(Lake, WatermarkStore, Inputs, CommitHook)} resolving
   * secret references (Kafka SASL passwords) with {@code secrets}.
   */
  public InMemoryEngine(
      Lake lake,
      WatermarkStore watermarks,
      Inputs inputs,
      SecretResolver secrets,
      CommitHook hook) {
    this.lake = lake;
    this.watermarks = watermarks;
    this.inputs = inputs;
    this.secrets = secrets;
    this.hook = hook;
  }

  /** {@code in-memory}. */
  @Override
  public String name() {
    return "in-memory";
  }

  /**
   * Runs one task of {@code dag}.
   *
   * @return the result; FAILED with the reason when the task failed
   * @throws Interruption only what the commit hook throws (an injected crash); a defect is a failed
   *     task
   */
  public TaskResult run(Dag dag, Task task) {
    return run(RunContext.startedNow(Clock.systemUTC()), dag, task);
  }

  /**
   * Runs one task of {@code dag}; the lake's clock, not {@code context}'s, is "now" in memory (the
   * driver moves it).
   *
   * @return the result; FAILED with the reason when the task failed
   * @throws Interruption only what the commit hook throws (an injected crash); a defect is a failed
   *     task
   */
  @Override
  public TaskResult run(RunContext runContext, Dag dag, Task task) {
    Context context = new Context(lake, watermarks, inputs, secrets, hook, dag.id(), task.id());
    long start = System.nanoTime();
    try {
      TaskResult result = execute(context, task.spec());
      return result.withDuration(Duration.ofNanos(System.nanoTime() - start));
    } catch (TaskFailedException | IllegalArgumentException e) {
      LOG.warn("Task {}/{} failed: {}", dag.id(), task.id(), e.getMessage());
      return TaskResult.failed(Duration.ofNanos(System.nanoTime() - start), e.getMessage());
    } catch (Interruption e) {
      throw e;
    } catch (RuntimeException e) {
      // a defect: the task fails, as on Spark, and the log keeps the whole trace
      LOG.error("Task {}/{} failed unexpectedly", dag.id(), task.id(), e);
      return TaskResult.failed(
          Duration.ofNanos(System.nanoTime() - start),
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /**
   * What a {@link CommitHook} throws to stop a task the way a killed process stops: it leaves
   * {@link #run} as it is, never as a task result.
   */
  public abstract static class Interruption extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An interruption saying {@code message}. */
    protected Interruption(String message) {
      super(message);
    }
  }

  private static TaskResult execute(Context context, TaskSpec spec) {
    return spec.accept(
        new TaskSpec.Visitor<TaskResult>() {
          @Override
          public TaskResult createTable(TaskSpec.CreateTable create) {
            return TableTasks.create(context, create.table());
          }

          @Override
          public TaskResult copy(TaskSpec.Copy copy) {
            return MigrationTasks.copy(context, copy.migration());
          }

          @Override
          public TaskResult convert(TaskSpec.Convert convert) {
            return MigrationTasks.convert(context, convert.migration());
          }

          @Override
          public TaskResult reconcile(TaskSpec.Reconcile reconcile) {
            return MigrationTasks.reconcile(context, reconcile.migration());
          }

          @Override
          public TaskResult recordWatermark(TaskSpec.RecordWatermark watermark) {
            return MigrationTasks.recordWatermark(context, watermark.migration());
          }

          @Override
          public TaskResult ingestJdbc(TaskSpec.IngestJdbc jdbc) {
            return JdbcIngestTask.run(context, jdbc.ingestion());
          }

          @Override
          public TaskResult ingestKafka(TaskSpec.IngestKafka kafka) {
            return KafkaIngestTask.run(context, kafka.ingestion());
          }

          @Override
          public TaskResult mergeInto(TaskSpec.MergeInto merge) {
            return MergeTask.run(context, merge.merge());
          }

          @Override
          public TaskResult maintain(TaskSpec.Maintain maintain) {
            return MaintenanceTasks.run(context, maintain.table(), maintain.operation());
          }

          @Override
          public TaskResult runSparkJob(TaskSpec.RunSparkJob job) {
            throw new TaskFailure(
                EngineSteps.sparkJobNotRun(
                    "in-memory",
                    job.job(),
                    "the pipeline test (PipelineTestDriver.Builder.skipTask)"));
          }
        });
  }
}
