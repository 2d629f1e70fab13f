package io.lakeplan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OrdersExampleTest {
  private static final Path EXAMPLES = Path.of("orders");

  @Test
  void yamlFile_equalsTheJavaDsl() {
    Workspace workspace = Workspace.loadStrict(EXAMPLES);
    assertThat(workspace.useCases())
        .singleElement()
        .satisfies(loaded -> assertThat(loaded.useCase()).isEqualTo(OrdersUseCase.build()));
  }

  @Test
  void javaDsl_roundTripsThroughYaml() {
    assertThat(UseCaseCodec.fromYaml(UseCaseCodec.toYaml(OrdersUseCase.build())))
        .isEqualTo(OrdersUseCase.build());
  }

  @Test
  void plan_hasOneDagPerPhaseAndMaintenanceSchedule() {
    Plan plan = Workspace.loadStrict(EXAMPLES).plan();
    assertThat(plan.dags())
        .extracting(Dag::id)
        .containsExactly(
            "orders.maintenance.cron_0_3_1_x_x",
            "orders.maintenance.cron_30_2_x_x_0",
            "orders.maintenance.daily",
            "orders.migration",
            "orders.transformation");
    assertThat(plan.dag("orders.transformation").upstream())
        .extracting(u -> u.dag())
        .containsExactly("orders.migration");
  }
}
