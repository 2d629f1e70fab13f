package io.lakeplan.spark.internal;

import io.lakeplan.model.Merge;
import io.lakeplan.model.MergeHistory;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Upserts a source table into a target table with a generated {@code MERGE INTO}: the source rows
 * of a key are reduced to one, the greatest by the order column and among equals the latest arrival
 * ({@link MergeSource}), source rows matching the delete condition delete their target row, other
 * matches update and the rest insert; a source row without a key value fails the task before
 * anything is written. Incremental merges read only the source snapshots committed after the one
 * recorded in the target's last merge commit (the snapshot summary property {@code
 * lakeplan.merge.<merge-id>.source-snapshot}), so a re-run without new source data commits nothing.
 */
final class MergeExecutor {

  private MergeExecutor() {}

  /** The snapshot summary property recording the last merged source snapshot of {@code merge}. */
  static String sourceSnapshotProperty(Merge merge) {
    return CommitProperties.mergeSourceSnapshot(merge.id());
  }

  static TaskResult run(Context context, Merge merge) {
    if (merge.source() == null) {
      return runSqlFile(context, merge);
    }
    // every identifier is checked before anything touches the catalog
    String target = Sql.table(merge.target());
    String source = Sql.table(merge.source());
    merge.keys().forEach(Sql::quote);
    merge.orderBy().forEach(Sql::quote);
    merge
        .columns()
        .forEach(
            (targetColumn, sourceColumn) -> {
              Sql.quote(targetColumn);
              Sql.quote(sourceColumn);
            });
    if (merge.deleteWhen() != null) {
      merge.deleteWhen().columns().forEach(Sql::quote);
    }
    Tables.requireExists(context, merge.target());
    Tables.requireExists(context, merge.source());

    Table sourceTable = Tables.load(context, merge.source());
    Table targetTable = Tables.load(context, merge.target());
    long sourceSnapshot = Tables.currentSnapshotId(sourceTable);
    if (sourceSnapshot < 0) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "source " + merge.source() + " is empty");
    }
    Long lastMerged = lastMergedSourceSnapshot(targetTable, sourceSnapshotProperty(merge));
    if (merge.incremental() && lastMerged != null && lastMerged == sourceSnapshot) {
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          "no new snapshots of "
              + merge.source()
              + " since "
              + sourceSnapshot
              + "; nothing merged");
    }
    boolean incrementalRead =
        merge.incremental()
            && lastMerged != null
            && onlyAppendsBetween(sourceTable, lastMerged, sourceSnapshot);
    String sourceName = LakeplanCatalogNames.of(merge.source());
    Dataset<Row> input =
        incrementalRead
            ? context
                .spark
                .read()
                .format("iceberg")
                .option("start-snapshot-id", Long.toString(lastMerged))
                .option("end-snapshot-id", Long.toString(sourceSnapshot))
                .load(sourceName)
            : context
                .spark
                .read()
                .format("iceberg")
                .option("versionAsOf", Long.toString(sourceSnapshot))
                .load(sourceName);

    List<String> targetColumns = new ArrayList<>();
    StructField[] targetFields = context.spark.table(target).schema().fields();
    for (StructField field : targetFields) {
      targetColumns.add(field.name());
    }
    Set<String> sourceColumns = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (StructField field : input.schema().fields()) {
      sourceColumns.add(field.name());
    }
    List<String> problems = new ArrayList<>();
    for (String column : targetColumns) {
      if (!Merges.isHistoryColumn(merge, column)
          && !sourceColumns.contains(merge.sourceColumn(column))) {
        problems.add(
            "target column "
                + column
                + " has no source column "
                + merge.sourceColumn(column)
                + " in "
                + merge.source());
      }
    }
    for (String key : merge.keys()) {
      if (targetColumns.stream().noneMatch(key::equalsIgnoreCase)) {
        problems.add("key " + key + " is not a column of " + merge.target());
      }
    }
    for (String order : merge.orderBy()) {
      if (merge.targetColumnOf(order, targetColumns) == null) {
        problems.add(Merges.orderColumnNotKept(merge, order));
      }
    }
    Set<String> needed = new TreeSet<>();
    needed.addAll(merge.orderBy());
    if (merge.deleteWhen() != null) {
      needed.addAll(merge.deleteWhen().columns());
    }
    for (String column : needed) {
      if (!sourceColumns.contains(column)) {
        problems.add("column " + column + " is not in " + merge.source());
      }
    }
    if (!problems.isEmpty()) {
      throw new TaskFailedException(
          "Merge " + merge.id() + " does not fit its tables: " + String.join("; ", problems));
    }

    List<DataFile> files =
        incrementalRead
            ? MergeSource.appendedFiles(sourceTable, lastMerged, sourceSnapshot)
            : MergeSource.liveFiles(sourceTable, sourceSnapshot);
    String view = "lakeplan_merge_" + merge.id().replace('-', '_').toLowerCase(Locale.ROOT);
    Dataset<Row> arrived = MergeSource.withArrival(context.spark, input, files);
    // what a proven hard delete removed from the target stays out, whatever the source still holds
    HardDeletes.Retention retention = HardDeletes.Retention.of(targetTable.properties());
    Types.NestedField retained =
        retention == null
            ? null
            : targetTable.schema().caseInsensitiveFindField(retention.column());
    if (retained != null) {
      String column = Sql.quote(merge.sourceColumn(retained.name()));
      arrived =
          arrived.where(
              column
                  + " IS NULL OR "
                  + column
                  + " >= "
                  + HardDeleteAction.cutoffLiteral(merge.target(), retained, retention.cutoff()));
    }
    arrived.createOrReplaceTempView(view);
    try {
      String deduplicated = MergeSource.deduplicated(merge, view);
      // from the source's snapshot summaries, not a second pass over the data: counting the
      // deduplicated rows cost as much as a sixth of the merge itself (bench/README.md)
      long rows =
          incrementalRead
              ? appendedRecords(sourceTable, lastMerged, sourceSnapshot)
              : Tables.summaryLong(sourceTable.snapshot(sourceSnapshot), "total-records");
      // a source column of another type than its target column becomes it by the value rules
      Map<String, StructField> sourceFields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (StructField field : input.schema().fields()) {
        sourceFields.put(field.name(), field);
      }
      List<ValueChecks.Conversion> conversions = new ArrayList<>();
      Map<String, String> values = new LinkedHashMap<>();
      List<String> converted = new ArrayList<>();
      for (StructField column : targetFields) {
        if (Merges.isHistoryColumn(merge, column.name())) {
          continue;
        }
        StructField field = sourceFields.get(merge.sourceColumn(column.name()));
        String value = "s." + Sql.quote(merge.sourceColumn(column.name()));
        if (!field.dataType().equals(column.dataType())) {
          ValueChecks.Conversion conversion =
              ValueChecks.conversion(
                  context.spark,
                  column.name(),
                  Sql.quote(field.name()),
                  field.dataType(),
                  column.dataType());
          conversions.add(conversion);
          String alias = "lakeplan_value_" + converted.size();
          converted.add(conversion.sql() + " AS " + alias);
          value = "s." + alias;
        }
        values.put(column.name(), value);
      }
      String using =
          converted.isEmpty()
              ? deduplicated
              : "SELECT *, " + String.join(", ", converted) + " FROM (" + deduplicated + ")";
      if (merge.history() == MergeHistory.SCD2) {
        String changes = changes(merge, view, converted);
        long before = Tables.currentSnapshotId(targetTable);
        String history;
        try {
          history =
              HistoryMerge.run(
                  context,
                  merge,
                  targetFields,
                  changes,
                  values,
                  sourceSnapshotProperty(merge),
                  sourceSnapshot);
        } catch (RuntimeException e) {
          throw sourceFailure(
              context, merge, view, MergeSource.checked(merge, view), conversions, e, e);
        }
        Snapshot committed = committedSince(context, merge, before);
        return TaskResult.succeeded(
            rows,
            Tables.summaryLong(committed, "added-data-files"),
            Tables.summaryLong(committed, "added-files-size"),
            Duration.ZERO,
            summary(merge, rows, incrementalRead, sourceSnapshot)
                + (retained == null ? "" : retention.mergeSummary(merge.target()))
                + history);
      }
      // latest wins across runs: a change older than its target row is skipped (Merges)
      List<String> orderColumns = merge.orderByTargetColumns(targetColumns);
      String fresh =
          orderColumns == null || orderColumns.isEmpty()
              ? null
              : fresh(valuesOf(orderColumns, values), targetValues(orderColumns, "t."));
      LateChanges late = fresh == null ? null : LateChanges.register(context.spark, merge);
      // deletes stay deleted: a change older than its key's tombstone inserts nothing (Merges)
      String notTombstoned = null;
      if (fresh != null && merge.effectiveTombstoneRetention() != null) {
        try {
          Tombstones.write(
              context, merge, targetFields, changes(merge, view, converted), values, orderColumns);
        } catch (RuntimeException e) {
          throw sourceFailure(
              context,
              merge,
              view,
              deduplicated,
              conversions,
              e,
              new TaskFailedException(
                  "Writing the tombstones of merge "
                      + merge.id()
                      + " into "
                      + merge.tombstoneTable()
                      + " failed ("
                      + merge.target()
                      + " unchanged): "
                      + Failures.rootMessage(e),
                  e));
        }
        using = Tombstones.joined(merge, using, orderColumns);
        notTombstoned =
            late.counting(
                "(s."
                    + Tombstones.MISSING
                    + " OR "
                    + fresh(valuesOf(orderColumns, values), Tombstones.values(orderColumns))
                    + ")");
      }
      String statement =
          statement(
              merge,
              target,
              using,
              values,
              fresh,
              late == null ? null : late.counting(fresh),
              notTombstoned);
      long before = Tables.currentSnapshotId(targetTable);
      try {
        CommitMetadata.withCommitProperties(
            Map.of(sourceSnapshotProperty(merge), Long.toString(sourceSnapshot)),
            () -> context.spark.sql(statement),
            RuntimeException.class);
      } catch (Exception e) {
        throw sourceFailure(
            context,
            merge,
            view,
            deduplicated,
            conversions,
            e,
            new TaskFailedException(
                "MERGE into " + merge.target() + " failed: " + Failures.rootMessage(e), e));
      } finally {
        if (late != null) {
          late.drop(context.spark);
        }
      }
      CrashPoints.reach("after-commit");
      Snapshot committed = committedSince(context, merge, before);
      return TaskResult.succeeded(
          rows,
          Tables.summaryLong(committed, "added-data-files"),
          Tables.summaryLong(committed, "added-files-size"),
          Duration.ZERO,
          summary(merge, rows, incrementalRead, sourceSnapshot)
              + (retained == null ? "" : retention.mergeSummary(merge.target()))
              + (late == null ? "" : Merges.lateChanges(late.count(), orderColumns)));
    } finally {
      context.spark.catalog().dropTempView(view);
    }
  }

  /** The target's current snapshot when the merge committed one after {@code before}, or null. */
  private static Snapshot committedSince(Context context, Merge merge, long before) {
    Snapshot snapshot = Tables.load(context, merge.target()).currentSnapshot();
    return snapshot != null && snapshot.snapshotId() != before ? snapshot : null;
  }

  /**
   * Every source row of the run (view {@code view}, not deduplicated) with the {@code converted}
   * values, failing on a row without a key value.
   */
  private static String changes(Merge merge, String view, List<String> converted) {
    return converted.isEmpty()
        ? MergeSource.checked(merge, view)
        : "SELECT *, "
            + String.join(", ", converted)
            + " FROM ("
            + MergeSource.checked(merge, view)
            + ")";
  }

  /** What every merge says first: how many source rows it read, and how. */
  private static String summary(
      Merge merge, long rows, boolean incrementalRead, long sourceSnapshot) {
    return "merged "
        + rows
        + " source rows, before dedupe ("
        + (incrementalRead ? "incremental" : "full")
        + " read of "
        + merge.source()
        + " up to snapshot "
        + sourceSnapshot
        + ") into "
        + merge.target();
  }

  /**
   * The task failure for {@code error}, raised by a query reading the merge's source: a source row
   * without a key value, or a value its target column cannot take (counted again over query {@code
   * rows}), each named; otherwise {@code otherwise}.
   */
  private static RuntimeException sourceFailure(
      Context context,
      Merge merge,
      String view,
      String rows,
      List<ValueChecks.Conversion> conversions,
      Exception error,
      RuntimeException otherwise) {
    if (MergeSource.lacksKey(error)) {
      return MergeSource.nullKeys(context.spark, merge, view, error);
    }
    if (ValueChecks.isRefusal(error)) {
      return ValueChecks.refusal(
          context.spark.sql(rows), conversions, "The source of merge " + merge.id(), error);
    }
    return otherwise;
  }

  /**
   * Runs a user-supplied SQL file (path relative to the use-case file, or any Hadoop URI): its
   * statements, separated by a {@code ;} at the end of a line, in order. The file owns its
   * semantics — no dedupe, delete condition or incremental read is added — and each statement
   * commits on its own, so a failing statement leaves the target at the previous statement's
   * snapshot.
   */
  static TaskResult runSqlFile(Context context, Merge merge) {
    Tables.requireExists(context, merge.target());
    String location = context.resolve(merge.sqlFile());
    List<String> statements = statements(readText(context, location));
    if (statements.isEmpty()) {
      throw new TaskFailedException(
          "SQL file " + location + " of merge " + merge.id() + " has no statement");
    }
    long before = Tables.currentSnapshotId(Tables.load(context, merge.target()));
    for (int i = 0; i < statements.size(); i++) {
      try {
        context.spark.sql(statements.get(i));
      } catch (Exception e) {
        throw new TaskFailedException(
            "Statement "
                + (i + 1)
                + " of "
                + location
                + " failed: "
                + Failures.rootMessage(e)
                + (i == 0 ? "" : " (the " + i + " statement(s) before it are committed)"),
            e);
      }
    }
    Snapshot snapshot = Tables.load(context, merge.target()).currentSnapshot();
    boolean committed = snapshot != null && snapshot.snapshotId() != before;
    return TaskResult.succeeded(
        committed ? Tables.summaryLong(snapshot, "added-records") : 0,
        committed ? Tables.summaryLong(snapshot, "added-data-files") : 0,
        committed ? Tables.summaryLong(snapshot, "added-files-size") : 0,
        Duration.ZERO,
        "ran "
            + statements.size()
            + " statement(s) of "
            + location
            + (committed
                ? "; " + merge.target() + " is at snapshot " + snapshot.snapshotId()
                : "; " + merge.target() + " unchanged"));
  }

  /**
   * The statements of a SQL script: split at a {@code ;} ending a line, blanks and comments out.
   */
  static List<String> statements(String script) {
    List<String> statements = new ArrayList<>();
    for (String part : script.split(";[ \\t]*(\\R|$)")) {
      String statement =
          part.lines()
              .filter(line -> !line.strip().startsWith("--"))
              .collect(Collectors.joining("\n"))
              .strip();
      if (!statement.isEmpty()) {
        statements.add(statement);
      }
    }
    return statements;
  }

  private static String readText(Context context, String location) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(context.spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new TaskFailedException("SQL file does not exist: " + location);
      }
      try (InputStream in = fs.open(path)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read SQL file " + location, e);
    }
  }

  /** Records appended to {@code table} by its snapshots after {@code from} up to {@code to}. */
  private static long appendedRecords(Table table, long from, long to) {
    long records = 0;
    for (Snapshot snapshot = table.snapshot(to);
        snapshot != null && snapshot.snapshotId() != from;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      records += Tables.summaryLong(snapshot, "added-records");
    }
    return records;
  }

  /**
   * Whether a change is not older than a row, by their order values in the order-by's order ({@code
   * source}, {@code target}: SQL expressions of the same types), compared in turn with a null older
   * than any value ({@link Merges#compareVersions}). For one column: the row has no value, or the
   * change has one and it is not smaller.
   */
  static String fresh(List<String> source, List<String> target) {
    int last = source.size() - 1;
    String condition =
        "("
            + target.get(last)
            + " IS NULL OR ("
            + source.get(last)
            + " IS NOT NULL AND "
            + source.get(last)
            + " >= "
            + target.get(last)
            + "))";
    for (int i = last - 1; i >= 0; i--) {
      String newer =
          "("
              + source.get(i)
              + " IS NOT NULL AND ("
              + target.get(i)
              + " IS NULL OR "
              + source.get(i)
              + " > "
              + target.get(i)
              + "))";
      condition =
          "("
              + newer
              + " OR ("
              + source.get(i)
              + " <=> "
              + target.get(i)
              + " AND "
              + condition
              + "))";
    }
    return condition;
  }

  /** The source values ({@code values}: target column → expression) of {@code columns}. */
  static List<String> valuesOf(List<String> columns, Map<String, String> values) {
    return columns.stream().map(values::get).toList();
  }

  /** {@code columns} quoted, each after {@code prefix}. */
  static List<String> targetValues(List<String> columns, String prefix) {
    return columns.stream().map(column -> prefix + Sql.quote(column)).toList();
  }

  /**
   * The {@code MERGE INTO} statement. {@code fresh} (null without order-by) guards the matched
   * clauses; {@code countedFresh} is the same condition counting the rows it rejects, used once per
   * matched row: on the last clause, which every matched row that no earlier clause took reaches.
   */
  static String statement(
      Merge merge,
      String target,
      String source,
      Map<String, String> targetValues,
      String fresh,
      String countedFresh,
      String notTombstoned) {
    List<String> on = new ArrayList<>();
    for (String key : merge.keys()) {
      on.add("t." + Sql.quote(key) + " = s." + Sql.quote(merge.sourceColumn(key)));
    }
    List<String> set = new ArrayList<>();
    List<String> values = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, String> entry : targetValues.entrySet()) {
      String column = entry.getKey();
      String value = entry.getValue();
      set.add("t." + Sql.quote(column) + " = " + value);
      names.add(Sql.quote(column));
      values.add(value);
    }
    StringBuilder sql = new StringBuilder();
    sql.append("MERGE INTO ")
        .append(target)
        .append(" AS t USING (")
        .append(source)
        .append(") AS s ON ")
        .append(String.join(" AND ", on));
    String insertGuard = "";
    if (merge.deleteWhen() != null) {
      String condition = merge.deleteWhen().toSql(name -> "s." + Sql.quote(name));
      sql.append(" WHEN MATCHED AND ")
          .append(fresh == null ? "" : fresh + " AND ")
          .append("(")
          .append(condition)
          .append(") THEN DELETE");
      insertGuard = " AND NOT coalesce((" + condition + "), false)";
    }
    sql.append(" WHEN MATCHED")
        .append(countedFresh == null ? "" : " AND " + countedFresh)
        .append(" THEN UPDATE SET ")
        .append(String.join(", ", set));
    sql.append(" WHEN NOT MATCHED")
        .append(insertGuard)
        .append(notTombstoned == null ? "" : " AND " + notTombstoned)
        .append(" THEN INSERT (")
        .append(String.join(", ", names))
        .append(") VALUES (")
        .append(String.join(", ", values))
        .append(")");
    return sql.toString();
  }

  /** The source snapshot recorded by the latest merge commit of the target, or null. */
  static Long lastMergedSourceSnapshot(Table target, String property) {
    String value = Tables.latestSummaryValue(target, property);
    return value == null ? null : Long.valueOf(value);
  }

  /**
   * Whether every source snapshot after {@code from} up to {@code to} only appended data (or
   * rewrote it without change): then an incremental read sees every new row. Otherwise (an
   * overwrite or delete, or {@code from} is no longer an ancestor) the merge reads the whole
   * source, which is still correct because duplicates reduce to the latest row.
   */
  static boolean onlyAppendsBetween(Table source, long from, long to) {
    if (!SnapshotUtil.isAncestorOf(source, to, from)) {
      return false;
    }
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
}
