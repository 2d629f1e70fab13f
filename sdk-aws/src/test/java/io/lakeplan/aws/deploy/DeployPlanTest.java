package io.lakeplan.aws.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.plan.Plan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's text, its counts, and how DataSync location URIs are compared. */
class DeployPlanTest {
  private static final String NL = System.lineSeparator();

  @Test
  void report_listsChangesThenCounts_andLeavesUnchangedResourcesOut() {
    DeployPlan plan =
        new DeployPlan(
            Plan.builder().build(),
            List.of(
                Step.of(Change.Action.CREATE, "Glue database raw", "", () -> {}),
                Step.unchanged("DynamoDB table w", "watermarks")),
            List.of(
                Step.of(
                    Change.Action.UPDATE, "S3 object s3://b/j.jar (job jar)", "changed", () -> {}),
                Step.of(
                    Change.Action.DELETE, "S3 object s3://m/dags/x.py (DAG file)", "", () -> {})));

    assertThat(plan.hasChanges()).isTrue();
    assertThat(plan.report())
        .isEqualTo(
            "  [+] Glue database raw"
                + NL
                + "  [~] S3 object s3://b/j.jar (job jar) (changed)"
                + NL
                + "  [-] S3 object s3://m/dags/x.py (DAG file)"
                + NL
                + "Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged."
                + NL);
  }

  @Test
  void report_withNothingToChange_saysSo() {
    DeployPlan plan =
        new DeployPlan(
            Plan.builder().build(),
            List.of(Step.unchanged("Glue database raw", "")),
            List.of(Step.unchanged("S3 object s3://b/j.jar (job jar)", "")));

    assertThat(plan.hasChanges()).isFalse();
    assertThat(plan.report()).isEqualTo("No changes: 2 resources are up to date." + NL);
  }

  @Test
  void folder_ignoresDoubledAndMissingSlashes() {
    assertThat(DataSyncTasks.folder("s3://landing//orders")).isEqualTo("s3://landing/orders/");
    assertThat(DataSyncTasks.folder("/data/orders")).isEqualTo("/data/orders/");
    assertThat(DataSyncTasks.folder("data/orders/")).isEqualTo("/data/orders/");
    assertThat(DataSyncTasks.folder("")).isEqualTo("/");
  }
}
