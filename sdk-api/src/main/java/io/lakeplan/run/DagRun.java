package io.lakeplan.run;

import io.lakeplan.spi.TaskResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a DAG: its id and logical time, and each task's result in the order the tasks ran,
 * with the attempts it took. A task that did not run is {@code SKIPPED} with the reason (an
 * upstream task failed; the DAG did not start because its previous run failed and it depends on the
 * past, or an upstream DAG failed).
 */
public final class DagRun {

  private final String dagId;
  private final String runId;
  private final Instant logicalTime;
  private final Map<String, TaskResult> results;
  private final Map<String, Integer> attempts;
  private final String notStarted;

  /**
   * A run of {@code dagId}.
   *
   * @param results each task's result, in run order
   * @param attempts how many attempts each task that ran took
   * @param notStarted why the DAG did not start at all, or null when it did
   */
  public DagRun(
      String dagId,
      String runId,
      Instant logicalTime,
      Map<String, TaskResult> results,
      Map<String, Integer> attempts,
      String notStarted) {
    this.dagId = Objects.requireNonNull(dagId, "dagId");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.logicalTime = Objects.requireNonNull(logicalTime, "logicalTime");
    this.results = new LinkedHashMap<>(results);
    this.attempts = new LinkedHashMap<>(attempts);
    this.notStarted = notStarted;
  }

  /** The DAG id. */
  public String dagId() {
    return dagId;
  }

  /** The run's id, the same in every task's context. */
  public String runId() {
    return runId;
  }

  /** The time the run stands for. */
  public Instant logicalTime() {
    return logicalTime;
  }

  /** Whether the DAG started and every task succeeded. */
  public boolean succeeded() {
    return notStarted == null && results.values().stream().allMatch(TaskResult::isSuccess);
  }

  /** Why the DAG did not start at all (depends-on-past, a failed upstream DAG), or null. */
  public String notStarted() {
    return notStarted;
  }

  /** Each task's result by task id, in run order; a copy. */
  public Map<String, TaskResult> results() {
    return new LinkedHashMap<>(results);
  }

  /** The attempts task {@code taskId} took: 0 when it did not run. */
  public int attempts(String taskId) {
    result(taskId);
    return attempts.getOrDefault(taskId, 0);
  }

  /** The ids of the tasks that failed, in run order. */
  public List<String> failedTasks() {
    return tasksWith(TaskResult.Status.FAILED);
  }

  /** The ids of the tasks that did not run because of a failure before them, in run order. */
  public List<String> blockedTasks() {
    List<String> blocked = new ArrayList<>();
    results.forEach(
        (task, result) -> {
          if (result.status() == TaskResult.Status.SKIPPED && !attempts.containsKey(task)) {
            blocked.add(task);
          }
        });
    return blocked;
  }

  private List<String> tasksWith(TaskResult.Status status) {
    List<String> tasks = new ArrayList<>();
    results.forEach(
        (task, result) -> {
          if (result.status() == status) {
            tasks.add(task);
          }
        });
    return tasks;
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
            .append(" ")
            .append(runId)
            .append(succeeded() ? " SUCCEEDED" : " FAILED");
    if (notStarted != null) {
      text.append(" (").append(notStarted).append(")");
    }
    results.forEach(
        (task, result) -> {
          text.append("\n  ").append(task).append(": ").append(result.status());
          int tries = attempts.getOrDefault(task, 0);
          if (tries > 1) {
            text.append(" after ").append(tries).append(" attempts");
          }
          text.append(" — ").append(result.summary());
        });
    return text.toString();
  }
}
