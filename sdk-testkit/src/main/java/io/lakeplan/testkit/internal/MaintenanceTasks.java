package io.lakeplan.testkit.internal;

import io.lakeplan.model.Durations;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.Merges;
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
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeWrapper;

/**
 * Table maintenance in memory with Iceberg's own operations where core has them (snapshot expiry,
 * metadata cleanup, manifest rewrite, file rewrites) and the Spark engine's rules: times are the
 * driver clock's, destructive operations have a dry run, and a hard delete ends with the proof that
 * no remaining snapshot returns a deleted row or reaches a manifest entry of a removed file that
 * could have held one ({@link RemovedFileEntries}).
 */
final class MaintenanceTasks {

  /** Iceberg's default smallest file a compaction leaves alone: 75% of the target size. */
  private static final double MIN_FILE_RATIO = 0.75;

  private MaintenanceTasks() {}

  static TaskResult run(InMemoryEngine.Context context, TableId id, MaintenanceTask operation) {
    Table table = context.lake().load(id);
    if (operation instanceof MaintenanceTask.ExpireSnapshots expire) {
      return expire(context.lake(), table, id, expire);
    }
    if (operation instanceof MaintenanceTask.RemoveOldMetadata metadata) {
      return removeOldMetadata(table, id, metadata.keep());
    }
    if (operation instanceof MaintenanceTask.Compact compact) {
      return compact(context.lake(), table, id, compact);
    }
    if (operation instanceof MaintenanceTask.RewriteManifests) {
      if (table.currentSnapshot() == null) {
        return TaskResult.succeeded(0, 0, 0, Duration.ZERO, EngineSteps.noManifests(id));
      }
      int before = table.currentSnapshot().allManifests(table.io()).size();
      org.apache.iceberg.RewriteManifests rewrite =
          Lake.inline(table.rewriteManifests()).rewriteIf(manifest -> true);
      Lake.lakeplanProperties(table).forEach(rewrite::set);
      rewrite.commit();
      context.lake().committed(table);
      int after = table.currentSnapshot().allManifests(table.io()).size();
      return TaskResult.succeeded(
          0,
          after,
          0,
          Duration.ZERO,
          "rewrote " + before + " manifest(s) of " + id + " into " + after);
    }
    if (operation instanceof MaintenanceTask.RemoveOrphans orphans) {
      return removeOrphans(context.lake(), table, id, orphans);
    }
    if (operation instanceof MaintenanceTask.HardDelete delete) {
      return hardDelete(context.lake(), table, id, delete);
    }
    throw new TaskFailure("Unknown maintenance operation: " + operation.kind());
  }

  private static TaskResult expire(
      Lake lake, Table table, TableId id, MaintenanceTask.ExpireSnapshots expire) {
    Instant cutoff = lake.now().minus(expire.olderThan());
    List<Snapshot> expired = expirable(lake, table, cutoff, expire.retainLast());
    int deletedFiles = expire(lake, table, expired);
    int remaining = size(table.snapshots());
    return TaskResult.succeeded(
        0,
        deletedFiles,
        0,
        Duration.ZERO,
        "expired "
            + expired.size()
            + " snapshot(s) of "
            + id
            + " older than "
            + cutoff
            + "; "
            + remaining
            + " remain"
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
  private static int expire(Lake lake, Table table, List<Snapshot> snapshots) {
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

  private static TaskResult removeOldMetadata(Table table, TableId id, int keep) {
    org.apache.iceberg.TableOperations operations =
        ((org.apache.iceberg.HasTableOperations) table).operations();
    Set<String> before = metadataFiles(operations.current());
    // the commit of these properties is itself the first commit that prunes the log (none when
    // they are set already)
    table
        .updateProperties()
        .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
        .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(keep))
        .commit();
    table.refresh();
    before.removeAll(metadataFiles(operations.refresh()));
    int removed = before.size();
    return TaskResult.succeeded(
        0, removed, 0, Duration.ZERO, EngineSteps.oldMetadataRemoved(id, removed, keep));
  }

  /** The metadata files a table version knows: its log and itself. */
  private static Set<String> metadataFiles(org.apache.iceberg.TableMetadata metadata) {
    Set<String> files = new java.util.LinkedHashSet<>();
    metadata.previousFiles().forEach(entry -> files.add(entry.file()));
    if (metadata.metadataFileLocation() != null) {
      files.add(metadata.metadataFileLocation());
    }
    return files;
  }

  private static TaskResult compact(
      Lake lake, Table table, TableId id, MaintenanceTask.Compact compact) {
    long target = compact.targetFileSize().bytes();
    long small = (long) (target * MIN_FILE_RATIO);
    Map<StructLikeWrapper, List<DataFile>> byPartition = new LinkedHashMap<>();
    for (DataFile file : lake.dataFiles(table)) {
      if (file.fileSizeInBytes() < small) {
        StructLikeWrapper key =
            StructLikeWrapper.forType(table.specs().get(file.specId()).partitionType())
                .set(file.partition());
        byPartition.computeIfAbsent(key, ignored -> new ArrayList<>()).add(file);
      }
    }
    Comparator<Record> order = order(compact, table, id);
    List<DataFile> removed = new ArrayList<>();
    List<Record> rows = new ArrayList<>();
    for (List<DataFile> files : byPartition.values()) {
      long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      // Iceberg's rules: enough files, or more data than one target file
      if (files.size() < 2 || (files.size() < compact.minInputFiles() && bytes <= target)) {
        continue;
      }
      removed.addAll(files);
      for (DataFile file : files) {
        rows.addAll(lake.read(table.io(), file.location(), table.schema()));
      }
    }
    if (removed.isEmpty()) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "nothing to compact in " + id);
    }
    if (order != null) {
      rows.sort(order);
    }
    List<DataFile> added = lake.write(table, rows);
    RewriteFiles rewrite = Lake.inline(table.newRewrite());
    Lake.lakeplanProperties(table).forEach(rewrite::set);
    removed.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    rewrite.commit();
    lake.committed(table);
    return TaskResult.succeeded(
        rows.size(),
        added.size(),
        added.stream().mapToLong(DataFile::fileSizeInBytes).sum(),
        Duration.ZERO,
        "rewrote " + removed.size() + " data files into " + added.size() + " in " + id);
  }

  /** The row order of a SORT compaction, or null for BINPACK. */
  private static Comparator<Record> order(
      MaintenanceTask.Compact compact, Table table, TableId id) {
    if (compact.strategy() != MaintenanceTask.Compact.Strategy.SORT) {
      return null;
    }
    List<SortField> fields = compact.sortBy();
    if (fields.isEmpty()) {
      SortOrder tableOrder = table.sortOrder();
      if (tableOrder.isUnsorted()) {
        throw new TaskFailure(EngineSteps.compactWithoutSortOrder(id));
      }
      fields = new ArrayList<>();
      for (org.apache.iceberg.SortField field : tableOrder.fields()) {
        String column = table.schema().findColumnName(field.sourceId());
        fields.add(
            SortField.of(
                column,
                field.direction() == org.apache.iceberg.SortDirection.DESC,
                field.nullOrder() == org.apache.iceberg.NullOrder.NULLS_FIRST));
      }
    }
    Comparator<Record> comparator = null;
    for (SortField field : fields) {
      Types.NestedField column = table.schema().caseInsensitiveFindField(field.column());
      if (column == null) {
        throw new TaskFailure(
            EngineSteps.compactSortColumnMissing(id, field.column(), Values.names(table.schema())));
      }
      String name = column.name();
      Comparator<Object> values = MigrationTasks::compareValues;
      if (field.descending()) {
        values = values.reversed();
      }
      Comparator<Object> withNulls =
          field.nullsFirst() ? Comparator.nullsFirst(values) : Comparator.nullsLast(values);
      Comparator<Record> next = Comparator.comparing(record -> record.getField(name), withNulls);
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    return comparator;
  }

  private static TaskResult removeOrphans(
      Lake lake, Table table, TableId id, MaintenanceTask.RemoveOrphans orphans) {
    Instant cutoff = lake.now().minus(orphans.olderThan());
    Set<String> referenced = lake.referencedFiles(table);
    String prefix = table.location() + "/";
    List<String> found = new ArrayList<>();
    lake.writtenFiles()
        .forEach(
            (location, created) -> {
              if (location.startsWith(prefix)
                  && !referenced.contains(location)
                  && created.isBefore(cutoff)
                  && lake.fileExists(location)) {
                found.add(location);
              }
            });
    if (orphans.dryRun()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.orphansFound(id, found.size(), cutoff));
    }
    for (String location : found) {
      table.io().deleteFile(location);
      lake.forget(location);
    }
    return TaskResult.succeeded(
        0, found.size(), 0, Duration.ZERO, EngineSteps.orphansDeleted(id, found.size(), cutoff));
  }

  private static TaskResult hardDelete(
      Lake lake, Table table, TableId id, MaintenanceTask.HardDelete delete) {
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
    expire(lake, table, expire);
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

  private static int size(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }
}
