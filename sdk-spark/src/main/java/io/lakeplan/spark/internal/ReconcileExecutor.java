package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StringType;

/**
 * Proves that a migration's input and its Iceberg table agree. ROW_COUNT compares row counts; FULL
 * also compares, per column, the non-null count, null count, minimum, maximum and an
 * order-independent hash (the sum of per-value 64-bit hashes), plus the same hash over whole rows.
 * Any difference fails the task with one line per differing statistic.
 */
final class ReconcileExecutor {

  private static final String[] STATISTICS = {"count", "nulls", "min", "max", "hash"};

  private ReconcileExecutor() {}

  static TaskResult run(Context context, Migration migration) {
    if (migration.reconcile() == ReconcileLevel.NONE) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "reconciliation not requested");
    }
    Tables.requireExists(context, migration.target().table());
    boolean full = migration.reconcile() == ReconcileLevel.FULL;
    Row source;
    List<String> targetColumns = new ArrayList<>();
    try {
      // the source as it is stored, before any cast: each table value is cast back to its
      // source column's type (exact for every value the conversion accepted), so a value the
      // conversion changed is a difference; text is read by the value rules, as the conversion
      // read it
      Dataset<Row> raw = SourceReader.raw(context, migration);
      List<String> sourceColumns = new ArrayList<>();
      for (ValueChecks.Conversion conversion : SourceReader.conversions(context, migration, raw)) {
        String column = Sql.quote(conversion.column());
        if (conversion.from() instanceof StringType && !(conversion.to() instanceof StringType)) {
          sourceColumns.add(conversion.converted());
          targetColumns.add(column);
        } else {
          sourceColumns.add(conversion.source());
          targetColumns.add(
              conversion.from().equals(conversion.to())
                  ? column
                  : "CAST(" + column + " AS " + conversion.from().sql() + ")");
        }
      }
      source = raw.selectExpr(toArray(aggregates(sourceColumns, full))).first();
    } catch (TaskFailedException e) {
      throw e;
    } catch (Exception e) {
      throw new TaskFailedException(
          "Cannot read "
              + SourceReader.location(context, migration)
              + ": "
              + Failures.rootMessage(e),
          e);
    }
    CrashPoints.reach("source-read");
    // the table as the conversion left it: rows ingested since are not the migration's
    Dataset<Row> targetData =
        context.spark.sql("SELECT * FROM " + Tables.asConverted(context, migration));
    Row target = targetData.selectExpr(toArray(aggregates(targetColumns, full))).first();
    List<String> differences = new ArrayList<>();
    compare(differences, "rows", source.get(0), target.get(0));
    if (full) {
      compare(differences, "row hash", source.get(1), target.get(1));
      int index = 2;
      for (Column column : migration.target().columns()) {
        for (String statistic : STATISTICS) {
          compare(
              differences,
              "column " + column.name() + " " + statistic,
              source.get(index),
              target.get(index));
          index++;
        }
      }
    }
    long rows = source.getLong(0);
    if (!differences.isEmpty()) {
      throw new TaskFailedException(
          "Source "
              + SourceReader.location(context, migration)
              + " and table "
              + migration.target().table()
              + " differ: "
              + String.join("; ", differences));
    }
    return TaskResult.succeeded(
        rows,
        0,
        0,
        Duration.ZERO,
        (full ? "full" : "row-count")
            + " reconciliation of "
            + migration.target().table()
            + " passed ("
            + rows
            + " rows"
            + (full ? ", " + targetColumns.size() + " columns" : "")
            + ")");
  }

  /** The row count and, for a full reconciliation, a row hash and statistics per column. */
  private static List<String> aggregates(List<String> columns, boolean full) {
    List<String> aggregates = new ArrayList<>();
    aggregates.add("count(*)");
    if (full) {
      aggregates.add("sum(cast(xxhash64(" + String.join(", ", columns) + ") as decimal(38,0)))");
      for (String column : columns) {
        aggregates.add("count(" + column + ")");
        aggregates.add("count_if(" + column + " IS NULL)");
        aggregates.add("min(" + column + ")");
        aggregates.add("max(" + column + ")");
        aggregates.add("sum(cast(xxhash64(" + column + ") as decimal(38,0)))");
      }
    }
    return aggregates;
  }

  private static void compare(List<String> differences, String what, Object source, Object target) {
    if (!Objects.equals(source, target)) {
      differences.add(what + ": source=" + source + " target=" + target);
    }
  }

  private static String[] toArray(List<String> items) {
    return items.toArray(String[]::new);
  }
}
