package io.lakeplan.testkit;

import io.lakeplan.spi.TaskResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a DAG by the driver: when it ran (driver clock) and each task's result, in the order
 * the tasks ran. Tasks that did not run (an upstream task failed) are {@code SKIPPED} with the
 * reason.
 */
public final class DagRun {

  private final String dagId;
  private final Instant time;
  private final Map<String, TaskResult> results;

  DagRun(String dagId, Instant time, Map<String, TaskResult> results) {
    this.dagId = dagId;
    this.time = time;
    this.results = new LinkedHashMap<>(results);
  }

  /** The DAG id. */
  public String dagId() {
    return dagId;
  }

  /** The driver-clock time of the run. */
  public Instant time() {
    return time;
  }

  /** Whether every task succeeded. */
  public boolean succeeded() {
    return results.values().stream().allMatch(TaskResult::isSuccess);
  }

  /** Each task's result by task id, in run order; a copy. */
  public Map<String, TaskResult> results() {
    return new LinkedHashMap<>(results);
  }

  /** The ids of the tasks that failed, in run order. */
  public List<String> failedTasks() {
    List<String> failed = new ArrayList<>();
    results.forEach(
        (task, result) -> {
          if (result.status() == TaskResult.Status.FAILED) {
            failed.add(task);
          }
        });
    return failed;
  }

  /**
   * The result of task {@code taskId}.
   *
   * @throws IllegalArgumentException naming the known task ids when the DAG has no such task
   */
  public TaskResult result(String taskId) {
    TaskResult result = results.get(taskId);
    if (result == null) {
      throw new IllegalArgumentException(
          "Unknown task '"
              + taskId
              + "' in run of DAG "
              + dagId
              + " (tasks: "
              + String.join(", ", results.keySet())
              + ")");
    }
    return result;
  }

  @Override
  public String toString() {
    StringBuilder text =
        new StringBuilder("DagRun ")
            .append(dagId)
            .append(" at ")
            .append(time)
            .append(succeeded() ? " SUCCEEDED" : " FAILED");
    results.forEach(
        (task, result) ->
            text.append("\n  ")
                .append(task)
                .append(": ")
                .append(result.status())
                .append(" — ")
                .append(result.summary()));
    return text.toString();
  }
}
