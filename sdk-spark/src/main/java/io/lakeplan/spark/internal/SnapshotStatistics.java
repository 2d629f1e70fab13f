package io.lakeplan.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What the manifests of one snapshot say about its rows, where they say it exactly: the row count
 * (the files' record counts, when the snapshot has no delete files), a column's null count (when
 * every file has one) and its minimum and maximum (from the files' lower and upper bounds, for
 * types whose bounds are neither truncated nor blind to NaN, and strings shorter than their
 * column's truncation length, when every file holding a value has them). Anything else is unknown,
 * and the caller reads the rows for it.
 */
final class SnapshotStatistics {

  private final List<DataFile> files;
  private final MetricsConfig metrics;
  private final long rows;

  private SnapshotStatistics(List<DataFile> files, MetricsConfig metrics) {
    this.files = files;
    this.metrics = metrics;
    this.rows = files.stream().mapToLong(DataFile::recordCount).sum();
  }

  /**
   * The statistics of {@code snapshotId} of {@code table} (its current snapshot when null), or
   * empty when its files have deletes (their record counts are then not its rows).
   */
  static Optional<SnapshotStatistics> of(Table table, Long snapshotId) {
    Snapshot snapshot =
        snapshotId == null ? table.currentSnapshot() : table.snapshot(snapshotId.longValue());
    if (snapshot == null) {
      // a table no one wrote to
      return Optional.of(new SnapshotStatistics(List.of(), MetricsConfig.forTable(table)));
    }
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        if (!task.deletes().isEmpty()) {
          return Optional.empty();
        }
        files.add(task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifests of " + table.name(), e);
    }
    return Optional.of(new SnapshotStatistics(files, MetricsConfig.forTable(table)));
  }

  long rows() {
    return rows;
  }

  /** The column's null count, or empty when a file does not record it. */
  Optional<Long> nulls(Types.NestedField field) {
    long nulls = 0;
    for (DataFile file : files) {
      Long count = valueOf(file.nullValueCounts(), field.fieldId());
      if (count == null) {
        return Optional.empty();
      }
      nulls += count;
    }
    return Optional.of(nulls);
  }

  /**
   * The column's minimum and maximum as Spark's rows hold them ({@code sparkType}'s external Java
   * values; two nulls when it has no value), or empty when the manifests do not know them exactly.
   */
  Optional<Object[]> bounds(Types.NestedField field, DataType sparkType) {
    int truncatedAt = truncatedAt(field);
    if (truncatedAt == 0) {
      return Optional.empty();
    }
    Comparator<Object> order = Comparators.forType(field.type().asPrimitiveType());
    Object min = null;
    Object max = null;
    for (DataFile file : files) {
      ByteBuffer lower =
          file.lowerBounds() == null ? null : file.lowerBounds().get(field.fieldId());
      ByteBuffer upper =
          file.upperBounds() == null ? null : file.upperBounds().get(field.fieldId());
      if (lower == null || upper == null) {
        Long nulls = valueOf(file.nullValueCounts(), field.fieldId());
        if (nulls != null && nulls == file.recordCount()) {
          continue; // no value in this file: no bounds to have
        }
        return Optional.empty();
      }
      Object low = Conversions.fromByteBuffer(field.type(), lower);
      Object high = Conversions.fromByteBuffer(field.type(), upper);
      if (truncated(low, truncatedAt) || truncated(high, truncatedAt)) {
        return Optional.empty();
      }
      min = min == null || order.compare(low, min) < 0 ? low : min;
      max = max == null || order.compare(high, max) > 0 ? high : max;
    }
    return Optional.of(new Object[] {external(min, sparkType), external(max, sparkType)});
  }

  /**
   * How long a bound of the field may be before it may be a truncated one: {@link
   * Integer#MAX_VALUE} for the types whose bounds are never truncated, 0 for those whose bounds are
   * not the exact extremes (binaries; floating point bounds leave NaN out, Spark's min/max do not).
   * A string's bounds are truncated to the length of its column's metrics mode: a bound shorter
   * than that is a whole value.
   */
  private int truncatedAt(Types.NestedField field) {
    return switch (field.type().typeId()) {
      case BOOLEAN, INTEGER, LONG, DECIMAL, DATE, TIMESTAMP -> Integer.MAX_VALUE;
      case STRING -> stringBoundsLength(metrics.columnMode(field.name()));
      default -> 0;
    };
  }

  private static int stringBoundsLength(MetricsModes.MetricsMode mode) {
    if (mode instanceof MetricsModes.Full) {
      return Integer.MAX_VALUE;
    }
    return mode instanceof MetricsModes.Truncate truncate ? truncate.length() : 0;
  }

  private static boolean truncated(Object bound, int truncatedAt) {
    return bound instanceof CharSequence text
        && truncatedAt != Integer.MAX_VALUE
        && text.toString().codePointCount(0, text.length()) >= truncatedAt;
  }

  /** An Iceberg value as Spark hands it out in a {@code Row} of {@code sparkType}. */
  private static Object external(Object value, DataType sparkType) {
    if (value == null) {
      return null;
    }
    Object internal =
        value instanceof java.math.BigDecimal decimal
            ? Decimal.apply(decimal)
            : value instanceof CharSequence text
                ? UTF8String.fromString(text.toString())
                : value; // days and microseconds are Spark's internal values too
    return CatalystTypeConverters.createToScalaConverter(sparkType).apply(internal);
  }

  private static Long valueOf(Map<Integer, Long> counts, int fieldId) {
    return counts == null ? null : counts.get(fieldId);
  }
}
