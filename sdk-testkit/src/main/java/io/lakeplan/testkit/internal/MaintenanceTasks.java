package io.lakeplan.testkit.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.TaskResult;
import org.apache.iceberg.Table;

/**
 * Table maintenance in memory, one class per operation ({@link ExpireSnapshotsTask}, {@link
 * RemoveOldMetadataTask}, {@link CompactTask}, {@link RewriteManifestsTask}, {@link
 * RemoveOrphansTask}, {@link HardDeleteTask}) with Iceberg's own operations where core has them and
 * the Spark engine's rules: times are the driver clock's, destructive operations have a dry run.
 */
final class MaintenanceTasks {

  private MaintenanceTasks() {}

  static TaskResult run(InMemoryEngine.Context context, TableId id, MaintenanceTask operation) {
    Lake lake = context.lake();
    Table table = lake.load(id);
    return operation.accept(
        new MaintenanceTask.Visitor<>() {
          @Override
          public TaskResult expireSnapshots(MaintenanceTask.ExpireSnapshots task) {
            return ExpireSnapshotsTask.run(lake, table, id, task);
          }

          @Override
          public TaskResult removeOldMetadata(MaintenanceTask.RemoveOldMetadata task) {
            return RemoveOldMetadataTask.run(table, id, task.keep());
          }

          @Override
          public TaskResult compact(MaintenanceTask.Compact task) {
            return CompactTask.run(lake, table, id, task);
          }

          @Override
          public TaskResult rewriteManifests(MaintenanceTask.RewriteManifests task) {
            return RewriteManifestsTask.run(lake, table, id);
          }

          @Override
          public TaskResult removeOrphans(MaintenanceTask.RemoveOrphans task) {
            return RemoveOrphansTask.run(lake, table, id, task);
          }

          @Override
          public TaskResult hardDelete(MaintenanceTask.HardDelete task) {
            return HardDeleteTask.run(lake, table, id, task);
          }
        });
  }

  static int size(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }
}
