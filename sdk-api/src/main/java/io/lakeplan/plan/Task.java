package io.lakeplan.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** One unit of work in a DAG; its id is stable and derived from explicit step ids. */
@Value.Immutable
@JsonSerialize(as = ImmutableTask.class)
@JsonDeserialize(as = ImmutableTask.class)
public abstract class Task {
  /** The task id, unique in its DAG, e.g. {@code orders-history.convert}. */
  public abstract String id();

  /** What the task does. */
  public abstract TaskSpec spec();

  /** A task {@code id} doing {@code spec}. */
  public static Task of(String id, TaskSpec spec) {
    return ImmutableTask.builder().id(id).spec(spec).build();
  }
}
