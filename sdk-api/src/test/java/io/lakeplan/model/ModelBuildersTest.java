package io.lakeplan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The overloads of the builders: a consumer form builds the same model as the positional form it
 * stands beside, and a typed form the same as the form that takes the type as text.
 */
class ModelBuildersTest {

  private static Maintenance.Builder maintenance() {
    return Maintenance.builder().id("orders-maintenance").table("raw.orders");
  }

  private static MaintenanceTask onlyTask(Maintenance.Builder builder) {
    List<MaintenanceTask> tasks = builder.build().tasks();
    assertThat(tasks).hasSize(1);
    return tasks.get(0);
  }

  @Test
  void expireSnapshots_consumerForm_buildsThePositionalFormsTask() {
    Duration olderThan = Duration.ofDays(7);
    int retainLast = 3;

    MaintenanceTask positional = onlyTask(maintenance().expireSnapshots(olderThan, retainLast));
    MaintenanceTask configured =
        onlyTask(
            maintenance()
                .expireSnapshots(
                    snapshots -> snapshots.olderThan(olderThan).retainLast(retainLast)));

    assertThat(configured).isEqualTo(positional);
  }

  @Test
  void removeOldMetadata_consumerForm_buildsThePositionalFormsTask() {
    int keep = 25;

    MaintenanceTask positional = onlyTask(maintenance().removeOldMetadata(keep));
    MaintenanceTask configured =
        onlyTask(maintenance().removeOldMetadata(metadata -> metadata.keep(keep)));

    assertThat(configured).isEqualTo(positional);
    assertThat(((MaintenanceTask.RemoveOldMetadata) configured).keep()).isEqualTo(keep);
  }

  @Test
  void rewriteManifests_consumerFormSettingNothing_buildsThePositionalFormsTask() {
    MaintenanceTask positional = onlyTask(maintenance().rewriteManifests());
    MaintenanceTask configured = onlyTask(maintenance().rewriteManifests(manifests -> {}));

    assertThat(configured).isEqualTo(positional);
  }

  @Test
  void hardDelete_consumerForm_buildsThePositionalFormsTask() {
    String column = "order_ts";
    Duration olderThan = Duration.ofDays(3650);

    MaintenanceTask positional = onlyTask(maintenance().hardDelete(column, olderThan));
    MaintenanceTask configured =
        onlyTask(maintenance().hardDelete(delete -> delete.column(column).olderThan(olderThan)));

    assertThat(configured).isEqualTo(positional);
  }

  @Test
  void consumerForms_setWhatThePositionalFormsCannot_idScheduleAndDryRun() {
    Schedule weekly = Schedule.WEEKLY;

    List<MaintenanceTask> tasks =
        maintenance()
            .removeOldMetadata(metadata -> metadata.keep(5).schedule(weekly))
            .rewriteManifests(manifests -> manifests.id("manifests-weekly").schedule(weekly))
            .hardDelete(
                delete -> delete.column("order_ts").olderThan(Duration.ofDays(30)).dryRun(true))
            .build()
            .tasks();

    assertThat(tasks)
        .extracting(MaintenanceTask::id)
        .containsExactly(
            MaintenanceTask.Kind.REMOVE_OLD_METADATA.typeName(),
            "manifests-weekly",
            MaintenanceTask.Kind.HARD_DELETE.typeName());
    assertThat(tasks.get(0).schedule()).isEqualTo(weekly);
    assertThat(tasks.get(1).schedule()).isEqualTo(weekly);
    assertThat(((MaintenanceTask.HardDelete) tasks.get(2)).dryRun()).isTrue();
  }

  @Test
  void tableDefinition_typedColumns_buildTheColumnsOfTheirWrittenTypes() {
    ColumnType amount = ColumnType.decimal(12, 2);

    TableDefinition written =
        TableDefinition.builder()
            .table("raw.orders")
            .requiredColumn("order_id", "long")
            .column("amount", "decimal(12,2)")
            .column("order_ts", "timestamptz")
            .build();
    TableDefinition typed =
        TableDefinition.builder()
            .table("raw.orders")
            .requiredColumn("order_id", ColumnType.LONG)
            .column("amount", amount)
            .column("order_ts", ColumnType.TIMESTAMPTZ)
            .build();

    assertThat(typed).isEqualTo(written);
    assertThat(typed.column("order_id").required()).isTrue();
    assertThat(typed.column("amount").required()).isFalse();
    assertThat(typed.column("amount").type()).isEqualTo(amount);
  }

  @Test
  void tableDefinition_writtenColumnType_failsNamingTheType() {
    assertThatThrownBy(() -> TableDefinition.builder().column("amount", "money"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid column type: 'money'");
  }
}
