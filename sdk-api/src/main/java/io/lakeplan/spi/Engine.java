package io.lakeplan.spi;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;

/**
 * Runs one task of a plan: the port every engine implements (Spark, in memory, EMR Serverless). An
 * engine dispatches on the task's kind with a {@link io.lakeplan.plan.TaskSpec.Visitor}, so a new
 * kind fails to compile until each engine handles it; a kind an engine cannot run fails the task
 * with a message naming the engine and where the task does run, never a silent skip.
 *
 * <p>An engine never throws for a failure the user can act on: it returns a {@link
 * TaskResult.Status#FAILED} result with a one-line reason ({@link TaskFailedException}'s message)
 * and leaves the task's targets as they were. Which tasks run, in which order, how often and what
 * happens to the others is the runner's business, not the engine's.
 */
public interface Engine {

  /** The engine's name in messages, such as {@code Spark} or {@code in-memory}. */
  String name();

  /**
   * Runs {@code task} of {@code dag} in {@code context}.
   *
   * @return the result, with its duration; FAILED with the reason when the task failed
   */
  TaskResult run(RunContext context, Dag dag, Task task);

  /**
   * Where the logs of the attempt of {@code task} run last in {@code context} are (an EMR
   * Serverless job run's log folder, say), for notifications; null (the default) when the engine
   * does not know.
   */
  default String logLocation(RunContext context, Dag dag, Task task) {
    return null;
  }
}
