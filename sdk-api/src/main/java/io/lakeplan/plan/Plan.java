package io.lakeplan.plan;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.immutables.value.Value;

/**
 * The compiled form of a set of use cases: DAGs sorted by id. Deterministic — the same use cases
 * give a byte-identical plan JSON — and the contract between the SDK, the job jar and rendered DAG
 * files.
 */
@Value.Immutable
@JsonSerialize(as = ImmutablePlan.class)
@JsonDeserialize(as = ImmutablePlan.class)
public abstract class Plan {
  /** The plan format version. */
  public static final String API_VERSION = "lakeplan/v1";

  /** The plan format version; {@value #API_VERSION}. */
  @Value.Default
  public String apiVersion() {
    return API_VERSION;
  }

  /** The DAGs, sorted by id. */
  public abstract List<Dag> dags();

  /** The DAG {@code dagId}; fails naming the known ids when there is none. */
  public Dag dag(String dagId) {
    for (Dag dag : dags()) {
      if (dag.id().equals(dagId)) {
        return dag;
      }
    }
    List<String> known = new ArrayList<>();
    dags().forEach(dag -> known.add(dag.id()));
    throw new IllegalArgumentException(
        "Unknown DAG '" + dagId + "' (known: " + String.join(", ", known) + ")");
  }

  /**
   * The DAGs in an order that respects every cross-DAG dependency; among DAGs free to run, those of
   * an earlier phase first (migration, ingestion, transformation, maintenance), then by id — the
   * order a local run executes them in.
   */
  public List<Dag> dagsInOrder() {
    List<Edge> edges = new ArrayList<>();
    for (Dag dag : dags()) {
      for (DagDependency upstream : dag.upstream()) {
        edges.add(Edge.of(upstream.dag(), dag.id()));
      }
    }
    return TopologicalOrder.sort(
        dags(), Dag::id, edges, Comparator.comparing(Dag::kind).thenComparing(Dag::id));
  }

  /**
   * A builder of plans, for engines and tests that assemble one by hand or change one ({@code
   * Plan.builder().from(plan)}); the planner builds the plans of use cases.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Plan}; every setter is named after its property. */
  public static final class Builder extends ImmutablePlan.Builder {}
}
