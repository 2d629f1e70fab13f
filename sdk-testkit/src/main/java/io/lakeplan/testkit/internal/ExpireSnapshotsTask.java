package io.lakeplan.testkit.internal;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * Expires snapshots older than the cut-off (the driver clock minus {@code older-than}) with
 * Iceberg's own expiry, keeping the last few and every ref's head, then removes merge tombstones
 * older than their retention — as the Spark engine does.
 */
final class ExpireSnapshotsTask {

  private ExpireSnapshotsTask() {}

  static TaskResult run(
      Lake lake, Table table, TableId id, MaintenanceTask.ExpireSnapshots expire) {
    Instant cutoff = lake.now().minus(expire.olderThan());
    List<Snapshot> expired = expirable(lake, table, cutoff, expire.retainLast());
    int deletedFiles = expire(lake, table, expired);
    int remaining = MaintenanceTasks.size(table.snapshots());
    return TaskResult.succeeded(
        0,
        deletedFiles,
        0,
        Duration.ZERO,
        EngineSteps.snapshotsExpired(id, expired.size(), cutoff, remaining)
            + removeTombstones(lake, id));
  }

  /**
   * Removes the tombstones of merges into {@code target} written longer ago than their retention
   * (the tombstone table's {@link Merges#TOMBSTONE_RETENTION}); says how many, or nothing.
   */
  private static String removeTombstones(Lake lake, TableId target) {
    TableId id = Merge.tombstoneTableOf(target);
    Table tombstones = lake.find(id);
    String retention =
        tombstones == null ? null : tombstones.properties().get(Merges.TOMBSTONE_RETENTION);
    if (retention == null) {
      return "";
    }
    LocalDateTime cutoff =
        LocalDateTime.ofInstant(lake.now().minus(Duration.parse(retention)), ZoneOffset.UTC);
    Schema schema = tombstones.schema();
    int written = schema.columns().indexOf(schema.findField(Merges.TOMBSTONE_WRITTEN));
    Map<DataFile, List<Record>> rewritten = new LinkedHashMap<>();
    long removed = 0;
    for (DataFile file : lake.dataFiles(tombstones)) {
      List<Record> kept = new ArrayList<>();
      List<Record> rows = lake.read(tombstones.io(), file.location(), schema);
      for (Record row : rows) {
        Object time = row.get(written);
        if (time != null && ((LocalDateTime) time).isBefore(cutoff)) {
          removed++;
        } else {
          kept.add(row);
        }
      }
      if (kept.size() < rows.size()) {
        rewritten.put(file, kept);
      }
    }
    if (removed > 0) {
      Writes.overwrite(lake, tombstones, rewritten, List.of(), Map.of());
    }
    return Merges.tombstonesRemoved(
        removed, Durations.format(Duration.parse(retention)), id.toString());
  }

  /**
   * The snapshots committed (by the driver clock) before {@code cutoff}, except the {@code
   * retainLast} newest, the current one and those a branch or tag retains.
   */
  private static List<Snapshot> expirable(Lake lake, Table table, Instant cutoff, int retainLast) {
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    // newest first: by the driver clock, then by Iceberg's own order for commits at one instant
    snapshots.sort(
        Comparator.comparing(lake::commitTime)
            .thenComparingLong(Snapshot::timestampMillis)
            .thenComparingLong(Snapshot::sequenceNumber)
            .reversed());
    Set<Long> referenced = new java.util.HashSet<>();
    for (SnapshotRef ref : table.refs().values()) {
      referenced.add(ref.snapshotId());
    }
    List<Snapshot> expirable = new ArrayList<>();
    for (int i = Math.max(retainLast, 1); i < snapshots.size(); i++) {
      Snapshot snapshot = snapshots.get(i);
      if (lake.commitTime(snapshot).isBefore(cutoff)
          && !referenced.contains(snapshot.snapshotId())) {
        expirable.add(snapshot);
      }
    }
    return expirable;
  }

  /** Expires {@code snapshots} with Iceberg's expiry; returns the data files it deleted. */
  static int expire(Lake lake, Table table, List<Snapshot> snapshots) {
    if (snapshots.isEmpty()) {
      return 0;
    }
    int[] deletedDataFiles = {0};
    ExpireSnapshots expire =
        table.expireSnapshots().planWith(Lake.INLINE).executeDeleteWith(Lake.INLINE);
    snapshots.forEach(snapshot -> expire.expireSnapshotId(snapshot.snapshotId()));
    expire
        .deleteWith(
            location -> {
              if (lake.writtenFiles().containsKey(location)) {
                deletedDataFiles[0]++;
                lake.forget(location);
              }
              table.io().deleteFile(location);
            })
        .commit();
    table.refresh();
    return deletedDataFiles[0];
  }
}
