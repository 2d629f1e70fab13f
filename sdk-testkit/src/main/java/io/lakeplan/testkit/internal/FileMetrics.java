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
    Map<Integer, Long> valueCounts = new HashMap<>();
    Map<Integer, Long> nullCounts = new HashMap<>();
    Map<Integer, Long> nanCounts = new HashMap<>();
    Map<Integer, ByteBuffer> lowerBounds = new HashMap<>();
    Map<Integer, ByteBuffer> upperBounds = new HashMap<>();
    for (Column column : columns(schema.asStruct(), new ArrayList<>(), "")) {
      MetricsModes.MetricsMode mode = config.columnMode(column.name());
      if (mode == MetricsModes.None.get()) {
        continue;
      }
      Type.PrimitiveType type = column.field().type().asPrimitiveType();
      // timestamps are ordered as they are and only the two bounds converted: Iceberg's
      // conversion to microseconds (ChronoUnit.between) was a tenth of a pipeline test
      Type.TypeID typeId = type.typeId(); // once per column, not per value
      boolean timestamps = typeId == Type.TypeID.TIMESTAMP;
      Comparator<Object> order = null; // only for types this class bounds (see internal)
      long nulls = 0;
      long nans = 0;
      Object lower = null;
      Object upper = null;
      boolean bounded = true;
      for (Record record : records) {
        Object raw = column.value(record);
        Object value = timestamps ? timestamp(raw) : internal(typeId, raw);
        if (raw == null) {
          nulls++;
        } else if (value == null) {
          bounded = false; // a Java type this class cannot bound: no bounds rather than wrong ones
        } else if (isNaN(value)) {
          nans++;
        } else {
          order = order == null ? (timestamps ? TIMESTAMPS : Comparators.forType(type)) : order;
          lower = lower == null || order.compare(value, lower) < 0 ? value : lower;
          upper = upper == null || order.compare(value, upper) > 0 ? value : upper;
        }
      }
      int id = column.field().fieldId();
      valueCounts.put(id, (long) records.size());
      nullCounts.put(id, nulls);
      if (type.typeId() == Type.TypeID.FLOAT || type.typeId() == Type.TypeID.DOUBLE) {
        nanCounts.put(id, nans);
      }
      if (mode == MetricsModes.Counts.get() || !bounded || lower == null) {
        continue;
      }
      if (timestamps) {
        lower = internal(typeId, lower);
        upper = internal(typeId, upper);
      }
      int length =
          mode instanceof MetricsModes.Truncate truncate ? truncate.length() : Integer.MAX_VALUE;
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

  /** A primitive column reached through structs only, with the positions that lead to it. */
  private record Column(String name, Types.NestedField field, int[] path) {
    Object value(Record record) {
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
