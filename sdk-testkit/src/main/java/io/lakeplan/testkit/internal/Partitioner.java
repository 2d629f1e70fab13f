package io.lakeplan.testkit.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;

/**
 * Groups generic records by the partition of {@code spec} they belong to, as Iceberg's {@link
 * PartitionKey} computes it. The hour and day of a timestamp are computed here by arithmetic on
 * microseconds (Iceberg's own transforms go through {@code java.time} for every value, which was a
 * fifth of writing a partitioned table); every other transform is Iceberg's.
 */
final class Partitioner {

  private static final long MICROS_PER_HOUR = 3_600_000_000L;
  private static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

  private final PartitionSpec spec;
  private final Schema schema;
  private final int[] sources;
  private final List<Function<Object, Object>> transforms = new ArrayList<>();

  Partitioner(PartitionSpec spec, Schema schema) {
    this.spec = spec;
    this.schema = schema;
    List<PartitionField> fields = spec.fields();
    sources = new int[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      PartitionField field = fields.get(i);
      sources[i] = schema.columns().indexOf(schema.findField(field.sourceId()));
      transforms.add(transform(field, schema.findType(field.sourceId())));
    }
  }

  /** The records by partition, in order of first appearance. */
  Map<PartitionKey, List<Record>> group(List<Record> records) {
    Map<PartitionKey, List<Record>> byPartition = new LinkedHashMap<>();
    if (spec.isUnpartitioned()) {
      byPartition.put(new PartitionKey(spec, schema), records);
      return byPartition;
    }
    PartitionKey key = new PartitionKey(spec, schema);
    Object[] values = new Object[sources.length];
    Object[] previous = null;
    List<Record> partition = null;
    for (Record record : records) {
      for (int i = 0; i < sources.length; i++) {
        values[i] = transforms.get(i).apply(internal(record.get(sources[i])));
      }
      // rows usually come in partition order: the previous row's partition needs no lookup
      if (previous == null || !Arrays.equals(values, previous)) {
        for (int i = 0; i < values.length; i++) {
          key.set(i, values[i]);
        }
        partition = byPartition.get(key);
        if (partition == null) {
          partition = new ArrayList<>();
          byPartition.put(key.copy(), partition);
        }
        previous = values.clone();
      }
      partition.add(record);
    }
    return byPartition;
  }

  @SuppressWarnings("unchecked")
  private static Function<Object, Object> transform(PartitionField field, Type source) {
    String name = field.transform().toString();
    if (source.typeId() == Type.TypeID.TIMESTAMP && name.equals("day")) {
      return value -> value == null ? null : (int) Math.floorDiv((Long) value, MICROS_PER_DAY);
    }
    if (source.typeId() == Type.TypeID.TIMESTAMP && name.equals("hour")) {
      return value -> value == null ? null : (int) Math.floorDiv((Long) value, MICROS_PER_HOUR);
    }
    Function<Object, Object> iceberg =
        ((org.apache.iceberg.transforms.Transform<Object, Object>) field.transform()).bind(source);
    return iceberg;
  }

  /**
   * A generic-record value in Iceberg's internal representation (micros, days), as transforms take
   * it.
   */
  static Object internal(Object value) {
    if (value instanceof OffsetDateTime time) {
      return micros(time.toEpochSecond(), time.getNano());
    }
    if (value instanceof LocalDateTime time) {
      return micros(time.toEpochSecond(ZoneOffset.UTC), time.getNano());
    }
    if (value instanceof Instant time) {
      return micros(time.getEpochSecond(), time.getNano());
    }
    if (value instanceof LocalDate date) {
      return (int) date.toEpochDay();
    }
    // decimals, text, binary and numbers are the same in both representations
    return value;
  }

  private static long micros(long epochSecond, int nano) {
    return Math.addExact(Math.multiplyExact(epochSecond, 1_000_000L), nano / 1_000);
  }
}
