package io.lakeplan.spark.internal;

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
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Hard delete with Iceberg's Spark actions: the rows older than the retention leave every data file
 * the table can still read, and every manifest entry that keeps a removed file's column bounds, as
 * {@link HardDeletes} describes — refused before any change while a tag or branch keeps such rows,
 * marked pending from the delete until the proof, and proven on the data files themselves (read
 * without the delete files that mask rows), so rows a merge-on-read delete only hid cannot pass the
 * proof, and on the manifests' entries of removed files ({@link RemovedFileEntries}).
 */
final class HardDeleteAction {

  private static final DateTimeFormatter WALL_CLOCK =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  /** Rewrite option: files with at least this many delete files are rewritten. */
  private static final String DELETE_FILE_THRESHOLD = "delete-file-threshold";

  private final Context context;
  private final TableId table;
  private final String tableSql;
  private final Types.NestedField column;
  private final Instant cutoff;
  private final Instant pending;
  private final String predicate;
  private final String condition;

  private HardDeleteAction(Context context, TableId table, MaintenanceTask.HardDelete task) {
    this.context = context;
    this.table = table;
    this.tableSql = Sql.table(table);
    Sql.quote(task.column());
    Table iceberg = Tables.load(context, table);
    this.column = iceberg.schema().caseInsensitiveFindField(task.column());
    if (column == null) {
      throw new TaskFailedException(
          EngineSteps.notAColumn(
              "Hard-delete column",
              task.column(),
              table,
              iceberg.schema().columns().stream().map(f -> f.name()).toList()));
    }
    this.pending =
        HardDeletes.pendingCutoff(iceberg.properties().get(HardDeletes.PENDING_PROPERTY));
    this.cutoff =
        HardDeletes.effectiveCutoff(
            context.clock.instant().minus(task.olderThan()),
            iceberg.properties().get(HardDeletes.PENDING_PROPERTY));
    this.predicate = Sql.quote(column.name()) + " < " + cutoffLiteral(table, column, cutoff);
    this.condition = HardDeletes.condition(column.name(), cutoff);
  }

  static TaskResult run(Context context, TableId table, MaintenanceTask.HardDelete task) {
    HardDeleteAction action = new HardDeleteAction(context, table, task);
    return task.dryRun() ? action.dryRun() : action.execute();
  }

  private TaskResult dryRun() {
    Table iceberg = Tables.load(context, table);
    long rows = liveRows(iceberg);
    Set<Long> kept = MaintenanceExecutor.refHeads(iceberg, false);
    // the current snapshot stays unless the run commits: a delete, or a manifest rewrite
    if (iceberg.currentSnapshot() != null
        && rows == 0
        && !RemovedFileEntries.kept(iceberg, iceberg.currentSnapshot())) {
      kept.add(iceberg.currentSnapshot().snapshotId());
    }
    long expiring = 0;
    for (Snapshot snapshot : iceberg.snapshots()) {
      if (!kept.contains(snapshot.snapshotId())) {
        expiring++;
      }
    }
    return TaskResult.succeeded(
        0, 0, 0, Duration.ZERO, HardDeletes.dryRun(table, rows, condition, expiring, pending));
  }

  private TaskResult execute() {
    Table iceberg = Tables.load(context, table);
    refuseWhileRefsKeepRows(iceberg);
    Set<Long> atStart = snapshotIds(iceberg);
    long rows = liveRows(iceberg);
    markPending(iceberg);

    if (rows > 0) {
      Map<String, String> carried = Tables.lakeplanSummary(iceberg);
      try {
        CommitMetadata.withCommitProperties(
            carried,
            () -> context.spark.sql("DELETE FROM " + tableSql + " WHERE " + predicate),
            RuntimeException.class);
      } catch (Exception e) {
        throw new TaskFailedException(
            "DELETE from " + table + " failed: " + Failures.rootMessage(e), e);
      }
      CrashPoints.reach("after-delete-commit");
    }
    applyDeleteFiles(Tables.load(context, table));
    dropRemovedFileEntries(Tables.load(context, table));

    iceberg = Tables.load(context, table);
    long deletedDataFiles = expireAllButHeads(iceberg);
    CrashPoints.reach("after-expiry");
    iceberg = Tables.load(context, table);
    Set<Long> remaining = snapshotIds(iceberg);
    // the snapshots the task found that are gone (its own commits, replaced, are not counted)
    int expired = (int) atStart.stream().filter(id -> !remaining.contains(id)).count();

    List<String> violations = prove(iceberg);
    if (!violations.isEmpty()) {
      throw new TaskFailedException(HardDeletes.notProven(table, violations, condition));
    }
    MaintenanceExecutor.action(
        "Clearing the pending hard delete of " + table,
        () -> {
          // proven: the pending marker goes, the cut-off stays for the merges into the table
          Table proven = Tables.load(context, table);
          UpdateProperties update = proven.updateProperties().remove(HardDeletes.PENDING_PROPERTY);
          HardDeletes.Retention.after(proven.properties(), column.name(), cutoff)
              .forEach(update::set);
          update.commit();
          return null;
        });
    return TaskResult.succeeded(
        rows,
        deletedDataFiles,
        0,
        Duration.ZERO,
        HardDeletes.succeeded(table, rows, condition, expired, remaining.size(), pending));
  }

  /** The rows of the current snapshot before the cut-off (delete files applied). */
  private long liveRows(Table iceberg) {
    return iceberg.currentSnapshot() == null
        ? 0
        : MaintenanceExecutor.count(
            context, "SELECT count(*) FROM " + tableSql + " WHERE " + predicate);
  }

  /** Nothing changes while a tag or a branch other than main still returns old rows. */
  private void refuseWhileRefsKeepRows(Table iceberg) {
    List<String> retained = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> ref : new TreeMap<>(iceberg.refs()).entrySet()) {
      if (ref.getKey().equals(SnapshotRef.MAIN_BRANCH) || !hasColumn(iceberg, ref.getValue())) {
        continue;
      }
      long rows =
          MaintenanceExecutor.count(
              context,
              "SELECT count(*) FROM "
                  + tableSql
                  + " VERSION AS OF "
                  + ref.getValue().snapshotId()
                  + " WHERE "
                  + predicate);
      if (rows > 0) {
        retained.add(
            HardDeletes.retained(
                ref.getKey(), ref.getValue().isTag(), ref.getValue().snapshotId(), rows));
      }
    }
    if (!retained.isEmpty()) {
      throw new TaskFailedException(HardDeletes.notStarted(table, retained, condition));
    }
  }

  private boolean hasColumn(Table iceberg, SnapshotRef ref) {
    Snapshot snapshot = iceberg.snapshot(ref.snapshotId());
    Schema schema =
        snapshot == null || snapshot.schemaId() == null
            ? iceberg.schema()
            : iceberg.schemas().get(snapshot.schemaId());
    return schema == null || schema.findField(column.fieldId()) != null;
  }

  private void markPending(Table iceberg) {
    MaintenanceExecutor.action(
        "Marking the hard delete of " + table + " pending",
        () -> {
          iceberg.updateProperties().set(HardDeletes.PENDING_PROPERTY, cutoff.toString()).commit();
          return null;
        });
  }

  /**
   * A merge-on-read DELETE (or an earlier merge) only writes delete files: the rows stay in the
   * data files. Rewriting the files that may hold old rows and have delete files applies them, so
   * once the older snapshots expire no data file holds a deleted row (position delete files hold
   * paths and positions, no row values).
   */
  private void applyDeleteFiles(Table iceberg) {
    Snapshot snapshot = iceberg.currentSnapshot();
    if (Tables.summaryLong(snapshot, "total-delete-files") == 0) {
      return;
    }
    Map<String, String> carried = Tables.lakeplanSummary(iceberg);
    MaintenanceExecutor.action(
        "Applying the delete files of " + table,
        () -> {
          RewriteDataFiles rewrite =
              SparkActions.get(context.spark)
                  .rewriteDataFiles(iceberg)
                  .filter(mayHoldOldRows())
                  .binPack()
                  .option(DELETE_FILE_THRESHOLD, "1");
          for (Map.Entry<String, String> entry : carried.entrySet()) {
            rewrite = rewrite.snapshotProperty(entry.getKey(), entry.getValue());
          }
          return rewrite.execute();
        });
    CrashPoints.reach("after-rewrite");
  }

  /**
   * The manifests of the delete, of the file rewrite or of earlier commits keep the entries of the
   * files they removed, bounds included: rewriting the current snapshot's manifests that hold such
   * entries leaves them to the older snapshots, whose expiry deletes them.
   */
  private void dropRemovedFileEntries(Table iceberg) {
    Map<String, String> carried = Tables.lakeplanSummary(iceberg);
    boolean committed =
        MaintenanceExecutor.action(
            "Rewriting the manifests of " + table + " that keep removed files' entries",
            () -> RemovedFileEntries.dropFromCurrent(iceberg, carried));
    if (committed) {
      CrashPoints.reach("after-manifest-rewrite");
    }
  }

  /** Files whose values of the column may lie before the cut-off, by their metrics. */
  private Expression mayHoldOldRows() {
    return Expressions.lessThan(column.name(), (Object) cutoffValue());
  }

  /** Every snapshot but the current one and those a tag or branch names; returns files deleted. */
  private long expireAllButHeads(Table iceberg) {
    Set<Long> keep = MaintenanceExecutor.refHeads(iceberg, true);
    Set<Long> expire = new LinkedHashSet<>();
    for (Snapshot snapshot : iceberg.snapshots()) {
      if (!keep.contains(snapshot.snapshotId())) {
        expire.add(snapshot.snapshotId());
      }
    }
    if (expire.isEmpty()) {
      return 0;
    }
    ExpireSnapshots.Result result =
        MaintenanceExecutor.action(
            "Expiring the snapshots of " + table + " after the hard delete",
            () -> {
              ExpireSnapshots expiry = SparkActions.get(context.spark).expireSnapshots(iceberg);
              for (long id : expire) {
                expiry = expiry.expireSnapshotId(id);
              }
              return expiry.execute();
            });
    return result.deletedDataFilesCount();
  }

  /**
   * The proof, on the data files themselves: for every remaining snapshot, the rows before the
   * cut-off in the data files it reads, delete files ignored (only files whose metrics allow such a
   * row are read); and on its data manifests: the entries of removed files whose bounds allow such
   * a row.
   */
  private List<String> prove(Table iceberg) {
    Map<String, DataFile> candidates = new LinkedHashMap<>();
    Map<Long, Set<String>> filesBySnapshot = new TreeMap<>();
    Map<Long, Map<String, Long>> removedEntries = new TreeMap<>();
    Map<String, Long> countedManifests = new HashMap<>();
    for (Snapshot snapshot : iceberg.snapshots()) {
      if (!schemaHasColumn(iceberg, snapshot)) {
        continue; // the column did not exist yet: no row of this snapshot has a value in it
      }
      Set<String> files = new HashSet<>();
      try (CloseableIterable<FileScanTask> tasks =
          iceberg.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
        for (FileScanTask task : tasks) {
          DataFile file = task.file();
          if (mayHoldOldRows(file)) {
            String path = normalized(file.location());
            candidates.putIfAbsent(path, file);
            files.add(path);
          }
        }
      } catch (java.io.IOException e) {
        throw new TaskFailedException("Cannot list the data files of " + table, e);
      }
      filesBySnapshot.put(snapshot.snapshotId(), files);
      removedEntries.put(
          snapshot.snapshotId(), removedEntries(iceberg, snapshot, countedManifests));
    }
    Map<String, Long> oldRows = oldRowsByFile(candidates);
    Map<Long, List<String>> refs = refsBySnapshot(iceberg);
    List<String> violations = new ArrayList<>();
    filesBySnapshot.forEach(
        (snapshotId, files) -> {
          long rows = 0;
          for (String file : files) {
            rows += oldRows.getOrDefault(file, 0L);
          }
          List<String> named = refs.getOrDefault(snapshotId, List.of());
          if (rows > 0) {
            violations.add(HardDeletes.violation(snapshotId, named, rows));
          }
          removedEntries
              .get(snapshotId)
              .forEach(
                  (manifest, entries) ->
                      violations.add(
                          HardDeletes.removedFileEntries(snapshotId, named, manifest, entries)));
        });
    return violations;
  }

  /** Per data manifest of {@code snapshot}, its removed files' entries that may hold old rows. */
  private Map<String, Long> removedEntries(
      Table iceberg, Snapshot snapshot, Map<String, Long> counted) {
    try {
      return RemovedFileEntries.count(iceberg, snapshot, this::mayHoldOldRows, counted);
    } catch (RuntimeException e) {
      throw new TaskFailedException(
          "Cannot read the manifests of "
              + table
              + " for the hard-delete proof: "
              + Failures.rootMessage(e)
              + "; "
              + HardDeletes.PENDING_PROPERTY
              + " stays set, run the hard delete again",
          e);
    }
  }

  private boolean schemaHasColumn(Table iceberg, Snapshot snapshot) {
    Schema schema =
        snapshot.schemaId() == null ? iceberg.schema() : iceberg.schemas().get(snapshot.schemaId());
    return schema == null || schema.findField(column.fieldId()) != null;
  }

  /** Whether the file's lower bound of the column is before the cut-off, or unknown. */
  private boolean mayHoldOldRows(DataFile file) {
    return mayHoldOldRows(file.lowerBounds(), file.nullValueCounts(), file.recordCount());
  }

  /** Whether a file's lower bound of the column is before the cut-off, or unknown. */
  private boolean mayHoldOldRows(
      Map<Integer, ByteBuffer> lower, Map<Integer, Long> nulls, long records) {
    ByteBuffer bound = lower == null ? null : lower.get(column.fieldId());
    if (bound == null) {
      Long nullCount = nulls == null ? null : nulls.get(column.fieldId());
      // only nulls in the column: no value before the cut-off
      return nullCount == null || nullCount < records;
    }
    Object value = Conversions.fromByteBuffer(column.type(), bound);
    return ((Comparable<Object>) value).compareTo(cutoffValue()) < 0;
  }

  /** The cut-off in Iceberg's representation of the column: micros, or days for a date. */
  private Object cutoffValue() {
    if (column.type().typeId() == Type.TypeID.DATE) {
      LocalDate day = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
      if (day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(cutoff)) {
        day = day.plusDays(1);
      }
      return (int) day.toEpochDay();
    }
    Instant micros = ceilMicros(cutoff);
    return ChronoUnit.MICROS.between(Instant.EPOCH, micros);
  }

  /** Rows before the cut-off per data file, read from the files with Spark's own file readers. */
  private Map<String, Long> oldRowsByFile(Map<String, DataFile> candidates) {
    Map<String, List<String>> byFormat = new TreeMap<>();
    candidates.forEach(
        (path, file) ->
            byFormat
                .computeIfAbsent(
                    file.format().name().toLowerCase(Locale.ROOT), f -> new ArrayList<>())
                .add(file.location()));
    Map<String, Long> counts = new TreeMap<>();
    byFormat.forEach(
        (format, paths) -> {
          List<Row> rows;
          try {
            rows =
                context
                    .spark
                    .read()
                    .format(format)
                    .load(paths.toArray(String[]::new))
                    .where(predicate)
                    .groupBy(functions.input_file_name())
                    .count()
                    .collectAsList();
          } catch (Exception e) {
            throw new TaskFailedException(
                "Cannot read the data files of "
                    + table
                    + " for the hard-delete proof: "
                    + Failures.rootMessage(e)
                    + "; "
                    + HardDeletes.PENDING_PROPERTY
                    + " stays set, run the hard delete again",
                e);
          }
          for (Row row : rows) {
            counts.merge(normalized(row.getString(0)), row.getLong(1), Long::sum);
          }
        });
    return counts;
  }

  private static String normalized(String location) {
    return new Path(location).toUri().getPath();
  }

  private static Map<Long, List<String>> refsBySnapshot(Table iceberg) {
    Map<Long, List<String>> refs = new TreeMap<>();
    new TreeMap<>(iceberg.refs())
        .forEach(
            (name, ref) ->
                refs.computeIfAbsent(ref.snapshotId(), id -> new ArrayList<>())
                    .add((ref.isTag() ? "tag '" : "branch '") + name + "'"));
    return refs;
  }

  /**
   * The SQL literal {@code column < literal} compares with: the cut-off instant for a timestamp
   * column, its UTC wall-clock time for a timestamp_ntz column, and for a date column the first day
   * whose start (midnight UTC) is not before the cut-off, so a date is deleted exactly when its
   * start is before the cut-off.
   */
  static String cutoffLiteral(TableId table, Types.NestedField column, Instant cutoff) {
    Type type = column.type();
    if (type.typeId() == Type.TypeID.DATE) {
      LocalDate day = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
      if (day.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(cutoff)) {
        day = day.plusDays(1);
      }
      return "DATE '" + day + "'";
    }
    if (type.typeId() == Type.TypeID.TIMESTAMP) {
      // Iceberg stores microseconds: value < cutoff exactly when value < cutoff rounded up
      LocalDateTime wallClock = LocalDateTime.ofInstant(ceilMicros(cutoff), ZoneOffset.UTC);
      return ((Types.TimestampType) type).shouldAdjustToUTC()
          ? "TIMESTAMP '" + WALL_CLOCK.format(wallClock) + "Z'"
          : "TIMESTAMP_NTZ '" + WALL_CLOCK.format(wallClock) + "'";
    }
    throw new TaskFailedException(
        HardDeletes.columnNotATime(column.name(), table, type.toString()));
  }

  private static Instant ceilMicros(Instant instant) {
    Instant truncated = instant.truncatedTo(ChronoUnit.MICROS);
    return truncated.equals(instant) ? truncated : truncated.plus(1, ChronoUnit.MICROS);
  }

  private static Set<Long> snapshotIds(Table iceberg) {
    Set<Long> ids = new HashSet<>();
    iceberg.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }
}
