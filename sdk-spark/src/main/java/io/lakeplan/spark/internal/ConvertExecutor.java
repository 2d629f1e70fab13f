package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.Migration;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.MigrationInputs;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Converts a migration's data into its Iceberg table. REWRITE reads, casts and writes with a
 * dynamic partition overwrite; ADD_FILES registers the existing Parquet/ORC/Avro files in place
 * with Iceberg's {@code add_files} procedure. Each records the fingerprint of its input, so a
 * re-run of an unchanged input does nothing, and a changed one never overwrites rows other writers
 * added or brings back rows a hard delete removed ({@link MigrationInputs}).
 */
final class ConvertExecutor {

  private ConvertExecutor() {}

  static TaskResult run(Context context, Migration migration) {
    TableDefinition target = migration.target();
    String table = Sql.table(target.table());
    Tables.requireExists(context, target.table());
    return migration.mode() == ConversionMode.ADD_FILES
        ? addFiles(context, migration, table)
        : rewrite(context, migration, table);
  }

  private static TaskResult rewrite(Context context, Migration migration, String table) {
    TableDefinition target = migration.target();
    String fingerprint = fingerprint(context, migration, null);
    Table iceberg = Tables.load(context, target.table());
    MigrationInputs.History history = Tables.conversion(iceberg, migration.id());
    if (fingerprint.equals(history.recorded())) {
      record(iceberg, migration, fingerprint);
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          MigrationInputs.unchanged(
              migration, SourceReader.location(context, migration), fingerprint));
    }
    if (history.overwriteUnsafe()) {
      throw new TaskFailedException(
          MigrationInputs.overwriteRefused(migration, target.table(), history.writesSince()));
    }
    // the input's columns against the table's, before anything is converted
    Dataset<Row> raw = SourceReader.raw(context, migration);
    StructType tableSchema = context.spark.table(table).schema();
    SchemaEvolution.Evolution evolution =
        SchemaEvolution.decide(SchemaChanges.of(migration), raw.schema(), tableSchema);
    SchemaChanges.Decision changes = evolution.changes();
    Map<String, ColumnType> added = evolution.added();
    Dataset<Row> data =
        SourceReader.shaped(context, migration, raw, columns(target, tableSchema, added)).cache();
    try {
      List<String> required = SourceReader.requiredColumns(target);
      String nullCheck =
          required.isEmpty()
              ? "0"
              : "count_if("
                  + String.join(
                      " OR ", required.stream().map(c -> Sql.quote(c) + " IS NULL").toList())
                  + ")";
      Row counts;
      try {
        counts = data.selectExpr("count(*)", nullCheck).first();
      } catch (Exception e) {
        throw new TaskFailedException(
            "Cannot read "
                + SourceReader.location(context, migration)
                + ": "
                + Failures.rootMessage(e)
                + " (table "
                + target.table()
                + " unchanged)",
            e);
      }
      long rows = counts.getLong(0);
      long nulls = ((Number) counts.get(1)).longValue();
      if (nulls > 0) {
        throw new TaskFailedException(
            nulls
                + " input rows have a null in a required column ("
                + String.join(", ", required)
                + "); table "
                + target.table()
                + " unchanged");
      }
      try {
        // the fingerprint is committed with the rows, and the new columns too: a re-run finds it
        // even if this run stops
        SchemaCommit.write(
            context,
            target.table(),
            added,
            written ->
                CommitMetadata.withCommitProperties(
                    Map.of(CommitProperties.migrationSource(migration.id()), fingerprint),
                    () -> {
                      data.writeTo(written).overwritePartitions();
                      return null;
                    },
                    RuntimeException.class));
      } catch (Exception e) {
        throw new TaskFailedException(
            "Write to " + target.table() + " failed: " + Failures.rootMessage(e), e);
      }
      CrashPoints.reach("after-commit");
      Table written = Tables.load(context, target.table());
      record(written, migration, fingerprint);
      Snapshot snapshot = written.currentSnapshot();
      return TaskResult.succeeded(
          rows,
          Tables.summaryLong(snapshot, "added-data-files"),
          Tables.summaryLong(snapshot, "added-files-size"),
          Duration.ZERO,
          "wrote "
              + rows
              + " rows to "
              + target.table()
              + " (overwrote "
              + Tables.summaryLong(snapshot, "changed-partition-count")
              + " partitions)"
              + changes.summary());
    } catch (TaskFailedException e) {
      if (ValueChecks.isRefusal(e)) {
        throw SourceReader.refusal(context, migration, e);
      }
      throw e;
    } finally {
      data.unpersist();
    }
  }

  /**
   * The columns a conversion writes: the definition's, the table's others (added by earlier runs),
   * then those this run adds.
   */
  private static List<Column> columns(
      TableDefinition target, StructType tableSchema, Map<String, ColumnType> added) {
    List<Column> columns = new ArrayList<>(target.columns());
    for (StructField field : tableSchema.fields()) {
      if (target.column(field.name()) == null) {
        columns.add(Column.of(field.name(), SchemaEvolution.columnType(field.dataType())));
      }
    }
    added.forEach((name, type) -> columns.add(Column.of(name, type)));
    return columns;
  }

  private static TaskResult addFiles(Context context, Migration migration, String table) {
    TableDefinition target = migration.target();
    if (!migration.source().format().supportsAddFiles()) {
      throw new TaskFailedException(
          "Format " + migration.source().format() + " cannot be added in place; use mode rewrite");
    }
    String location = SourceReader.location(context, migration);
    if (location.contains("'") || location.contains("`") || location.contains("\\")) {
      throw new TaskFailedException(
          "Unsafe input path for add_files: '" + location + "' (quotes are not allowed)");
    }
    // add_files does not cast: the stored types must already be the declared ones
    Table iceberg = Tables.load(context, target.table());
    InPlace inPlace = InPlace.of(context, migration, iceberg, location);
    StructType stored =
        inPlace != null ? inPlace.schema() : SourceReader.raw(context, migration).schema();
    Map<String, StructField> fields = new LinkedHashMap<>();
    for (StructField field : stored.fields()) {
      fields.put(field.name().toLowerCase(Locale.ROOT), field);
    }
    // add-files cannot add columns (validation refuses append-new-columns): extra ones stay unread
    SchemaChanges.Decision changes =
        SchemaChanges.of(migration)
            .decide(
                SchemaEvolution.names(stored),
                target.columns().stream().map(Column::name).toList(),
                SourceReader.requiredColumns(target),
                TaskFailedException::new);
    List<String> problems = new ArrayList<>();
    for (Column column : target.columns()) {
      StructField field = fields.get(column.name().toLowerCase(Locale.ROOT));
      String type = Sql.type(column.type());
      if (field == null) {
        problems.add("column " + column.name() + " is missing in the input");
      } else if (!field.dataType().sql().toLowerCase(Locale.ROOT).equals(type)) {
        problems.add(
            "column "
                + column.name()
                + " is "
                + field.dataType().sql().toLowerCase(Locale.ROOT)
                + " in the input, table has "
                + type);
      }
    }
    if (!problems.isEmpty()) {
      throw new TaskFailedException(
          "Schema mismatch between "
              + location
              + " and "
              + target.table()
              + " (add_files does not cast): "
              + String.join("; ", problems));
    }
    String fingerprint = fingerprint(context, migration, inPlace == null ? null : inPlace.files());
    MigrationInputs.History history = Tables.conversion(iceberg, migration.id());
    if (fingerprint.equals(history.recorded())) {
      record(iceberg, migration, fingerprint);
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, MigrationInputs.unchanged(migration, location, fingerprint));
    }
    if (history.recorded() != null) {
      // the folder's files are the table's: adding a changed folder again would add rows twice
      throw new TaskFailedException(
          MigrationInputs.addedFolderChanged(migration, location, history.recorded(), fingerprint));
    }
    Set<String> registered = new HashSet<>();
    iceberg
        .newScan()
        .planFiles()
        .forEach(task -> registered.add(new Path(task.file().location()).toUri().getPath()));
    List<String> files =
        inPlace == null
            ? dataFiles(context, location)
            : inPlace.files().stream().map(file -> file.getPath().toUri().getPath()).toList();
    long present = files.stream().filter(registered::contains).count();
    if (present == files.size() && !files.isEmpty()) {
      // added by a run that stopped before it recorded the folder
      markConverted(iceberg, migration, fingerprint);
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          "all " + files.size() + " files of " + location + " already in " + target.table());
    }
    if (present > 0) {
      throw new TaskFailedException(
          present
              + " of "
              + files.size()
              + " files of "
              + location
              + " are already in "
              + target.table()
              + "; remove them or the others before adding");
    }
    if (inPlace != null) {
      return inPlace.register(fingerprint, changes);
    }
    String format = migration.source().format().name().toLowerCase(Locale.ROOT);
    String call =
        "CALL "
            + io.lakeplan.spark.LakeplanCatalog.NAME
            + ".system.add_files(table => "
            + Sql.literal(target.table().namespace() + "." + target.table().name())
            + ", source_table => "
            + Sql.literal("`" + format + "`.`" + location + "`")
            // the files were checked against the table's just above; the procedure's own check
            // repeats that as a Spark job (a third of the task's time on 1 M rows)
            + ", check_duplicate_files => false)";
    Row result;
    try {
      result = context.spark.sql(call).first();
    } catch (Exception e) {
      throw new TaskFailedException(
          "add_files into " + target.table() + " failed: " + Failures.rootMessage(e), e);
    }
    CrashPoints.reach("after-commit");
    // add_files takes no commit properties: a marking commit records the folder right after
    Table added = Tables.load(context, target.table());
    Snapshot snapshot = added.currentSnapshot();
    markConverted(added, migration, fingerprint);
    long addedFiles = ((Number) result.get(0)).longValue();
    return TaskResult.succeeded(
        Tables.summaryLong(snapshot, "added-records"),
        addedFiles,
        Tables.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        "added "
            + addedFiles
            + " files of "
            + location
            + " to "
            + target.table()
            + " in place"
            + changes.summary());
  }

  /**
   * The fingerprint of the migration's input: the copy's inventory (paths, sizes, checksums) when
   * the landing folder has one, else each file's path, size and modification time.
   *
   * @param listed the input's files as a recursive listing of its folder finds them, or null to
   *     list them
   */
  private static String fingerprint(Context context, Migration migration, List<FileStatus> listed) {
    Configuration conf = context.spark.sparkContext().hadoopConfiguration();
    List<String> described = new ArrayList<>();
    try {
      if (migration.source().hiveTable() != null && migration.landing() == null) {
        for (String file : context.spark.table(migration.source().hiveTable()).inputFiles()) {
          Path path = new Path(file);
          FileStatus status = path.getFileSystem(conf).getFileStatus(path);
          described.add(file + " " + status.getLen() + " " + status.getModificationTime());
        }
        return MigrationInputs.fingerprint(described);
      }
      Path root = new Path(SourceReader.location(context, migration));
      FileSystem fs = root.getFileSystem(conf);
      Path inventory = new Path(root, CopyExecutor.INVENTORY);
      if (fs.exists(inventory)) {
        try (BufferedReader reader =
            new BufferedReader(new InputStreamReader(fs.open(inventory), StandardCharsets.UTF_8))) {
          reader.lines().filter(line -> !line.isBlank()).forEach(described::add);
        }
        return MigrationInputs.fingerprint(described);
      }
      if (!fs.exists(root)) {
        throw new TaskFailedException(
            "Input path of migration " + migration.id() + " does not exist: " + root);
      }
      String prefix = fs.getFileStatus(root).getPath().toUri().getPath();
      Iterator<? extends FileStatus> iterator =
          listed != null ? listed.iterator() : listing(fs.listFiles(root, true));
      while (iterator.hasNext()) {
        FileStatus status = iterator.next();
        String name = status.getPath().getName();
        if (name.startsWith("_") || name.startsWith(".")) {
          continue; // readers skip them too
        }
        String path = status.getPath().toUri().getPath();
        described.add(
            (path.startsWith(prefix) ? path.substring(prefix.length()) : path)
                + " "
                + status.getLen()
                + " "
                + status.getModificationTime());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the input of migration " + migration.id(), e);
    }
    return MigrationInputs.fingerprint(described);
  }

  /** A listing's remote iterator as an iterator (its I/O errors unchecked). */
  private static Iterator<LocatedFileStatus> listing(RemoteIterator<LocatedFileStatus> remote) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return remote.hasNext();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public LocatedFileStatus next() {
        try {
          return remote.next();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /** Keeps the converted input's fingerprint as a table property, which outlives snapshots. */
  private static void record(Table table, Migration migration, String fingerprint) {
    String key = CommitProperties.migrationSource(migration.id());
    if (!fingerprint.equals(table.properties().get(key))) {
      table.updateProperties().set(key, fingerprint).commit();
    }
  }

  /** Records an input added in place: a commit without files carrying the fingerprint. */
  private static void markConverted(Table table, Migration migration, String fingerprint) {
    table.newAppend().set(CommitProperties.migrationSource(migration.id()), fingerprint).commit();
    record(table, migration, fingerprint);
  }

  private static List<String> dataFiles(Context context, String location) {
    Path root = new Path(location);
    List<String> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(context.spark.sparkContext().hadoopConfiguration());
      RemoteIterator<LocatedFileStatus> iterator = fs.listFiles(root, true);
      while (iterator.hasNext()) {
        Path path = iterator.next().getPath();
        String name = path.getName();
        if (!name.startsWith("_") && !name.startsWith(".")) {
          files.add(path.toUri().getPath());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + location, e);
    }
    return files;
  }
}
