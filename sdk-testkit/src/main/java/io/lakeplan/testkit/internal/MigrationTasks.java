package io.lakeplan.testkit.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.MigrationInputs;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.ReplacePartitions;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;

/**
 * A migration's tasks in memory: copy (source files to landing), convert (REWRITE with a dynamic
 * partition overwrite, or ADD_FILES registering the files in place), reconcile and record the
 * watermark. The "files" are the ones tests add with {@code PipelineTestDriver.landingFiles}.
 */
final class MigrationTasks {

  private MigrationTasks() {}

  static TaskResult copy(InMemoryEngine.Context context, Migration migration) {
    List<List<Map<String, Object>>> files = context.inputs().migrationFiles(migration.id());
    if (files.isEmpty()) {
      throw new TaskFailure(
          "Input path of migration "
              + migration.id()
              + " does not exist: "
              + source(migration)
              + " (add files with PipelineTestDriver.landingFiles(\""
              + migration.id()
              + "\"))");
    }
    context.inputs().land(migration.id(), files);
    long rows = files.stream().mapToLong(List::size).sum();
    return TaskResult.succeeded(
        0,
        files.size(),
        0,
        Duration.ZERO,
        "copied "
            + files.size()
            + " files ("
            + rows
            + " rows) of "
            + source(migration)
            + " to "
            + migration.landing());
  }

  static TaskResult convert(InMemoryEngine.Context context, Migration migration) {
    Table table = context.lake().load(migration.target().table());
    return migration.mode() == ConversionMode.ADD_FILES
        ? addFiles(context, migration, table)
        : rewrite(context, migration, table);
  }

  private static TaskResult rewrite(
      InMemoryEngine.Context context, Migration migration, Table table) {
    String fingerprint = fingerprint(context, migration);
    MigrationInputs.History history = Lake.conversion(table, migration.id());
    if (fingerprint.equals(history.recorded())) {
      record(context, table, migration, fingerprint);
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          MigrationInputs.unchanged(migration, location(migration), fingerprint));
    }
    if (history.overwriteUnsafe()) {
      throw new TaskFailure(
          MigrationInputs.overwriteRefused(
              migration, migration.target().table(), history.writesSince()));
    }
    // the input's columns against the table's, before anything is converted
    Map<String, ColumnType> inputColumns = inputColumns(context, migration);
    SchemaChanges.Decision changes = decide(migration, table, inputColumns);
    SchemaEvolution evolution = SchemaEvolution.begin(table, changes, inputColumns);
    Schema schema = evolution.schema();
    List<Record> records = converted(context, migration, schema);
    requireNoNullsInRequired(migration, schema, records);
    Table writeTo = evolution.table();
    List<DataFile> files = context.lake().write(writeTo, records);
    ReplacePartitions replace = Lake.inline(writeTo.newReplacePartitions());
    files.forEach(replace::addFile);
    if (files.isEmpty()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "no rows in " + location(migration) + "; nothing written");
    }
    replace.set(CommitProperties.migrationSource(migration.id()), fingerprint);
    replace.commit();
    evolution.commit(context.lake());
    context.lake().committed(table);
    record(context, table, migration, fingerprint);
    Snapshot snapshot = table.currentSnapshot();
    return TaskResult.succeeded(
        records.size(),
        Lake.summaryLong(snapshot, "added-data-files"),
        Lake.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        "wrote "
            + records.size()
            + " rows to "
            + migration.target().table()
            + " (overwrote "
            + files.size()
            + " partitions)"
            + changes.summary());
  }

  /** The columns of every input file together, typed by their values. */
  private static Map<String, ColumnType> inputColumns(
      InMemoryEngine.Context context, Migration migration) {
    List<Map<String, Object>> rows = new ArrayList<>();
    input(context, migration).forEach(rows::addAll);
    return Values.columnsOf(rows);
  }

  /** The input's columns against {@code table}'s ({@link SchemaChanges}). */
  private static SchemaChanges.Decision decide(
      Migration migration, Table table, Map<String, ColumnType> inputColumns) {
    return SchemaChanges.of(migration)
        .decide(
            List.copyOf(inputColumns.keySet()),
            Values.names(table.schema()),
            JdbcIngestTask.requiredColumns(table.schema()),
            TaskFailure::new);
  }

  private static TaskResult addFiles(
      InMemoryEngine.Context context, Migration migration, Table table) {
    if (!migration.source().format().supportsAddFiles()) {
      throw new TaskFailure(
          "Format " + migration.source().format() + " cannot be added in place; use mode rewrite");
    }
    String fingerprint = fingerprint(context, migration);
    MigrationInputs.History history = Lake.conversion(table, migration.id());
    if (fingerprint.equals(history.recorded())) {
      record(context, table, migration, fingerprint);
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          MigrationInputs.unchanged(migration, location(migration), fingerprint));
    }
    if (history.recorded() != null) {
      throw new TaskFailure(
          MigrationInputs.addedFolderChanged(
              migration, location(migration), history.recorded(), fingerprint));
    }
    List<List<Map<String, Object>>> input = input(context, migration);
    // add-files cannot add columns (validation refuses append-new-columns): extra ones stay unread
    SchemaChanges.Decision changes = decide(migration, table, inputColumns(context, migration));
    Set<String> registered = new HashSet<>();
    context.lake().dataFiles(table).forEach(file -> registered.add(file.location()));
    // the input files, as data files of the table's schema at stable places under the input path
    List<DataFile> files = new ArrayList<>();
    long rows = 0;
    for (int i = 0; i < input.size(); i++) {
      List<Record> records = strictlyTyped(migration, table.schema(), input.get(i));
      rows += records.size();
      String prefix =
          context.lake().warehouse() + "/input/" + location(migration) + "/part-" + i + "-";
      files.addAll(inPlace(context.lake(), table, records, prefix, registered));
    }
    long present = files.stream().filter(file -> registered.contains(file.location())).count();
    if (present == files.size() && !files.isEmpty()) {
      // added by a run that stopped before it recorded the input
      markConverted(context, table, migration, fingerprint);
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          "all "
              + files.size()
              + " files of "
              + location(migration)
              + " already in "
              + table.name());
    }
    if (present > 0) {
      throw new TaskFailure(
          present
              + " of "
              + files.size()
              + " files of "
              + location(migration)
              + " are already in "
              + migration.target().table()
              + "; remove them or the others before adding");
    }
    AppendFiles append = Lake.inline(table.newAppend());
    Writes.addFiles(table, append, files);
    append.set(CommitProperties.migrationSource(migration.id()), fingerprint);
    append.commit();
    context.lake().committed(table);
    record(context, table, migration, fingerprint);
    Snapshot snapshot = table.currentSnapshot();
    return TaskResult.succeeded(
        rows,
        files.size(),
        Lake.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        "added "
            + files.size()
            + " files of "
            + location(migration)
            + " to "
            + migration.target().table()
            + " in place"
            + changes.summary());
  }

  /** One data file per partition of an input file, at a place derived from the input file. */
  private static List<DataFile> inPlace(
      Lake lake, Table table, List<Record> records, String prefix, Set<String> registered) {
    List<DataFile> files = new ArrayList<>();
    Map<PartitionKey, List<Record>> byPartition =
        new Partitioner(table.spec(), table.schema()).group(records);
    int index = 0;
    for (Map.Entry<PartitionKey, List<Record>> partition : byPartition.entrySet()) {
      String location = prefix + (index++) + ".avro";
      if (registered.contains(location)) {
        // already added: describe it without writing it again
        files.add(
            lake.dataFiles(table).stream()
                .filter(file -> file.location().equals(location))
                .findFirst()
                .orElseThrow());
        continue;
      }
      files.add(
          lake.writeFile(
              table.io(),
              location,
              table.schema(),
              table.spec(),
              MetricsConfig.forTable(table),
              partition.getKey(),
              partition.getValue()));
    }
    return files;
  }

  /**
   * The fingerprint of the migration's input: each file's place and content (the engine's files are
   * rows in memory).
   */
  private static String fingerprint(InMemoryEngine.Context context, Migration migration) {
    List<List<Map<String, Object>>> files = input(context, migration);
    // each file's rows as text, files side by side (the text of 10k rows is ~5% of a test)
    List<String> hashes =
        Parallel.map(files, file -> MigrationInputs.fingerprint(List.of(file.toString())));
    List<String> described = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      described.add("part-" + i + " " + hashes.get(i));
    }
    return MigrationInputs.fingerprint(described);
  }

  /** The snapshot the conversion left (the current one when the history lacks it), or -1. */
  private static long asConverted(Table table, Migration migration) {
    Long conversion = Lake.conversion(table, migration.id()).conversionSnapshot();
    if (conversion != null) {
      return conversion;
    }
    return table.currentSnapshot() == null ? -1 : table.currentSnapshot().snapshotId();
  }

  /** Keeps the converted input's fingerprint as a table property, which outlives snapshots. */
  private static void record(
      InMemoryEngine.Context context, Table table, Migration migration, String fingerprint) {
    String key = CommitProperties.migrationSource(migration.id());
    if (!fingerprint.equals(table.properties().get(key))) {
      table.updateProperties().set(key, fingerprint).commit();
      context.lake().committed(table);
    }
  }

  /** Records an input added before (its snapshot lacks the fingerprint): a marking commit. */
  private static void markConverted(
      InMemoryEngine.Context context, Table table, Migration migration, String fingerprint) {
    AppendFiles mark = Lake.inline(table.newAppend());
    mark.set(CommitProperties.migrationSource(migration.id()), fingerprint);
    mark.commit();
    context.lake().committed(table);
    record(context, table, migration, fingerprint);
  }

  static TaskResult reconcile(InMemoryEngine.Context context, Migration migration) {
    if (migration.reconcile() == ReconcileLevel.NONE) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "reconciliation not requested");
    }
    Table table = context.lake().load(migration.target().table());
    boolean full = migration.reconcile() == ReconcileLevel.FULL;
    Schema schema = table.schema();
    List<Record> source = converted(context, migration, schema);
    // the table as the conversion left it: rows ingested since are not the migration's
    long snapshot = asConverted(table, migration);
    List<Record> target = snapshot < 0 ? List.of() : context.lake().rows(table, snapshot);
    List<String> differences = new ArrayList<>();
    compare(differences, "rows", source.size(), target.size());
    if (full) {
      // the two sides are profiled side by side
      List<Profile> profiles =
          Parallel.map(List.of(source, target), rows -> Profile.of(rows, schema));
      Profile expected = profiles.get(0);
      Profile actual = profiles.get(1);
      compare(differences, "row hash", expected.rowHash, actual.rowHash);
      List<Types.NestedField> columns = schema.columns();
      for (int i = 0; i < columns.size(); i++) {
        String column = "column " + columns.get(i).name();
        compare(differences, column + " count", expected.count[i], actual.count[i]);
        compare(differences, column + " nulls", expected.nulls[i], actual.nulls[i]);
        compare(differences, column + " min", expected.min[i], actual.min[i]);
        compare(differences, column + " max", expected.max[i], actual.max[i]);
        compare(differences, column + " hash", expected.hash[i], actual.hash[i]);
      }
    }
    if (!differences.isEmpty()) {
      throw new TaskFailure(
          "Source "
              + location(migration)
              + " and table "
              + migration.target().table()
              + " differ: "
              + String.join("; ", differences));
    }
    return TaskResult.succeeded(
        source.size(),
        0,
        0,
        Duration.ZERO,
        (full ? "full" : "row-count")
            + " reconciliation of "
            + migration.target().table()
            + " passed ("
            + source.size()
            + " rows"
            + (full ? ", " + schema.columns().size() + " columns" : "")
            + ")");
  }

  static TaskResult recordWatermark(InMemoryEngine.Context context, Migration migration) {
    String column = migration.watermarkColumn();
    if (column == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "no watermark column declared");
    }
    Table table = context.lake().load(migration.target().table());
    Types.NestedField field = table.schema().caseInsensitiveFindField(column);
    if (field == null) {
      throw new TaskFailure("Watermark column " + column + " is not in " + table.name());
    }
    Object max = null;
    long snapshot = asConverted(table, migration);
    for (Record record : snapshot < 0 ? List.<Record>of() : context.lake().rows(table, snapshot)) {
      Object value = Values.fromIceberg(field.type(), record.getField(field.name()));
      if (value != null && (max == null || compareValues(value, max) > 0)) {
        max = value;
      }
    }
    return EngineSteps.recordWatermark(
        context.watermarks(), migration.target().table(), column, max, TaskFailure::new);
  }

  /** A column value as a watermark: times in UTC, dates at their start, whole and decimals. */
  static Watermark toWatermark(Object value, String column) {
    return EngineSteps.toWatermark(value, column, TaskFailure::new);
  }

  /** Orders two values of one column (numbers, text, times, dates). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compareValues(Object left, Object right) {
    if (left instanceof Number a
        && right instanceof Number b
        && left.getClass() != right.getClass()) {
      return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
    }
    return ((Comparable) left).compareTo(right);
  }

  /** The migration's data: the landed copy when the migration has a landing location. */
  static List<List<Map<String, Object>>> input(
      InMemoryEngine.Context context, Migration migration) {
    List<List<Map<String, Object>>> files =
        migration.landing() != null
            ? context.inputs().landedFiles(migration.id())
            : context.inputs().migrationFiles(migration.id());
    if (files == null || files.isEmpty()) {
      throw new TaskFailure(
          "Input path of migration "
              + migration.id()
              + " does not exist: "
              + location(migration)
              + (migration.landing() != null && files == null
                  ? " (the copy task has not run)"
                  : " (add files with PipelineTestDriver.landingFiles(\""
                      + migration.id()
                      + "\"))"));
    }
    return files;
  }

  static String location(Migration migration) {
    return migration.landing() != null ? migration.landing() : source(migration);
  }

  private static String source(Migration migration) {
    return migration.source().path() != null
        ? migration.source().path()
        : migration.source().hiveTable();
  }

  /**
   * One input file as records of the table: the declared columns, converted to the declared types;
   * a column the file lacks is null (which columns may be missing is decided before, by {@link
   * SchemaChanges}).
   */
  static List<Record> shaped(Migration migration, Schema schema, List<Map<String, Object>> file) {
    List<Record> records = new ArrayList<>(file.size());
    Values.Conformer conformer =
        new Values.Conformer(schema, "the input of migration " + migration.id(), false)
            .collectingRefusals();
    for (Map<String, Object> row : file) {
      records.add(conformer.record(row));
    }
    conformer.failIfRefused("The input of migration " + migration.id());
    return records;
  }

  /**
   * The migration's input as records of {@code schema} ({@link #shaped}), file after file; the
   * records are never changed. Files are converted side by side, each once for the conversion and
   * its reconciliation ({@link Inputs#derived}); when files fail, the first failing file in order
   * fails the task, as a conversion one file at a time would.
   */
  private static List<Record> converted(
      InMemoryEngine.Context context, Migration migration, Schema schema) {
    Inputs inputs = context.inputs();
    List<Object> key = List.of(migration.id(), schema.asStruct());
    // a refused value fails the task once every file is read, counted over all of them
    Refusals refused = new Refusals(schema);
    List<List<Record>> files =
        Parallel.map(
            input(context, migration),
            file -> {
              try {
                return inputs.<List<Record>>derived(
                    file, key, rows -> shaped(migration, schema, rows));
              } catch (Refusals.Refused e) {
                refused.addAll(e.refusals());
                return List.of();
              }
            });
    refused.failIfAny("The input of migration " + migration.id());
    List<Record> records = new ArrayList<>();
    files.forEach(records::addAll);
    return records;
  }

  /** ADD_FILES does not cast: each stored value must already have its column's Java type. */
  private static List<Record> strictlyTyped(
      Migration migration, Schema schema, List<Map<String, Object>> file) {
    List<String> problems = new ArrayList<>();
    // files are registered as they are: a column they lack cannot be filled
    for (Types.NestedField field : schema.columns()) {
      if (!file.isEmpty()
          && file.stream()
              .noneMatch(row -> row.keySet().stream().anyMatch(field.name()::equalsIgnoreCase))) {
        problems.add("column " + field.name() + " is missing in the input");
      }
    }
    Set<String> seen = new HashSet<>();
    for (Map<String, Object> row : file) {
      for (Types.NestedField field : schema.columns()) {
        Object value = lookup(row, field.name());
        if (value == null || seen.contains(field.name())) {
          continue;
        }
        Object coerced = Values.coerce(field, value, "column " + field.name());
        if (!sameKind(value, coerced)) {
          seen.add(field.name());
          problems.add(
              "column "
                  + field.name()
                  + " is "
                  + value.getClass().getSimpleName()
                  + " in the input, table has "
                  + Values.typeName(field.type()));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new TaskFailure(
          "Schema mismatch between "
              + location(migration)
              + " and "
              + migration.target().table()
              + " (add_files does not cast): "
              + String.join("; ", problems));
    }
    List<Record> records = shaped(migration, schema, file);
    requireNoNullsInRequired(migration, schema, records);
    return records;
  }

  private static boolean sameKind(Object value, Object coerced) {
    if (value instanceof BigDecimal && coerced instanceof BigDecimal) {
      return true;
    }
    return value.getClass() == coerced.getClass() || value instanceof java.nio.ByteBuffer;
  }

  private static Object lookup(Map<String, Object> row, String column) {
    for (Map.Entry<String, Object> entry : row.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(column)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static void requireNoNullsInRequired(
      Migration migration, Schema schema, List<Record> records) {
    List<String> required = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      if (field.isRequired()) {
        required.add(field.name());
      }
    }
    long nulls =
        records.stream()
            .filter(record -> required.stream().anyMatch(name -> record.getField(name) == null))
            .count();
    if (nulls > 0) {
      throw new TaskFailure(
          nulls
              + " input rows have a null in a required column ("
              + String.join(", ", required)
              + "); table "
              + migration.target().table()
              + " unchanged");
    }
  }

  private static void compare(List<String> differences, String what, Object source, Object target) {
    if (!Objects.equals(source, target)) {
      differences.add(what + ": source=" + source + " target=" + target);
    }
  }

  /** A 64-bit finalizer so that sums of hashes of similar rows do not collide. */
  private static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A full reconciliation's view of one side, in one pass over its rows: a hash of the rows (order
   * independent) and per column the non-null count, null count, minimum, maximum and hash.
   */
  private static final class Profile {
    long rowHash;
    final long[] count;
    final long[] nulls;
    final long[] hash;
    final Object[] min;
    final Object[] max;

    private Profile(int columns) {
      count = new long[columns];
      nulls = new long[columns];
      hash = new long[columns];
      min = new Object[columns];
      max = new Object[columns];
    }

    static Profile of(List<Record> records, Schema schema) {
      int columns = schema.columns().size();
      Profile profile = new Profile(columns);
      for (Record record : records) {
        long row = 17;
        for (int i = 0; i < columns; i++) {
          Object value = record.get(i);
          row = row * 31 + Objects.hashCode(value);
          if (value == null) {
            profile.nulls[i]++;
            continue;
          }
          profile.count[i]++;
          profile.hash[i] += mix(value.hashCode());
          if (profile.min[i] == null || compareValues(value, profile.min[i]) < 0) {
            profile.min[i] = value;
          }
          if (profile.max[i] == null || compareValues(value, profile.max[i]) > 0) {
            profile.max[i] = value;
          }
        }
        profile.rowHash += mix(row);
      }
      return profile;
    }
  }
}
