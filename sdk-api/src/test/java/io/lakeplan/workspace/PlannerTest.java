package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.TestUseCases;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private final UseCase orders = TestUseCases.orders().build();
  private final UseCase customers =
      UseCase.named("customers")
          .owner("crm@example.com")
          .schedule("@daily")
          .table("analytics.customer_orders", t -> t.requiredColumn("order_id", "long"))
          .mergeInto(
              "analytics.customer_orders",
              m -> m.id("rollup").source("process.orders").addKey("order_id"))
          .build();

  @Test
  void dagsFollowThePhases_andMaintenanceSplitsBySchedule() {
    Plan plan = Planner.plan(orders);
    assertThat(plan.dags())
        .extracting(Dag::id)
        .containsExactly(
            "orders.ingestion",
            "orders.maintenance",
            "orders.maintenance.daily",
            "orders.maintenance.weekly",
            "orders.migration",
            "orders.transformation");
    assertThat(plan.dag("orders.migration").kind()).isEqualTo(DagKind.MIGRATION);
    assertThat(plan.dag("orders.migration").schedule()).isNull();
    assertThat(plan.dag("orders.ingestion").schedule()).hasToString("@hourly");
    assertThat(plan.dag("orders.maintenance.daily").tasks())
        .extracting(Task::id)
        .containsExactly("raw-orders.expire-snapshots", "raw-orders.remove-old-metadata");
    assertThat(plan.dag("orders.maintenance.weekly").tasks())
        .extracting(Task::id)
        .containsExactly("process-orders.compact");
    assertThat(plan.dag("orders.maintenance").tasks())
        .extracting(Task::id)
        .containsExactly("process-orders.hard-delete");
  }

  @Test
  void taskIdsComeFromStepIds_andEdgesFollowTheMigrationChain() {
    Dag migration = Planner.plan(orders).dag("orders.migration");
    assertThat(migration.tasks())
        .extracting(Task::id)
        .containsExactly(
            "orders-history.convert",
            "orders-history.copy",
            "orders-history.create-table",
            "orders-history.reconcile",
            "orders-history.watermark");
    assertThat(migration.edges())
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly(
            "orders-history.convert->orders-history.reconcile",
            "orders-history.convert->orders-history.watermark",
            "orders-history.copy->orders-history.convert",
            "orders-history.create-table->orders-history.convert",
            "orders-history.create-table->orders-history.reconcile",
            "orders-history.create-table->orders-history.watermark",
            "orders-history.reconcile->orders-history.watermark");
    assertThat(migration.tasksInOrder())
        .extracting(Task::id)
        .containsExactly(
            "orders-history.copy",
            "orders-history.create-table",
            "orders-history.convert",
            "orders-history.reconcile",
            "orders-history.watermark");
  }

  @Test
  void declaredTablesAreCreatedInTheDagOfTheirWriter() {
    Dag transformation = Planner.plan(orders).dag("orders.transformation");
    assertThat(transformation.tasks())
        .extracting(Task::id)
        .containsExactly("create.process.orders", "orders-upsert");
    assertThat(transformation.edges())
        .extracting(e -> e.from() + "->" + e.to())
        .containsExactly("create.process.orders->orders-upsert");
  }

  @Test
  void crossDagDependenciesComeFromLineageAndWatermarks() {
    Plan plan = Planner.plan(orders, customers);
    assertThat(plan.dag("orders.transformation").upstream())
        .extracting(d -> d.dag() + ":" + d.reason() + ":" + d.tables())
        .containsExactly(
            "orders.ingestion:LINEAGE:[raw.orders]", "orders.migration:LINEAGE:[raw.orders]");
    assertThat(plan.dag("orders.ingestion").upstream())
        .extracting(d -> d.dag() + ":" + d.reason())
        .containsExactly("orders.migration:WATERMARK");
    assertThat(plan.dag("customers.transformation").upstream())
        .extracting(d -> d.dag() + ":" + d.reason() + ":" + d.tables())
        .containsExactly("orders.transformation:LINEAGE:[process.orders]");
    assertThat(plan.dag("orders.migration").upstream()).isEmpty();
    assertThat(plan.dagsInOrder())
        .extracting(Dag::id)
        .containsSubsequence(
            "orders.migration",
            "orders.ingestion",
            "orders.transformation",
            "customers.transformation");
    List<DagKind> kinds = plan.dagsInOrder().stream().map(Dag::kind).toList();
    assertThat(kinds).as("phases in order when dependencies allow").isSorted();
  }

  @Test
  void declaredDagDependenciesAreKept() {
    UseCase dependent =
        UseCase.named("reports")
            .owner("bi@example.com")
            .schedule("@daily")
            .dependsOn("dag:orders.transformation")
            .sparkJob(j -> j.id("report").entrypoint("s3://jobs/report.py"))
            .build();
    Dag dag = Planner.plan(orders, dependent).dag("reports.transformation");
    assertThat(dag.upstream())
        .extracting(d -> d.dag() + ":" + d.reason())
        .containsExactly("orders.transformation:DECLARED");
  }

  @Test
  void planIsDeterministic_whateverTheInputOrder() {
    List<UseCase> useCases = new ArrayList<>(List.of(orders, customers));
    String first = UseCaseCodec.toJson(Planner.plan(useCases));
    Collections.shuffle(useCases, new Random(7));
    Collections.reverse(useCases);
    assertThat(UseCaseCodec.toJson(Planner.plan(useCases))).isEqualTo(first);
  }

  @Test
  void planJson_roundTrips() {
    Plan plan = Planner.plan(orders, customers);
    String json = UseCaseCodec.toJson(plan);
    Plan read = UseCaseCodec.planFromJson(json);
    assertThat(read).isEqualTo(plan);
    assertThat(UseCaseCodec.toJson(read)).isEqualTo(json);
  }

  @Test
  void specVersionChangesWithTheUseCase() {
    String before = Planner.plan(orders).dag("orders.ingestion").specVersion();
    String after =
        Planner.plan(TestUseCases.orders().owner("other@example.com").build())
            .dag("orders.ingestion")
            .specVersion();
    assertThat(before).hasSize(12).isNotEqualTo(after);
  }

  @Test
  void unknownDagOrTask_namesTheKnownOnes() {
    Plan plan = Planner.plan(orders);
    assertThatThrownBy(() -> plan.dag("orders.nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown DAG 'orders.nope' (known: orders.ingestion, ");
    assertThatThrownBy(() -> plan.dag("orders.transformation").task("x"))
        .hasMessage(
            "Unknown task 'x' in DAG orders.transformation (known: create.process.orders, orders-upsert)");
  }

  @Test
  void invalidPlanJson_isReported() {
    assertThatThrownBy(() -> UseCaseCodec.planFromJson("{\"dags\": 3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid plan JSON: ");
  }
}
