package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import org.junit.jupiter.api.Test;

class GraphCommandTest {
  @Test
  void graph_legacyFixtures_hasSubgraphPerDagAndUpstreamArrow() {
    CliRun run = CliRun.of("graph", CliRun.LEGACY.resolve("valid").toString());

    Plan plan = Workspace.load(CliRun.LEGACY.resolve("valid")).plan();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("flowchart LR\n");
    for (Dag dag : plan.dags()) {
      assertThat(run.out()).contains("subgraph " + mermaidId(dag.id()) + "[\"" + dag.id() + "\"]");
    }
    assertThat(run.out()).contains("  n_orders_migration ==> n_orders_ingestion\n");
    assertThat(plan.dag("orders_ingestion").upstream())
        .anyMatch(upstream -> upstream.dag().equals("orders_migration"));
  }

  @Test
  void graph_example_sanitizesDottedIdsAndDrawsTaskEdges() {
    CliRun run = CliRun.of("graph", CliRun.EXAMPLES.resolve("orders").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("subgraph n_orders_migration[\"orders.migration\"]")
        .contains(
            "n_orders_migration_orders_history_copy --> n_orders_migration_orders_history_convert")
        .contains("  n_orders_migration ==> n_orders_transformation\n");
    assertThat(run.out().lines().filter(line -> line.startsWith("  subgraph ")))
        .allMatch(line -> line.matches("  subgraph n_[A-Za-z0-9_]+\\[\"[^\"]+\"\\]"));
  }

  @Test
  void mermaidIds_distinctNamesGetDistinctIds() {
    GraphCommand.MermaidIds ids = new GraphCommand.MermaidIds();

    assertThat(ids.of("a.b")).isEqualTo("n_a_b");
    assertThat(ids.of("a_b")).isEqualTo("n_a_b_2");
    assertThat(ids.of("a.b")).isEqualTo("n_a_b");
  }

  private static String mermaidId(String name) {
    return "n_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }
}
