package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import org.immutables.value.Value;

/**
 * A team's own Spark script or jar, run as it is. It gets a DAG of its own when {@link #dag()} is
 * set (as imported legacy DAGs do), else it joins the use case's DAG of its {@link #kind()}.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableSparkJob.class)
@JsonDeserialize(as = ImmutableSparkJob.class)
public abstract class SparkJob {
  /** The step id, unique in the use case. Required. */
  public abstract String id();

  /** The phase the job belongs to. Default: TRANSFORMATION. */
  @Value.Default
  public DagKind kind() {
    return DagKind.TRANSFORMATION;
  }

  /** The job script or jar URI. Required. */
  public abstract String entrypoint();

  /** Arguments passed to the entry point; no secrets here (validation rejects them). */
  public abstract List<String> arguments();

  /** Extra spark-submit parameters, e.g. {@code --conf spark.executor.memory=4g}; may be null. */
  public abstract String sparkSubmitParameters();

  /** The id of the DAG of its own; null to join the use case's DAG of its kind. */
  public abstract String dag();

  /** The schedule of its own DAG; null for the use case's. */
  public abstract Schedule schedule();

  /** Extra tags of its own DAG. */
  public abstract List<String> tags();

  /** The notification policy of its own DAG; null for the use case's. */
  public abstract NotificationPolicy notifications();

  /** DAGs or tables this job waits for. */
  public abstract List<Dependency> dependencies();

  /** A builder of Spark jobs. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SparkJob}; every setter is named after its property. */
  public static final class Builder extends ImmutableSparkJob.Builder {}
}
