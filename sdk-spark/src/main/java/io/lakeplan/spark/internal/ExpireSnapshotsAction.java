package io.lakeplan.spark.internal;

import io.lakeplan.model.Durations;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.spark.actions.SparkActions;

/**
 * Expires a table's snapshots older than the cut-off (the context's clock minus {@code
 * older-than}), keeping the last few, with Iceberg's Spark action; then removes the tombstones of
 * merges into the table that are older than their retention.
 */
final class ExpireSnapshotsAction {

  private ExpireSnapshotsAction() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask.ExpireSnapshots task) {
    Instant cutoff = context.clock.instant().minus(task.olderThan());
    Table iceberg = Tables.load(context, table);
    int before = MaintenanceExecutor.count(iceberg.snapshots());
    long deletedDataFiles = 0;
    if (before > 0) {
      ExpireSnapshots.Result result =
          MaintenanceExecutor.action(
              "Expiring snapshots of " + table,
              () ->
                  SparkActions.get(context.spark)
                      .expireSnapshots(iceberg)
                      .expireOlderThan(MaintenanceExecutor.ceilMillis(cutoff))
                      .retainLast(task.retainLast())
                      .execute());
      deletedDataFiles = result.deletedDataFilesCount();
      CrashPoints.reach("after-commit");
    }
    int after = MaintenanceExecutor.count(Tables.load(context, table).snapshots());
    return TaskResult.succeeded(
        0,
        deletedDataFiles,
        0,
        Duration.ZERO,
        EngineSteps.snapshotsExpired(table, (before - after), cutoff, after)
            + removeTombstones(context, table));
  }

  /**
   * Removes the tombstones of merges into {@code target} written longer ago than their retention
   * (the tombstone table's {@link Merges#TOMBSTONE_RETENTION}); says how many, or nothing.
   */
  private static String removeTombstones(Context context, TableId target) {
    TableId id = Merge.tombstoneTableOf(target);
    if (!Tables.exists(context, id)) {
      return "";
    }
    String retention = Tables.load(context, id).properties().get(Merges.TOMBSTONE_RETENTION);
    if (retention == null) {
      return "";
    }
    Duration kept = Duration.parse(retention);
    String cutoff =
        "TIMESTAMP_NTZ '"
            + LocalDateTime.ofInstant(context.clock.instant().minus(kept), ZoneOffset.UTC)
            + "'";
    String table = Sql.table(id);
    String old = Sql.quote(Merges.TOMBSTONE_WRITTEN) + " < " + cutoff;
    long removed =
        context.spark.sql("SELECT count(*) FROM " + table + " WHERE " + old).first().getLong(0);
    if (removed > 0) {
      context.spark.sql("DELETE FROM " + table + " WHERE " + old);
    }
    return Merges.tombstonesRemoved(removed, Durations.format(kept), id.toString());
  }
}
