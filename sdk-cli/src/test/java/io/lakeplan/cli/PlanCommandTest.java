package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import org.junit.jupiter.api.Test;

class PlanCommandTest {
  @Test
  void plan_text_listsDagsWithKindScheduleTasksEdgesAndUpstream() {
    CliRun run = CliRun.of("plan", CliRun.EXAMPLES.resolve("orders").toString());

    Plan plan = Workspace.load(CliRun.EXAMPLES.resolve("orders")).plan();
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    for (Dag dag : plan.dags()) {
      assertThat(run.out()).contains("dag " + dag.id() + " (");
      dag.tasks().forEach(task -> assertThat(run.out()).contains("    " + task.id() + " ["));
      dag.edges().forEach(edge -> assertThat(run.out()).contains(edge.from() + " -> " + edge.to()));
    }
    assertThat(run.out())
        .contains("dag orders.migration (migration, manual)")
        .contains("dag orders.transformation (transformation, schedule @hourly)")
        .contains("  upstream:\n    orders.migration (lineage: raw.orders)")
        .endsWith(plan.dags().size() + " DAGs\n");
  }

  @Test
  void plan_json_isThePlanOfTheValidUseCasesAndExits1OnProblems() {
    CliRun run = CliRun.of("plan", "--format", "json", CliRun.LEGACY.toString());

    Workspace workspace = Workspace.load(CliRun.LEGACY);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEqualTo(UseCaseCodec.toJson(workspace.plan()));
    assertThat(UseCaseCodec.planFromJson(run.out())).isEqualTo(workspace.plan());
    assertThat(run.err())
        .contains("invalid/unknown-type.yaml:")
        .endsWith("3 problems; files with problems are left out\n");
  }
}
