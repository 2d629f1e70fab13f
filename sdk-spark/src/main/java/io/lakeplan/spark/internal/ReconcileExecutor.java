package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.spi.TaskResult;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StringType;

/**
 * Proves that a migration's input and its Iceberg table agree. ROW_COUNT compares row counts; FULL
 * also compares, per column, the non-null count, null count, minimum, maximum and an
 * order-independent hash (the sum of per-value 64-bit hashes), plus the same hash over whole rows.
 * Any difference fails the task with one line per differing statistic.
 *
 * <p>Each side is read once, in one aggregate pass. The table's side takes from the manifests of
 * the conversion's snapshot what they hold exactly ({@link SnapshotStatistics}: the row count, null
 * counts, the bounds of numbers, dates and times) and reads the rows only for the rest: the hashes
 * and whatever the manifests do not know.
 */
final class ReconcileExecutor {

  private static final String[] STATISTICS = {"count", "nulls", "min", "max", "hash"};

  /** The statistics per column after the row count and row hash: nulls, min, max, hash halves. */
  private static final int PER_COLUMN = 5;

  private static final String ROW_HASH = "row_hash";

  private ReconcileExecutor() {}

  static TaskResult run(Context context, Migration migration) {
    if (migration.reconcile() == ReconcileLevel.NONE) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "reconciliation not requested");
    }
    Tables.requireExists(context, migration.target().table());
    boolean full = migration.reconcile() == ReconcileLevel.FULL;
    Row source;
    List<String> targetColumns = new ArrayList<>();
    List<DataType> storedAs = new ArrayList<>(); // null: the table's value is cast to compare it
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
          storedAs.add(conversion.to());
        } else if (conversion.from().equals(conversion.to())) {
          sourceColumns.add(conversion.source());
          targetColumns.add(column);
          storedAs.add(conversion.to());
        } else {
          sourceColumns.add(conversion.source());
          targetColumns.add("CAST(" + column + " AS " + conversion.from().sql() + ")");
          storedAs.add(null);
        }
      }
      source =
          raw.selectExpr(toArray(projection(sourceColumns, full)))
              .selectExpr(toArray(sourceAggregates(sourceColumns.size(), full)))
              .first();
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
    Object[] target = target(context, migration, full, targetColumns, storedAs);
    List<String> differences = new ArrayList<>();
    compare(differences, "rows", source.get(0), target[0]);
    if (full) {
      compare(
          differences,
          "row hash",
          hashSum(source.get(1), source.get(2)),
          hashSum(target[1], target[2]));
      int index = 3;
      for (Column column : migration.target().columns()) {
        Object[] sourceValues = {
          source.getLong(0) - source.getLong(index),
          source.get(index),
          source.get(index + 1),
          source.get(index + 2),
          hashSum(source.get(index + 3), source.get(index + 4))
        };
        Object[] targetValues = {
          ((Number) target[0]).longValue() - ((Number) target[index]).longValue(),
          target[index],
          target[index + 1],
          target[index + 2],
          hashSum(target[index + 3], target[index + 4])
        };
        for (int i = 0; i < STATISTICS.length; i++) {
          compare(
              differences,
              "column " + column.name() + " " + STATISTICS[i],
              sourceValues[i],
              targetValues[i]);
        }
        index += PER_COLUMN;
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

  /**
   * The table's statistics, in the layout of {@link #sourceAggregates}: from the manifests of the
   * conversion's snapshot what they know exactly, the rest from one aggregate pass over its rows.
   */
  private static Object[] target(
      Context context,
      Migration migration,
      boolean full,
      List<String> columns,
      List<DataType> storedAs) {
    Table table = Tables.load(context, migration.target().table());
    Long snapshot = Tables.conversion(table, migration.id()).conversionSnapshot();
    Optional<SnapshotStatistics> manifests = SnapshotStatistics.of(table, snapshot);
    int size = full ? 3 + PER_COLUMN * columns.size() : 1;
    Object[] values = new Object[size];
    int[] scanned = new int[size]; // the index in the scan's row, or -1
    Arrays.fill(scanned, -1);
    List<String> aggregates = new ArrayList<>();
    if (manifests.isPresent()) {
      values[0] = manifests.get().rows();
    } else {
      scanned[0] = aggregates.size();
      aggregates.add("count(*)");
    }
    if (full) {
      scanned[1] = aggregates.size();
      aggregates.addAll(hashHalves(ROW_HASH));
      scanned[2] = scanned[1] + 1;
      for (int i = 0; i < columns.size(); i++) {
        int at = 3 + PER_COLUMN * i;
        String column = value(i);
        Types.NestedField field =
            storedAs.get(i) == null || manifests.isEmpty()
                ? null
                : table
                    .schema()
                    .caseInsensitiveFindField(migration.target().columns().get(i).name());
        Optional<Long> nulls = field == null ? Optional.empty() : manifests.get().nulls(field);
        if (nulls.isPresent()) {
          values[at] = nulls.get();
        } else {
          scanned[at] = aggregates.size();
          aggregates.add("count_if(" + column + " IS NULL)");
        }
        Optional<Object[]> bounds =
            field == null ? Optional.empty() : manifests.get().bounds(field, storedAs.get(i));
        if (bounds.isPresent()) {
          values[at + 1] = bounds.get()[0];
          values[at + 2] = bounds.get()[1];
        } else {
          scanned[at + 1] = aggregates.size();
          aggregates.add("min(" + column + ")");
          scanned[at + 2] = aggregates.size();
          aggregates.add("max(" + column + ")");
        }
        scanned[at + 3] = aggregates.size();
        aggregates.addAll(hashHalves(hash(i)));
        scanned[at + 4] = scanned[at + 3] + 1;
      }
    }
    if (!aggregates.isEmpty()) {
      // the table as the conversion left it: rows ingested since are not the migration's
      Row row =
          context
              .spark
              .sql("SELECT * FROM " + Tables.asConverted(context, migration))
              .selectExpr(toArray(projection(columns, full)))
              .selectExpr(toArray(aggregates))
              .first();
      for (int i = 0; i < size; i++) {
        if (scanned[i] >= 0) {
          values[i] = row.get(scanned[i]);
        }
      }
    }
    return values;
  }

  /**
   * Each compared value once, with its 64-bit hash, and the row's hash (of its values' hashes):
   * what the aggregates of both sides read, so that no value is hashed twice.
   */
  private static List<String> projection(List<String> columns, boolean full) {
    List<String> projection = new ArrayList<>();
    if (!full) {
      projection.add("1 AS one"); // a count needs no column
      return projection;
    }
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      projection.add(columns.get(i) + " AS " + value(i));
      projection.add("xxhash64(" + columns.get(i) + ") AS " + hash(i));
      hashes.add(hash(i));
    }
    projection.add("xxhash64(" + String.join(", ", hashes) + ") AS " + ROW_HASH);
    return projection;
  }

  /**
   * The source's row count and, for a full reconciliation, a row hash and statistics per column:
   * nulls, min, max and a hash, each hash as the sums of the two halves of its values' 64-bit
   * hashes (exact in a long for up to 2^31 rows, and cheaper than a decimal sum of whole hashes).
   */
  private static List<String> sourceAggregates(int columns, boolean full) {
    List<String> aggregates = new ArrayList<>();
    aggregates.add("count(*)");
    if (full) {
      aggregates.addAll(hashHalves(ROW_HASH));
      for (int i = 0; i < columns; i++) {
        aggregates.add("count_if(" + value(i) + " IS NULL)");
        aggregates.add("min(" + value(i) + ")");
        aggregates.add("max(" + value(i) + ")");
        aggregates.addAll(hashHalves(hash(i)));
      }
    }
    return aggregates;
  }

  private static String value(int column) {
    return "v" + column;
  }

  private static String hash(int column) {
    return "h" + column;
  }

  private static List<String> hashHalves(String hash) {
    return List.of("sum(" + hash + " & 4294967295L)", "sum(shiftrightunsigned(" + hash + ", 32))");
  }

  /** The sum of the unsigned hashes, from the sums of their low and high halves. */
  private static BigInteger hashSum(Object low, Object high) {
    return BigInteger.valueOf(number(high)).shiftLeft(32).add(BigInteger.valueOf(number(low)));
  }

  /** A sum over no rows is null. */
  private static long number(Object sum) {
    return sum == null ? 0 : ((Number) sum).longValue();
  }

  private static void compare(List<String> differences, String what, Object source, Object target) {
    boolean same =
        source instanceof BigDecimal a && target instanceof BigDecimal b
            ? a.compareTo(b) == 0
            : Objects.equals(source, target);
    if (!same) {
      differences.add(what + ": source=" + source + " target=" + target);
    }
  }

  private static String[] toArray(List<String> items) {
    return items.toArray(String[]::new);
  }
}
