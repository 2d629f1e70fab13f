package io.lakeplan.spark.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.TaskResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Runs one maintenance operation on one table: one class per operation ({@link
 * ExpireSnapshotsAction}, {@link RemoveOldMetadataAction}, {@link CompactAction}, {@link
 * RewriteManifestsAction}, {@link RemoveOrphansAction}, {@link HardDeleteAction}) with Iceberg's
 * Spark actions, and the helpers they share. Retention cut-offs are the context's clock minus the
 * operation's {@code older-than}. Commits made here (compaction, manifest rewrite, hard delete)
 * carry the table's {@code lakeplan.*} snapshot summary properties forward (see {@link
 * Tables#lakeplanSummary(Table)}), so expiring the snapshots that first recorded a merge's source
 * snapshot or an ingestion's watermark does not lose them.
 */
final class MaintenanceExecutor {

  private MaintenanceExecutor() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask operation) {
    Sql.table(table);
    Tables.requireExists(context, table);
    return operation.accept(
        new MaintenanceTask.Visitor<>() {
          @Override
          public TaskResult expireSnapshots(MaintenanceTask.ExpireSnapshots task) {
            return ExpireSnapshotsAction.run(context, table, task);
          }

          @Override
          public TaskResult removeOldMetadata(MaintenanceTask.RemoveOldMetadata task) {
            return RemoveOldMetadataAction.run(context, table, task);
          }

          @Override
          public TaskResult compact(MaintenanceTask.Compact task) {
            return CompactAction.run(context, table, task);
          }

          @Override
          public TaskResult rewriteManifests(MaintenanceTask.RewriteManifests task) {
            return RewriteManifestsAction.run(context, table);
          }

          @Override
          public TaskResult removeOrphans(MaintenanceTask.RemoveOrphans task) {
            return RemoveOrphansAction.run(context, table, task);
          }

          @Override
          public TaskResult hardDelete(MaintenanceTask.HardDelete task) {
            return HardDeleteAction.run(context, table, task);
          }
        });
  }

  /** Snapshot ids that refs name: every ref, or every ref but {@code main} when not current. */
  static Set<Long> refHeads(Table iceberg, boolean includeMain) {
    Set<Long> heads = new HashSet<>();
    for (Map.Entry<String, SnapshotRef> ref : iceberg.refs().entrySet()) {
      if (includeMain || !ref.getKey().equals(SnapshotRef.MAIN_BRANCH)) {
        heads.add(ref.getValue().snapshotId());
      }
    }
    if (includeMain && iceberg.currentSnapshot() != null) {
      heads.add(iceberg.currentSnapshot().snapshotId());
    }
    return heads;
  }

  /** Runs an Iceberg action, turning its failure into a one-line task failure. */
  static <T> T action(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (TaskFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TaskFailedException(what + " failed: " + Failures.rootMessage(e), e);
    }
  }

  static long count(Context context, String sql) {
    return context.spark.sql(sql).first().getLong(0);
  }

  static int count(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }

  /** Epoch milliseconds of the first millisecond not before {@code instant}. */
  static long ceilMillis(Instant instant) {
    Instant truncated = instant.truncatedTo(ChronoUnit.MILLIS);
    return (truncated.equals(instant) ? truncated : truncated.plusMillis(1)).toEpochMilli();
  }
}
