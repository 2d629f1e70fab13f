package io.lakeplan.testkit.internal;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.MetricsModes;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.BinaryUtil;
import org.apache.iceberg.util.DateTimeUtil;
import org.apache.iceberg.util.UnicodeUtil;

/**
 * The column metrics of an in-memory data file, as Iceberg's Parquet writer records them for the
 * Spark engine: value, null and NaN counts and lower / upper bounds per primitive column (top level
 * or inside structs; not inside lists or maps), by the table's metrics modes (default {@code
 * truncate(16)}: strings and binaries cut to 16 characters or bytes). Iceberg's Avro writer, which
 * the in-memory lake uses, records only the row count; without bounds the lake's manifests would
 * say less than Spark's, and decisions made on bounds would differ between the engines.
 */
final class FileMetrics {

  private FileMetrics() {}

  static Metrics of(Schema schema, MetricsConfig config, List<Record> records) {
    List<Bounds> bounded = new ArrayList<>();
    for (Column column : columns(schema.asStruct(), new ArrayList<>(), "")) {
      MetricsModes.MetricsMode mode = config.columnMode(column.name());
      if (mode != MetricsModes.None.get()) {
        bounded.add(new Bounds(column, mode));
      }
    }
    // one row-major pass: each record's values are read while the record is at hand (one pass per
    // column walked every file's records 8 times, an eighth of a pipeline test)
    Bounds[] all = bounded.toArray(new Bounds[0]);
    for (Record record : records) {
      for (Bounds bounds : all) {
        bounds.add(bounds.column.value(record));
      }
    }
    Map<Integer, Long> valueCounts = new HashMap<>();
    Map<Integer, Long> nullCounts = new HashMap<>();
    Map<Integer, Long> nanCounts = new HashMap<>();
    Map<Integer, ByteBuffer> lowerBounds = new HashMap<>();
    Map<Integer, ByteBuffer> upperBounds = new HashMap<>();
    for (Bounds bounds : all) {
      Type.PrimitiveType type = bounds.type;
      int id = bounds.column.field().fieldId();
      valueCounts.put(id, (long) records.size());
      nullCounts.put(id, bounds.nulls);
      if (type.typeId() == Type.TypeID.FLOAT || type.typeId() == Type.TypeID.DOUBLE) {
        nanCounts.put(id, bounds.nans);
      }
      if (bounds.mode == MetricsModes.Counts.get() || !bounds.bounded || bounds.lower == null) {
        continue;
      }
      Object lower = bounds.lower;
      Object upper = bounds.upper;
      if (bounds.timestamps) {
        lower = internal(bounds.typeId, lower);
        upper = internal(bounds.typeId, upper);
      }
      int length =
          bounds.mode instanceof MetricsModes.Truncate truncate
              ? truncate.length()
              : Integer.MAX_VALUE;
      ByteBuffer min = bound(type, lower, length, true);
      ByteBuffer max = bound(type, upper, length, false);
      if (min != null) {
        lowerBounds.put(id, min);
      }
      if (max != null) {
        upperBounds.put(id, max);
      }
    }
    return new Metrics(
        (long) records.size(), null, valueCounts, nullCounts, nanCounts, lowerBounds, upperBounds);
  }

  /** A column's counts and least and greatest values so far. */
  private static final class Bounds {
    private final Column column;
    private final MetricsModes.MetricsMode mode;
    private final Type.PrimitiveType type;
    // timestamps are ordered as they are and only the two bounds converted: Iceberg's
    // conversion to microseconds (ChronoUnit.between) was a tenth of a pipeline test
    private final Type.TypeID typeId; // once per column, not per value
    private final boolean timestamps;
    private Comparator<Object> order; // only for types this class bounds (see internal)
    private long nulls;
    private long nans;
    private Object lower;
    private Object upper;
    private boolean bounded = true;

    Bounds(Column column, MetricsModes.MetricsMode mode) {
      this.column = column;
      this.mode = mode;
      this.type = column.field().type().asPrimitiveType();
      this.typeId = type.typeId();
      this.timestamps = typeId == Type.TypeID.TIMESTAMP;
    }

    void add(Object raw) {
      Object value = timestamps ? timestamp(raw) : internal(typeId, raw);
      if (raw == null) {
        nulls++;
      } else if (value == null) {
        bounded = false; // a Java type this class cannot bound: no bounds rather than wrong ones
      } else if (isNaN(value)) {
        nans++;
      } else {
        if (lower == null) {
          order = timestamps ? TIMESTAMPS : Comparators.forType(type);
          lower = value;
          upper = value;
        } else if (order.compare(value, lower) < 0) {
          lower = value; // below the least, so not above the greatest
        } else if (order.compare(value, upper) > 0) {
          upper = value;
        }
      }
    }
  }

  /** A primitive column reached through structs only, with the positions that lead to it. */
  private record Column(String name, Types.NestedField field, int[] path) {
    Object value(Record record) {
      if (path.length == 1) {
        return record.get(path[0]);
      }
      Object value = record;
      for (int position : path) {
        if (value == null) {
          return null;
        }
        value = ((StructLike) value).get(position, Object.class);
      }
      return value;
    }
  }

  private static List<Column> columns(Types.StructType struct, List<Integer> path, String prefix) {
    List<Column> columns = new ArrayList<>();
    List<Types.NestedField> fields = struct.fields();
    for (int position = 0; position < fields.size(); position++) {
      Types.NestedField field = fields.get(position);
      List<Integer> fieldPath = new ArrayList<>(path);
      fieldPath.add(position);
      String name = prefix + field.name();
      if (field.type().isPrimitiveType()) {
        columns.add(
            new Column(name, field, fieldPath.stream().mapToInt(Integer::intValue).toArray()));
      } else if (field.type().isStructType()) {
        columns.addAll(columns(field.type().asStructType(), fieldPath, name + "."));
      }
    }
    return columns;
  }

  /**
   * {@code value} (a generic record's Java value) in Iceberg's internal representation, or null
   * when it is null or of a type this class does not bound.
   */
  private static Object internal(Type.TypeID typeId, Object value) {
    if (value == null) {
      return null;
    }
    switch (typeId) {
      case BOOLEAN:
        return value instanceof Boolean ? value : null;
      case INTEGER:
        return value instanceof Integer ? value : null;
      case LONG:
        return value instanceof Long ? value : null;
      case FLOAT:
        return value instanceof Float ? value : null;
      case DOUBLE:
        return value instanceof Double ? value : null;
      case DECIMAL:
        return value instanceof BigDecimal ? value : null;
      case STRING:
        return value instanceof CharSequence ? value : null;
      case UUID:
        return value instanceof UUID ? value : null;
      case DATE:
        return value instanceof LocalDate date ? DateTimeUtil.daysFromDate(date) : null;
      case TIME:
        return value instanceof LocalTime time ? DateTimeUtil.microsFromTime(time) : null;
      case TIMESTAMP:
        if (value instanceof OffsetDateTime time) {
          return DateTimeUtil.microsFromTimestamptz(time);
        }
        return value instanceof LocalDateTime time ? DateTimeUtil.microsFromTimestamp(time) : null;
      case FIXED:
        return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : null;
      case BINARY:
        return value instanceof ByteBuffer buffer ? buffer : null;
      default:
        return null;
    }
  }

  /**
   * The order of timestamps as Iceberg's microseconds order them: by the instant, a timestamp
   * without zone read as UTC (as {@link DateTimeUtil#microsFromTimestamp} does). The conversion to
   * microseconds never reverses it, so the bounds are the converted least and greatest values.
   */
  private static final Comparator<Object> TIMESTAMPS =
      Comparator.comparingLong(FileMetrics::epochSecond).thenComparingInt(FileMetrics::nano);

  /** {@code value} if it is a timestamp this class bounds, else null (see internal). */
  private static Object timestamp(Object value) {
    return value instanceof OffsetDateTime || value instanceof LocalDateTime ? value : null;
  }

  private static long epochSecond(Object timestamp) {
    return timestamp instanceof OffsetDateTime time
        ? time.toEpochSecond()
        : ((LocalDateTime) timestamp).toEpochSecond(ZoneOffset.UTC);
  }

  private static int nano(Object timestamp) {
    return timestamp instanceof OffsetDateTime time
        ? time.getNano()
        : ((LocalDateTime) timestamp).getNano();
  }

  private static boolean isNaN(Object value) {
    return (value instanceof Float single && single.isNaN())
        || (value instanceof Double number && number.isNaN());
  }

  /** A bound, strings and binaries truncated as Iceberg does (null: no upper bound possible). */
  private static ByteBuffer bound(Type.PrimitiveType type, Object value, int length, boolean min) {
    if (type.typeId() == Type.TypeID.STRING && length != Integer.MAX_VALUE) {
      String text = value.toString();
      value =
          min
              ? UnicodeUtil.truncateStringMin(text, length)
              : UnicodeUtil.truncateStringMax(text, length);
    } else if ((type.typeId() == Type.TypeID.BINARY || type.typeId() == Type.TypeID.FIXED)
        && length != Integer.MAX_VALUE) {
      ByteBuffer bytes = (ByteBuffer) value;
      value =
          min
              ? BinaryUtil.truncateBinaryMin(bytes, length)
              : BinaryUtil.truncateBinaryMax(bytes, length);
    }
    return value == null ? null : Conversions.toByteBuffer(type, value);
  }
}
