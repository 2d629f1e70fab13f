package io.lakeplan.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.lakeplan.model.TableId;
import java.util.List;
import org.immutables.value.Value;

/**
 * A DAG waits for another DAG: because it reads tables that DAG writes ({@link #tables()}), because
 * it continues from that DAG's migration watermark, because that DAG creates a table it writes, or
 * because the use case declared it.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableDagDependency.class)
@JsonDeserialize(as = ImmutableDagDependency.class)
public abstract class DagDependency implements Comparable<DagDependency> {
  /** Why the dependency exists. */
  public enum Reason {
    /** Lineage: the upstream DAG writes tables this DAG reads. */
    LINEAGE,
    /** Ingestion continues after the upstream migration's watermark. */
    WATERMARK,
    /** Declared in the use case. */
    DECLARED,
    /**
     * The upstream DAG creates a table this DAG writes ({@link #tables()}): a writer other than the
     * table's creator runs only once the table exists.
     */
    CREATION
  }

  /** The upstream DAG id. */
  public abstract String dag();

  /** Why; with several reasons, the first in declaration order of {@link Reason}. */
  public abstract Reason reason();

  /** The tables that link the two DAGs, sorted; empty for a declared DAG dependency. */
  public abstract List<TableId> tables();

  @Override
  public int compareTo(DagDependency other) {
    return dag().compareTo(other.dag());
  }

  /** A builder of cross-DAG dependencies. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DagDependency}; every setter is named after its property. */
  public static final class Builder extends ImmutableDagDependency.Builder {}
}
