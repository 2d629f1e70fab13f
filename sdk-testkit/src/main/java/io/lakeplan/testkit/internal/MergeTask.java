package io.lakeplan.testkit.internal;

import io.lakeplan.model.Condition;
import io.lakeplan.model.Merge;
import io.lakeplan.model.MergeHistory;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.ValueRuleException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * {@code MERGE INTO} in memory, with the Spark engine's semantics: the source rows of a key reduced
 * to one, the greatest by the order column (nulls last) and among equals the latest arrival ({@link
 * Merges}); source rows matching the delete condition delete their target row, other matches update
 * every column and the rest insert; a source row without a key value fails the task before anything
 * is written; incremental merges read only the source snapshots appended after the one recorded in
 * the target's last merge commit. Copy-on-write: every target file holding a matched row is
 * rewritten.
 */
final class MergeTask {

  private MergeTask() {}

  static String sourceSnapshotProperty(Merge merge) {
    return CommitProperties.mergeSourceSnapshot(merge.id());
  }

  static TaskResult run(InMemoryEngine.Context context, Merge merge) {
    if (merge.source() == null) {
      throw new TaskFailure(
          "Merge "
              + merge.id()
              + " runs SQL file "
              + merge.sqlFile()
              + ", which the in-memory engine cannot run: test it on the Spark engine (LocalRunner),"
              + " or declare source, keys, order-by and delete-when instead");
    }
    Lake lake = context.lake();
    Table target = lake.load(merge.target());
    Table source = lake.load(merge.source());
    Snapshot sourceSnapshot = source.currentSnapshot();
    if (sourceSnapshot == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "source " + merge.source() + " is empty");
    }
    long sourceId = sourceSnapshot.snapshotId();
    String recorded = Lake.latestSummaryValue(target, sourceSnapshotProperty(merge));
    Long lastMerged = recorded == null ? null : Long.valueOf(recorded);
    if (merge.incremental() && lastMerged != null && lastMerged == sourceId) {
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          "no new snapshots of " + merge.source() + " since " + sourceId + "; nothing merged");
    }
    boolean incrementalRead =
        merge.incremental()
            && lastMerged != null
            && onlyAppendsBetween(source, lastMerged, sourceId);
    List<Record> input =
        inArrivalOrder(
            lake,
            source,
            incrementalRead
                ? appendedFiles(source, lastMerged, sourceId)
                : lake.dataFiles(source, sourceId));

    Schema targetSchema = target.schema();
    Schema sourceSchema = source.schema();
    checkColumns(merge, targetSchema, sourceSchema);
    int read = input.size();
    // what a proven hard delete removed from the target stays out, whatever the source still holds
    HardDeletes.Retention retention = HardDeletes.Retention.of(target.properties());
    Types.NestedField retained =
        retention == null ? null : targetSchema.caseInsensitiveFindField(retention.column());
    if (retained != null) {
      int column = position(sourceSchema, merge.sourceColumn(retained.name()));
      if (column >= 0) {
        input =
            input.stream()
                .filter(row -> !HardDeleteTask.before(row.get(column), retention.cutoff()))
                .toList();
      }
    }
    int[] sourceKeys = positions(sourceSchema, merge.keys().stream().map(merge::sourceColumn));
    checkKeys(merge, input, sourceKeys);
    if (merge.history() == MergeHistory.SCD2) {
      TargetRows targetRows = new TargetRows(merge, sourceSchema, targetSchema);
      Predicate<Record> deletes = deletes(merge.deleteWhen(), sourceSchema);
      List<SourceRow> shaped =
          Parallel.map(input, row -> new SourceRow(targetRows.of(row), deletes.test(row)));
      targetRows.failIfRefused("The source of merge " + merge.id());
      History.Written history =
          History.write(lake, merge, target, shaped, sourceSnapshotProperty(merge), sourceId);
      return TaskResult.succeeded(
          read,
          Lake.summaryLong(history.snapshot(), "added-data-files"),
          Lake.summaryLong(history.snapshot(), "added-files-size"),
          Duration.ZERO,
          summary(merge, read, incrementalRead, sourceId)
              + (retained == null ? "" : retention.mergeSummary(merge.target()))
              + history.summary());
    }

    // one row per key: the greatest by the order columns, among equals the latest arrival
    int[] order = positions(sourceSchema, merge.orderBy().stream());
    Map<List<Object>, Record> latest = new LinkedHashMap<>();
    for (Record record : input) {
      List<Object> key = key(record, sourceKeys, sourceSchema);
      Record previous = latest.get(key);
      if (previous == null || compareVersions(record, order, previous, order) >= 0) {
        latest.put(key, record);
      }
    }
    List<List<Object>> keys = new ArrayList<>(latest.keySet());
    List<Record> rows = new ArrayList<>(latest.values());

    // each source row as the target row it would write, and whether it deletes instead: rows are
    // independent, so the cores share them
    TargetRows targetRows = new TargetRows(merge, sourceSchema, targetSchema);
    Predicate<Record> deletes = deletes(merge.deleteWhen(), sourceSchema);
    List<SourceRow> shaped =
        Parallel.map(rows, row -> new SourceRow(targetRows.of(row), deletes.test(row)));
    targetRows.failIfRefused("The source of merge " + merge.id());
    Map<List<Object>, SourceRow> byKey = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      byKey.put(keys.get(i), shaped.get(i));
    }

    Map<DataFile, List<Record>> rewritten = new LinkedHashMap<>();
    Set<List<Object>> matched = new HashSet<>();
    int[] targetKeys = positions(targetSchema, merge.keys().stream());
    // latest wins across runs: a change older than its target row is skipped (Merges)
    List<String> orderColumns = merge.orderByTargetColumns(Values.names(targetSchema));
    int[] targetOrder =
        orderColumns == null || orderColumns.isEmpty()
            ? null
            : positions(targetSchema, orderColumns.stream());
    long late = 0;
    for (DataFile file : lake.dataFiles(target)) {
      List<Record> kept = new ArrayList<>();
      boolean changed = false;
      for (Record existing : lake.read(target.io(), file.location(), targetSchema)) {
        List<Object> key = key(existing, targetKeys, targetSchema);
        // as in SQL, a null key equals nothing, not even another null
        SourceRow match = key.contains(null) ? null : byKey.get(key);
        if (match == null) {
          kept.add(existing);
          continue;
        }
        matched.add(key);
        if (targetOrder != null
            && compareVersions(match.asTarget(), targetOrder, existing, targetOrder) < 0) {
          late++;
          kept.add(existing);
          continue;
        }
        changed = true;
        if (!match.deletes()) {
          kept.add(match.asTarget());
        }
      }
      if (changed) {
        rewritten.put(file, kept);
      }
    }
    // deletes stay deleted: a change older than its key's tombstone inserts nothing (Merges)
    Tombstones tombstones =
        merge.effectiveTombstoneRetention() == null || targetOrder == null
            ? null
            : new Tombstones(lake, merge, targetSchema, targetKeys, targetOrder);
    List<Record> inserts = new ArrayList<>();
    for (Map.Entry<List<Object>, SourceRow> entry : byKey.entrySet()) {
      SourceRow row = entry.getValue();
      if (!row.deletes() && !matched.contains(entry.getKey())) {
        if (tombstones != null && tombstones.isOlder(row.asTarget())) {
          late++;
        } else {
          inserts.add(row.asTarget());
        }
      }
    }
    if (tombstones != null) {
      // every delete of the run, not only its keys' winners (as on Spark): a delete older than its
      // key's winner only remembers what that winner already supersedes
      List<Record> runDeletes = new ArrayList<>();
      for (Record row : input) {
        if (deletes.test(row)) {
          runDeletes.add(targetRows.of(row));
        }
      }
      tombstones.write(runDeletes);
    }
    Snapshot snapshot =
        Writes.overwrite(
            lake,
            target,
            rewritten,
            inserts,
            Map.of(sourceSnapshotProperty(merge), Long.toString(sourceId)));
    return TaskResult.succeeded(
        read,
        Lake.summaryLong(snapshot, "added-data-files"),
        Lake.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        summary(merge, read, incrementalRead, sourceId)
            + (retained == null ? "" : retention.mergeSummary(merge.target()))
            + (targetOrder == null ? "" : Merges.lateChanges(late, orderColumns)));
  }

  /** What every merge says first: how many source rows it read, and how. */
  private static String summary(Merge merge, long read, boolean incrementalRead, long sourceId) {
    return "merged "
        + read
        + " source rows, before dedupe ("
        + (incrementalRead ? "incremental" : "full")
        + " read of "
        + merge.source()
        + " up to snapshot "
        + sourceId
        + ") into "
        + merge.target();
  }

  /**
   * An SCD2 merge's history ({@link Merge#history()}): each key's versions rebuilt from the
   * target's rows and the run's source rows, then the target rows of those keys replaced in one
   * commit.
   */
  private static final class History {
    private History() {}

    /** An event of a key's history: a version (a target row) or a delete, at an order value. */
    private record Event(Object order, Record version) {}

    /** The commit of the rebuilt histories and what the task's summary says of them. */
    record Written(Snapshot snapshot, String summary) {}

    static Written write(
        Lake lake,
        Merge merge,
        Table target,
        List<SourceRow> changes,
        String property,
        long sourceId) {
      Schema schema = target.schema();
      int[] keys = positions(schema, merge.keys().stream());
      String orderColumn = merge.orderByTargetColumns(Values.names(schema)).get(0);
      int order = position(schema, orderColumn);
      int from = position(schema, Merge.VALID_FROM);
      int to = position(schema, Merge.VALID_TO);
      int current = position(schema, Merge.IS_CURRENT);
      long undated = changes.stream().filter(c -> c.asTarget().get(order) == null).count();
      if (undated > 0) {
        throw new TaskFailure(Merges.undatedVersions(merge, undated, merge.orderBy().get(0)));
      }
      // the run's changes by key, each key's by order value: among equals the later arrival
      Map<List<Object>, Map<Object, Event>> changed = new LinkedHashMap<>();
      for (SourceRow change : changes) {
        Record row = change.asTarget();
        changed
            .computeIfAbsent(version(row, keys), key -> new HashMap<>())
            .put(row.get(order), new Event(row.get(order), change.deletes() ? null : row));
      }
      // the target's rows of those keys: their versions and the deletes that closed them
      Map<DataFile, List<Record>> rewritten = new LinkedHashMap<>();
      Map<List<Object>, List<Record>> existing = new HashMap<>();
      for (DataFile file : lake.dataFiles(target)) {
        List<Record> kept = new ArrayList<>();
        boolean changedFile = false;
        for (Record row : lake.read(target.io(), file.location(), schema)) {
          List<Object> key = version(row, keys);
          if (changed.containsKey(key)) {
            existing.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            changedFile = true;
          } else {
            kept.add(row);
          }
        }
        if (changedFile) {
          rewritten.put(file, kept);
        }
      }
      List<Record> rebuilt = new ArrayList<>();
      long currentVersions = 0;
      for (Map.Entry<List<Object>, Map<Object, Event>> entry : changed.entrySet()) {
        java.util.TreeMap<Object, Event> events =
            new java.util.TreeMap<>(MigrationTasks::compareValues);
        List<Record> rows = new ArrayList<>(existing.getOrDefault(entry.getKey(), List.of()));
        rows.sort((a, b) -> MigrationTasks.compareValues(a.get(from), b.get(from)));
        for (int i = 0; i < rows.size(); i++) {
          Record row = rows.get(i);
          events.put(row.get(from), new Event(row.get(from), row));
          Object end = row.get(to);
          Object next = i + 1 < rows.size() ? rows.get(i + 1).get(from) : null;
          if (end != null && (next == null || MigrationTasks.compareValues(end, next) != 0)) {
            events.putIfAbsent(end, new Event(end, null));
          }
        }
        events.putAll(entry.getValue());
        List<Event> ordered = new ArrayList<>(events.values());
        for (int i = 0; i < ordered.size(); i++) {
          Event event = ordered.get(i);
          if (event.version() == null) {
            continue;
          }
          Object next = i + 1 < ordered.size() ? ordered.get(i + 1).order() : null;
          GenericRecord row = (GenericRecord) ((GenericRecord) event.version()).copy();
          row.set(from, event.order());
          row.set(to, next);
          row.set(current, next == null);
          rebuilt.add(row);
          if (next == null) {
            currentVersions++;
          }
        }
      }
      Snapshot snapshot =
          Writes.overwrite(
              lake, target, rewritten, rebuilt, Map.of(property, Long.toString(sourceId)));
      return new Written(
          snapshot, Merges.historySummary(changed.size(), rebuilt.size(), currentVersions));
    }
  }

  /** The values at {@code positions} of {@code record}: its version by the order-by columns. */
  private static List<Object> version(Record record, int[] positions) {
    Object[] values = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      values[i] = record.get(positions[i]);
    }
    return Arrays.asList(values);
  }

  /** How two versions compare ({@link Merges#compareVersions}), by the values' natural order. */
  private static int compareVersions(List<Object> version, List<Object> other) {
    return Merges.compareVersions(version, other, MigrationTasks::compareValues);
  }

  /**
   * How the version of {@code record} (its values at {@code positions}) compares with that of
   * {@code other} (at {@code otherPositions}): {@link #compareVersions(List, List)} without
   * building the two lists, for the dedupe and the target match, which compare once per row. Null
   * is the least value, as in {@link Merges#compareVersions}.
   */
  private static int compareVersions(
      Record record, int[] positions, Record other, int[] otherPositions) {
    for (int i = 0; i < positions.length; i++) {
      Object a = record.get(positions[i]);
      Object b = other.get(otherPositions[i]);
      int compared =
          a == null ? (b == null ? 0 : -1) : b == null ? 1 : MigrationTasks.compareValues(a, b);
      if (compared != 0) {
        return compared;
      }
    }
    return 0;
  }

  /**
   * An upsert of {@code records} (one per key, of the target's schema): matched rows are replaced,
   * the others inserted, in one commit with {@code properties}.
   */
  static Snapshot upsert(
      Lake lake,
      Table table,
      List<Record> records,
      List<String> keys,
      Set<List<Object>> deletes,
      Map<String, String> properties) {
    Schema schema = table.schema();
    int[] keyPositions = positions(schema, keys.stream());
    Map<List<Object>, Record> byKey = new LinkedHashMap<>();
    for (Record record : records) {
      byKey.put(key(record, keyPositions, schema), record);
    }
    Map<DataFile, List<Record>> rewritten = new LinkedHashMap<>();
    Set<List<Object>> matched = new HashSet<>();
    for (DataFile file : lake.dataFiles(table)) {
      List<Record> kept = new ArrayList<>();
      boolean changed = false;
      for (Record existing : lake.read(table.io(), file.location(), schema)) {
        List<Object> key = key(existing, keyPositions, schema);
        Record replacement = byKey.get(key);
        if (replacement == null && (deletes == null || !deletes.contains(key))) {
          kept.add(existing);
          continue;
        }
        changed = true;
        matched.add(key);
        if (replacement != null) {
          kept.add(replacement);
        }
      }
      if (changed) {
        rewritten.put(file, kept);
      }
    }
    List<Record> inserts = new ArrayList<>();
    byKey.forEach(
        (key, record) -> {
          if (!matched.contains(key)) {
            inserts.add(record);
          }
        });
    return Writes.overwrite(lake, table, rewritten, inserts, properties);
  }

  /** The values of {@code columns} (any case) of {@code record}. */
  static List<Object> key(Record record, List<String> columns, Schema schema) {
    return key(record, positions(schema, columns.stream()), schema);
  }

  /**
   * The values at {@code positions} of {@code record}, as tests see them (a missing column, -1, is
   * null). Columns are resolved to positions once per task: a lookup by name for every value of
   * every row was a third of a merge's time.
   */
  private static List<Object> key(Record record, int[] positions, Schema schema) {
    if (positions.length == 1) {
      return Collections.singletonList(value(record, positions[0], schema));
    }
    Object[] values = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      values[i] = value(record, positions[i], schema);
    }
    return Arrays.asList(values);
  }

  /**
   * A merge's tombstones ({@link Merges}): the key and order values of the deletes it applied, kept
   * in {@link Merge#tombstoneTable()}, read once per run.
   */
  private static final class Tombstones {
    private final Lake lake;
    private final Merge merge;
    private final Table table;
    private final Schema schema;
    // positions in the target rows, and of the same columns in the tombstones
    private final int[] targetKeys;
    private final int[] targetOrder;
    private final int[] keys;
    private final int[] order;
    // tombstones' order values by their key values
    private final Map<List<Object>, List<Object>> versions = new HashMap<>();

    Tombstones(Lake lake, Merge merge, Schema target, int[] targetKeys, int[] targetOrder) {
      this.lake = lake;
      this.merge = merge;
      this.targetKeys = targetKeys;
      this.targetOrder = targetOrder;
      List<String> keyNames = names(target, targetKeys);
      List<String> orderNames = names(target, targetOrder);
      this.table = lake.find(merge.tombstoneTable());
      this.schema = table != null ? table.schema() : schema(merge, target, orderNames);
      this.keys = positions(schema, keyNames.stream());
      this.order = positions(schema, orderNames.stream());
      if (table != null) {
        for (Record tombstone : lake.rows(table)) {
          versions.put(version(tombstone, keys), version(tombstone, order));
        }
      }
    }

    private static List<String> names(Schema schema, int[] positions) {
      List<String> names = new ArrayList<>();
      for (int position : positions) {
        names.add(schema.columns().get(position).name());
      }
      return names;
    }

    /** The tombstone schema: the target's key and order columns, then when it was written. */
    private static Schema schema(Merge merge, Schema target, List<String> orderColumns) {
      List<Types.NestedField> fields = new ArrayList<>();
      for (String name : Merges.tombstoneColumns(merge, orderColumns)) {
        Types.NestedField field = target.caseInsensitiveFindField(name);
        fields.add(Types.NestedField.optional(fields.size() + 1, field.name(), field.type()));
      }
      fields.add(
          Types.NestedField.optional(
              fields.size() + 1, Merges.TOMBSTONE_WRITTEN, Types.TimestampType.withoutZone()));
      return new Schema(fields);
    }

    /** Whether target row {@code row} is older than its key's tombstone. */
    boolean isOlder(Record row) {
      List<Object> tombstone = versions.get(version(row, targetKeys));
      return tombstone != null && compareVersions(version(row, targetOrder), tombstone) < 0;
    }

    /**
     * Commits, before the target's commit, a tombstone for the newest of {@code deletes} (target
     * rows) of each key when it is newer than the key's tombstone; creates the table with the
     * merge's first run (as on Spark) and records the retention on it.
     */
    void write(List<Record> deletes) {
      Map<List<Object>, Record> newest = new LinkedHashMap<>();
      for (Record delete : deletes) {
        newest.merge(
            version(delete, targetKeys),
            delete,
            (a, b) -> compareVersions(b, targetOrder, a, targetOrder) > 0 ? b : a);
      }
      List<Record> written = new ArrayList<>();
      LocalDateTime now = LocalDateTime.ofInstant(lake.now(), ZoneOffset.UTC);
      for (Map.Entry<List<Object>, Record> entry : newest.entrySet()) {
        Record delete = entry.getValue();
        List<Object> current = versions.get(entry.getKey());
        if (current != null && compareVersions(version(delete, targetOrder), current) <= 0) {
          continue;
        }
        GenericRecord tombstone = GenericRecord.create(schema);
        for (int i = 0; i < keys.length; i++) {
          tombstone.set(keys[i], delete.get(targetKeys[i]));
        }
        for (int i = 0; i < order.length; i++) {
          tombstone.set(order[i], delete.get(targetOrder[i]));
        }
        tombstone.set(schema.columns().size() - 1, now);
        written.add(tombstone);
      }
      Table tombstones = lake.createIfAbsent(merge.tombstoneTable(), schema);
      String retention = merge.effectiveTombstoneRetention().toString();
      if (!retention.equals(tombstones.properties().get(Merges.TOMBSTONE_RETENTION))) {
        tombstones.updateProperties().set(Merges.TOMBSTONE_RETENTION, retention).commit();
      }
      if (!written.isEmpty()) {
        upsert(lake, tombstones, written, names(schema, keys), null, Map.of());
      }
    }
  }

  /** A source row as the target row it writes, and whether it deletes its key instead. */
  private record SourceRow(Record asTarget, boolean deletes) {}

  /**
   * Whether a source row matches the delete condition (never, without one). Its columns are
   * resolved once; the predicate holds no state, so threads share it.
   */
  private static Predicate<Record> deletes(Condition condition, Schema schema) {
    if (condition == null) {
      return row -> false;
    }
    // the condition's columns, their positions and types in arrays: the condition asks for a
    // column by the name it holds, so a scan of a few names (identity first) finds it without
    // hashing, once per row and column
    String[] names = condition.columns().toArray(new String[0]);
    int[] positions = new int[names.length];
    Type[] types = new Type[names.length];
    for (int i = 0; i < names.length; i++) {
      positions[i] = position(schema, names[i]);
      types[i] = positions[i] < 0 ? null : schema.columns().get(positions[i]).type();
    }
    return row ->
        Boolean.TRUE.equals(
            condition.evaluate(
                column -> {
                  for (int i = 0; i < names.length; i++) {
                    if (names[i] == column || names[i].equals(column)) {
                      return positions[i] < 0
                          ? null
                          : Values.fromIceberg(types[i], row.get(positions[i]));
                    }
                  }
                  return value(row, position(schema, column), schema);
                }));
  }

  private static Object value(Record record, int position, Schema schema) {
    return position < 0
        ? null
        : Values.fromIceberg(schema.columns().get(position).type(), record.get(position));
  }

  /** The position of {@code column} (any case) in {@code schema}, -1 when it has none. */
  private static int position(Schema schema, String column) {
    Types.NestedField field = schema.caseInsensitiveFindField(column);
    return field == null ? -1 : schema.columns().indexOf(field);
  }

  private static int[] positions(Schema schema, java.util.stream.Stream<String> columns) {
    return columns.mapToInt(column -> position(schema, column)).toArray();
  }

  /**
   * Source rows as the target rows they write: each target column from its source column, coerced
   * to the target's type unless the two types are the same.
   */
  private static final class TargetRows {
    private final Schema target;
    private final int[] sources;
    private final boolean[] same;
    private final Refusals refusals;
    private final GenericRecord empty;

    TargetRows(Merge merge, Schema source, Schema target) {
      this.target = target;
      List<Types.NestedField> columns = target.columns();
      sources = new int[columns.size()];
      same = new boolean[columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        sources[i] =
            Merges.isHistoryColumn(merge, columns.get(i).name())
                ? -1
                : position(source, merge.sourceColumn(columns.get(i).name()));
        same[i] =
            sources[i] >= 0
                && source.columns().get(sources[i]).type().equals(columns.get(i).type());
      }
      refusals = new Refusals(target);
      empty = GenericRecord.create(target);
    }

    /** Fails the merge, before it writes, when a source value did not fit its target column. */
    void failIfRefused(String what) {
      refusals.failIfAny(what);
    }

    Record of(Record row) {
      GenericRecord record = empty.copy();
      List<Types.NestedField> columns = target.columns();
      for (int i = 0; i < sources.length; i++) {
        if (sources[i] < 0) {
          continue;
        }
        Object value = row.get(sources[i]);
        if (!same[i] && value != null) {
          Types.NestedField field = columns.get(i);
          Object raw = Values.fromIceberg(field.type(), value);
          try {
            value = Values.toIceberg(field.type(), Values.convert(field.type(), raw));
          } catch (ValueRuleException e) {
            refusals.add(i, raw);
            value = null;
          }
        }
        record.set(i, value);
      }
      return record;
    }
  }

  private static void checkColumns(Merge merge, Schema target, Schema source) {
    List<String> problems = new ArrayList<>();
    for (Types.NestedField column : target.columns()) {
      if (!Merges.isHistoryColumn(merge, column.name())
          && source.caseInsensitiveFindField(merge.sourceColumn(column.name())) == null) {
        problems.add(
            "target column "
                + column.name()
                + " has no source column "
                + merge.sourceColumn(column.name())
                + " in "
                + merge.source());
      }
    }
    for (String key : merge.keys()) {
      if (target.caseInsensitiveFindField(key) == null) {
        problems.add("key " + key + " is not a column of " + merge.target());
      }
    }
    for (String order : merge.orderBy()) {
      if (merge.targetColumnOf(order, Values.names(target)) == null) {
        problems.add(Merges.orderColumnNotKept(merge, order));
      }
    }
    Set<String> needed = new TreeSet<>();
    needed.addAll(merge.orderBy());
    if (merge.deleteWhen() != null) {
      needed.addAll(merge.deleteWhen().columns());
    }
    for (String column : needed) {
      if (source.caseInsensitiveFindField(column) == null) {
        problems.add("column " + column + " is not in " + merge.source());
      }
    }
    if (!problems.isEmpty()) {
      throw new TaskFailure(
          "Merge " + merge.id() + " does not fit its tables: " + String.join("; ", problems));
    }
  }

  /** Whether every snapshot after {@code from} up to {@code to} only appended or replaced. */
  static boolean onlyAppendsBetween(Table source, long from, long to) {
    Snapshot snapshot = source.snapshot(to);
    while (snapshot != null && snapshot.snapshotId() != from) {
      String operation = snapshot.operation();
      if (!DataOperations.APPEND.equals(operation) && !DataOperations.REPLACE.equals(operation)) {
        return false;
      }
      snapshot = snapshot.parentId() == null ? null : source.snapshot(snapshot.parentId());
    }
    return snapshot != null;
  }

  /**
   * Fails the task when a source row has no value in a key column: it would match no target row and
   * be inserted again by every run. Counts the rows and names the key columns, never the values.
   */
  private static void checkKeys(Merge merge, List<Record> input, int[] sourceKeys) {
    long rows = 0;
    boolean[] lacking = new boolean[sourceKeys.length];
    for (Record record : input) {
      boolean lacks = false;
      for (int i = 0; i < sourceKeys.length; i++) {
        if (record.get(sourceKeys[i]) == null) {
          lacking[i] = true;
          lacks = true;
        }
      }
      if (lacks) {
        rows++;
      }
    }
    if (rows > 0) {
      List<String> columns = new ArrayList<>();
      for (int i = 0; i < sourceKeys.length; i++) {
        if (lacking[i]) {
          columns.add(merge.sourceColumn(merge.keys().get(i)));
        }
      }
      throw new TaskFailure(Merges.nullKeys(merge, rows, columns));
    }
  }

  /**
   * The rows of {@code files} in arrival order ({@link Merges#arrivalOrder}): the files by data
   * sequence number, then path; the rows of each file in their order in it.
   */
  private static List<Record> inArrivalOrder(Lake lake, Table table, List<DataFile> files) {
    List<DataFile> ordered = new ArrayList<>(files);
    ordered.sort(Merges.arrivalOrder(MergeTask::sequenceNumber, DataFile::location));
    List<Record> records = new ArrayList<>();
    for (DataFile file : ordered) {
      records.addAll(lake.read(table.io(), file.location(), table.schema()));
    }
    return records;
  }

  /** The data sequence number of {@code file}: the commit that added its rows. */
  private static long sequenceNumber(DataFile file) {
    Long sequenceNumber = file.dataSequenceNumber();
    if (sequenceNumber == null) {
      throw new IllegalStateException("Data file " + file.location() + " has no sequence number");
    }
    return sequenceNumber;
  }

  /** The data files appended by the snapshots after {@code from} up to {@code to}. */
  private static List<DataFile> appendedFiles(Table source, long from, long to) {
    List<DataFile> files = new ArrayList<>();
    for (Snapshot snapshot = source.snapshot(to);
        snapshot != null && snapshot.snapshotId() != from;
        snapshot = snapshot.parentId() == null ? null : source.snapshot(snapshot.parentId())) {
      if (DataOperations.APPEND.equals(snapshot.operation())) {
        snapshot.addedDataFiles(source.io()).forEach(files::add);
      }
    }
    return files;
  }
}
