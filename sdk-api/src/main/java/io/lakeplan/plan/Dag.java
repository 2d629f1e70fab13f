package io.lakeplan.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.Schedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.immutables.value.Value;

/** A DAG: tasks, the edges between them, and the DAGs it waits for. */
@Value.Immutable
@JsonSerialize(as = ImmutableDag.class)
@JsonDeserialize(as = ImmutableDag.class)
public abstract class Dag {
  /** The DAG id, e.g. {@code orders.ingestion}; stable across plans. */
  public abstract String id();

  /** The use case it comes from. */
  public abstract String useCase();

  /** A short hash of the use case it comes from; changes whenever the use case changes. */
  public abstract String specVersion();

  /** The phase. */
  public abstract DagKind kind();

  /** When it runs; null for manual runs. */
  public abstract Schedule schedule();

  /** The owner. */
  public abstract String owner();

  /** Tags, sorted. */
  public abstract List<String> tags();

  /** Who hears about runs. */
  public abstract NotificationPolicy notifications();

  /** Retries of a failed task. */
  public abstract int retries();

  /** The wait before a retry. */
  public abstract Duration retryDelay();

  /** Whether a run waits for the previous run to succeed. */
  public abstract boolean dependsOnPast();

  /** The tasks, sorted by id. */
  public abstract List<Task> tasks();

  /** The edges, sorted. */
  public abstract List<Edge> edges();

  /** The DAGs this one waits for, sorted by id. */
  public abstract List<DagDependency> upstream();

  /** The task {@code taskId}; fails naming the known ids when there is none. */
  public Task task(String taskId) {
    for (Task task : tasks()) {
      if (task.id().equals(taskId)) {
        return task;
      }
    }
    List<String> known = new ArrayList<>();
    tasks().forEach(task -> known.add(task.id()));
    throw new IllegalArgumentException(
        "Unknown task '"
            + taskId
            + "' in DAG "
            + id()
            + " (known: "
            + String.join(", ", known)
            + ")");
  }

  /** The tasks in an order that respects every edge (ties broken by id). */
  public List<Task> tasksInOrder() {
    return TopologicalOrder.sort(tasks(), Task::id, edges());
  }

  /** A builder of DAGs, for engines and tests that run tasks outside a planned use case. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Dag}; every setter is named after its property. */
  public static final class Builder extends ImmutableDag.Builder {}
}
