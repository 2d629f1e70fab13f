package io.lakeplan.testkit.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.TaskResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Deletes the rows whose time column lies before the cut-off, expires every snapshot that still
 * returns one, and proves that no remaining snapshot returns a deleted row or reaches a manifest
 * entry of a removed file that could have held one ({@link RemovedFileEntries}); refuses while a
 * tag or branch keeps old rows.
 */
final class HardDeleteTask {

  private HardDeleteTask() {}

  static TaskResult run(Lake lake, Table table, TableId id, MaintenanceTask.HardDelete delete) {
    Types.NestedField column = table.schema().caseInsensitiveFindField(delete.column());
    if (column == null) {
      throw new TaskFailure(
          EngineSteps.notAColumn(
              "Hard-delete column", delete.column(), id, Values.names(table.schema())));
    }
    if (column.type().typeId() != Type.TypeID.TIMESTAMP
        && column.type().typeId() != Type.TypeID.DATE) {
      throw new TaskFailure(
          HardDeletes.columnNotATime(column.name(), id, column.type().toString()));
    }
    String pendingText = table.properties().get(HardDeletes.PENDING_PROPERTY);
    Instant pending = HardDeletes.pendingCutoff(pendingText);
    Instant cutoff = HardDeletes.effectiveCutoff(lake.now().minus(delete.olderThan()), pendingText);
    String condition = HardDeletes.condition(column.name(), cutoff);
    Schema schema = table.schema();
    Map<DataFile, List<Record>> rewritten = new LinkedHashMap<>();
    long deleted = 0;
    for (DataFile file : lake.dataFiles(table)) {
      List<Record> kept = new ArrayList<>();
      List<Record> records = lake.read(table.io(), file.location(), schema);
      for (Record record : records) {
        if (before(record.getField(column.name()), cutoff)) {
          deleted++;
        } else {
          kept.add(record);
        }
      }
      if (kept.size() != records.size()) {
        rewritten.put(file, kept);
      }
    }
    Snapshot current = table.currentSnapshot();
    if (delete.dryRun()) {
      // what the run expires: every snapshot but the heads of refs other than main, and the
      // current one unless the run commits (a delete, or a manifest rewrite)
      Set<Long> kept = new java.util.HashSet<>();
      table
          .refs()
          .forEach(
              (name, ref) -> {
                if (!name.equals(SnapshotRef.MAIN_BRANCH)) {
                  kept.add(ref.snapshotId());
                }
              });
      if (current != null && deleted == 0 && !RemovedFileEntries.kept(table, current)) {
        kept.add(current.snapshotId());
      }
      int toExpire = 0;
      for (Snapshot snapshot : table.snapshots()) {
        if (!kept.contains(snapshot.snapshotId())) {
          toExpire++;
        }
      }
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, HardDeletes.dryRun(id, deleted, condition, toExpire, pending));
    }
    // nothing changes while a tag or a branch other than main still returns old rows
    List<String> retained = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> ref : new TreeMap<>(table.refs()).entrySet()) {
      if (ref.getKey().equals(SnapshotRef.MAIN_BRANCH)) {
        continue;
      }
      long old = oldRows(lake, table, ref.getValue().snapshotId(), column.name(), cutoff);
      if (old > 0) {
        retained.add(
            HardDeletes.retained(
                ref.getKey(), ref.getValue().isTag(), ref.getValue().snapshotId(), old));
      }
    }
    if (!retained.isEmpty()) {
      throw new TaskFailure(HardDeletes.notStarted(id, retained, condition));
    }
    Set<Long> atStart = snapshotIds(table);
    table.updateProperties().set(HardDeletes.PENDING_PROPERTY, cutoff.toString()).commit();
    if (deleted > 0) {
      Writes.overwrite(lake, table, rewritten, List.of(), Lake.lakeplanProperties(table));
    }
    // the manifests of the delete (or of earlier commits) keep the removed files' entries, bounds
    // included: the current snapshot gets manifests of live entries, the expiry deletes the others
    if (RemovedFileEntries.dropFromCurrent(table, Lake.lakeplanProperties(table))) {
      lake.committed(table);
    }
    // every snapshot but the new current one and those refs name may still return deleted rows
    Snapshot now = table.currentSnapshot();
    List<Snapshot> expire = new ArrayList<>();
    Set<Long> referenced = new java.util.HashSet<>();
    table
        .refs()
        .forEach(
            (name, ref) -> {
              if (!name.equals(SnapshotRef.MAIN_BRANCH)) {
                referenced.add(ref.snapshotId());
              }
            });
    for (Snapshot snapshot : table.snapshots()) {
      if (now != null
          && snapshot.snapshotId() != now.snapshotId()
          && !referenced.contains(snapshot.snapshotId())) {
        expire.add(snapshot);
      }
    }
    ExpireSnapshotsTask.expire(lake, table, expire);
    // the proof: no remaining snapshot's data files hold a row before the cutoff, and no data
    // manifest it reaches keeps a removed file's entry whose bounds allow one
    List<Snapshot> remaining = new ArrayList<>();
    table.snapshots().forEach(remaining::add);
    remaining.sort(Comparator.comparingLong(Snapshot::snapshotId));
    Map<String, Long> countedManifests = new java.util.HashMap<>();
    List<String> violations = new ArrayList<>();
    for (Snapshot snapshot : remaining) {
      List<String> refs = new ArrayList<>();
      new TreeMap<>(table.refs())
          .forEach(
              (name, ref) -> {
                if (ref.snapshotId() == snapshot.snapshotId()) {
                  refs.add((ref.isTag() ? "tag '" : "branch '") + name + "'");
                }
              });
      long left = oldRows(lake, table, snapshot.snapshotId(), column.name(), cutoff);
      if (left > 0) {
        violations.add(HardDeletes.violation(snapshot.snapshotId(), refs, left));
      }
      if (hasColumn(table, snapshot, column)) {
        RemovedFileEntries.count(
                table,
                snapshot,
                (lower, nulls, records) -> mayHoldOldRows(column, cutoff, lower, nulls, records),
                countedManifests)
            .forEach(
                (manifest, entries) ->
                    violations.add(
                        HardDeletes.removedFileEntries(
                            snapshot.snapshotId(), refs, manifest, entries)));
      }
    }
    if (!violations.isEmpty()) {
      throw new TaskFailure(HardDeletes.notProven(id, violations, condition));
    }
    // proven: the pending marker goes, the cut-off stays for the merges into the table
    UpdateProperties proven = table.updateProperties().remove(HardDeletes.PENDING_PROPERTY);
    HardDeletes.Retention.after(table.properties(), column.name(), cutoff).forEach(proven::set);
    proven.commit();
    Set<Long> left = snapshotIds(table);
    // the snapshots the task found that are gone (its own commits, replaced, are not counted)
    int expired = (int) atStart.stream().filter(snapshot -> !left.contains(snapshot)).count();
    return TaskResult.succeeded(
        deleted,
        0,
        0,
        Duration.ZERO,
        HardDeletes.succeeded(id, deleted, condition, expired, remaining.size(), pending));
  }

  private static Set<Long> snapshotIds(Table table) {
    Set<Long> ids = new java.util.HashSet<>();
    table.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }

  /** Whether {@code snapshot}'s schema has {@code column} (rows before it hold no value in it). */
  private static boolean hasColumn(Table table, Snapshot snapshot, Types.NestedField column) {
    Schema schema =
        snapshot.schemaId() == null ? table.schema() : table.schemas().get(snapshot.schemaId());
    return schema == null || schema.findField(column.fieldId()) != null;
  }

  /**
   * Whether a file's lower bound of {@code column} (a timestamp or date) is before {@code cutoff},
   * or unknown while the column may hold a value.
   */
  private static boolean mayHoldOldRows(
      Types.NestedField column,
      Instant cutoff,
      Map<Integer, ByteBuffer> lower,
      Map<Integer, Long> nulls,
      long records) {
    ByteBuffer bound = lower == null ? null : lower.get(column.fieldId());
    if (bound == null) {
      Long nullCount = nulls == null ? null : nulls.get(column.fieldId());
      // only nulls in the column: no value before the cut-off
      return nullCount == null || nullCount < records;
    }
    Object value = Conversions.fromByteBuffer(column.type(), bound);
    Instant start =
        column.type().typeId() == Type.TypeID.DATE
            ? LocalDate.ofEpochDay((Integer) value).atStartOfDay().toInstant(ZoneOffset.UTC)
            : Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS);
    return start.isBefore(cutoff);
  }

  /** The rows of snapshot {@code snapshotId} whose {@code column} lies before {@code cutoff}. */
  private static long oldRows(
      Lake lake, Table table, long snapshotId, String column, Instant cutoff) {
    long old = 0;
    for (Record record : lake.rows(table, snapshotId)) {
      if (before(record.getField(column), cutoff)) {
        old++;
      }
    }
    return old;
  }

  /** Whether a timestamp or date value lies before {@code cutoff} (times without zone in UTC). */
  static boolean before(Object value, Instant cutoff) {
    if (value == null) {
      return false;
    }
    Instant instant;
    if (value instanceof java.time.OffsetDateTime time) {
      instant = time.toInstant();
    } else if (value instanceof LocalDateTime time) {
      instant = time.toInstant(ZoneOffset.UTC);
    } else if (value instanceof LocalDate date) {
      instant = date.atStartOfDay().toInstant(ZoneOffset.UTC);
    } else {
      return false;
    }
    return instant.isBefore(cutoff);
  }
}
