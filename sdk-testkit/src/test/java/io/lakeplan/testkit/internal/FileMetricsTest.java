package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;
import org.junit.jupiter.api.Test;

class FileMetricsTest {

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "email", Types.StringType.get()),
          Types.NestedField.optional(3, "score", Types.DoubleType.get()),
          Types.NestedField.optional(
              4,
              "address",
              Types.StructType.of(
                  Types.NestedField.optional(5, "updated_at", Types.TimestampType.withoutZone()))),
          Types.NestedField.optional(
              6, "tags", Types.ListType.ofOptional(7, Types.StringType.get())));

  private static Record row(
      long id, String email, Double score, LocalDateTime updatedAt, List<String> tags) {
    Record address = GenericRecord.create(SCHEMA.findType("address").asStructType());
    address.setField("updated_at", updatedAt);
    Record record = GenericRecord.create(SCHEMA);
    record.setField("id", id);
    record.setField("email", email);
    record.setField("score", score);
    record.setField("address", address);
    record.setField("tags", tags);
    return record;
  }

  private static Object value(Map<Integer, ByteBuffer> bounds, int fieldId) {
    Type type = SCHEMA.findType(fieldId);
    return Conversions.fromByteBuffer(type, bounds.get(fieldId));
  }

  private static List<Record> rows() {
    List<Record> rows = new ArrayList<>();
    rows.add(
        row(7, "grace.hopper@navy.example.mil", 2.5, LocalDateTime.of(2024, 1, 15, 8, 30), null));
    rows.add(row(3, "ada@example.org", Double.NaN, LocalDateTime.of(2023, 6, 1, 0, 0), null));
    rows.add(row(9, null, null, null, List.of("x")));
    return rows;
  }

  @Test
  void of_defaultModes_countsAndBoundsLikeIcebergsParquetMetrics() {
    List<Record> rows = rows();

    Metrics metrics = FileMetrics.of(SCHEMA, MetricsConfig.getDefault(), rows);

    assertThat(metrics.recordCount()).isEqualTo(rows.size());
    assertThat(metrics.valueCounts()).containsOnlyKeys(1, 2, 3, 5).containsValue(3L);
    long nullEmails = rows.stream().filter(r -> r.getField("email") == null).count();
    assertThat(metrics.nullValueCounts()).containsEntry(2, nullEmails).containsEntry(1, 0L);
    assertThat(metrics.nanValueCounts()).containsOnlyKeys(3).containsEntry(3, 1L);
    long minId = rows.stream().mapToLong(r -> (Long) r.getField("id")).min().orElseThrow();
    long maxId = rows.stream().mapToLong(r -> (Long) r.getField("id")).max().orElseThrow();
    assertThat(value(metrics.lowerBounds(), 1)).isEqualTo(minId);
    assertThat(value(metrics.upperBounds(), 1)).isEqualTo(maxId);
    // strings are cut to 16 characters; the upper bound's last one is incremented
    String maxEmail =
        rows.stream()
            .map(r -> (String) r.getField("email"))
            .filter(Objects::nonNull)
            .max(Comparator.naturalOrder())
            .orElseThrow();
    assertThat(value(metrics.lowerBounds(), 2).toString()).isEqualTo("ada@example.org");
    String cut = maxEmail.substring(0, 16);
    assertThat(value(metrics.upperBounds(), 2).toString())
        .isEqualTo(cut.substring(0, 15) + (char) (cut.charAt(15) + 1));
    // NaN is counted, not bounded
    assertThat(value(metrics.lowerBounds(), 3)).isEqualTo(2.5);
    assertThat(value(metrics.upperBounds(), 3)).isEqualTo(2.5);
    // a field of a struct is bounded; list elements are not
    List<LocalDateTime> times = new ArrayList<>();
    rows.forEach(
        r -> {
          Object time = ((Record) r.getField("address")).getField("updated_at");
          if (time != null) {
            times.add((LocalDateTime) time);
          }
        });
    assertThat(value(metrics.lowerBounds(), 5))
        .isEqualTo(DateTimeUtil.microsFromTimestamp(Collections.min(times)));
    assertThat(value(metrics.upperBounds(), 5))
        .isEqualTo(DateTimeUtil.microsFromTimestamp(Collections.max(times)));
    assertThat(metrics.lowerBounds()).doesNotContainKey(7);
  }

  @Test
  void of_timestamps_boundsAreTheLeastAndGreatestOfIcebergsMicroseconds() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "at", Types.TimestampType.withZone()),
            Types.NestedField.optional(2, "local", Types.TimestampType.withoutZone()));
    // offsets that reverse the local order, instants before 1970, nanoseconds below a microsecond
    List<OffsetDateTime> instants =
        List.of(
            OffsetDateTime.of(2024, 1, 15, 8, 30, 0, 0, ZoneOffset.ofHours(9)),
            OffsetDateTime.of(2024, 1, 15, 1, 0, 0, 0, ZoneOffset.ofHours(-2)),
            OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_500, ZoneOffset.UTC),
            OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_998_999, ZoneOffset.UTC),
            OffsetDateTime.of(1960, 2, 29, 12, 0, 0, 1_500, ZoneOffset.ofHours(14)));
    List<Record> rows = new ArrayList<>();
    for (OffsetDateTime instant : instants) {
      Record record = GenericRecord.create(schema);
      record.setField("at", instant);
      record.setField("local", instant.toLocalDateTime());
      rows.add(record);
    }

    Metrics metrics = FileMetrics.of(schema, MetricsConfig.getDefault(), rows);

    List<Long> at = instants.stream().map(DateTimeUtil::microsFromTimestamptz).toList();
    List<Long> local =
        instants.stream()
            .map(instant -> DateTimeUtil.microsFromTimestamp(instant.toLocalDateTime()))
            .toList();
    Type.PrimitiveType zoned = Types.TimestampType.withZone();
    Type.PrimitiveType plain = Types.TimestampType.withoutZone();
    assertThat((Long) Conversions.fromByteBuffer(zoned, metrics.lowerBounds().get(1)))
        .isEqualTo(Collections.min(at));
    assertThat((Long) Conversions.fromByteBuffer(zoned, metrics.upperBounds().get(1)))
        .isEqualTo(Collections.max(at));
    assertThat((Long) Conversions.fromByteBuffer(plain, metrics.lowerBounds().get(2)))
        .isEqualTo(Collections.min(local));
    assertThat((Long) Conversions.fromByteBuffer(plain, metrics.upperBounds().get(2)))
        .isEqualTo(Collections.max(local));
  }

  @Test
  void of_noneAndCountsModes_recordsNoBoundsForThoseColumns() {
    MetricsConfig config =
        MetricsConfig.fromProperties(
            Map.of(
                "write.metadata.metrics.default", "none",
                "write.metadata.metrics.column.id", "counts",
                "write.metadata.metrics.column.email", "full"));

    Metrics metrics = FileMetrics.of(SCHEMA, config, rows());

    assertThat(metrics.valueCounts()).containsOnlyKeys(1, 2);
    assertThat(metrics.lowerBounds()).containsOnlyKeys(2);
    assertThat(value(metrics.upperBounds(), 2).toString())
        .isEqualTo("grace.hopper@navy.example.mil");
  }

  @Test
  void of_manyRows_countsAndBoundsOfEveryColumn_equalAPassPerColumnOverIcebergsValues() {
    Schema schema =
        new Schema(
            Types.NestedField.optional(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "amount", Types.DecimalType.of(12, 2)),
            Types.NestedField.optional(4, "day", Types.DateType.get()),
            Types.NestedField.optional(5, "score", Types.DoubleType.get()),
            Types.NestedField.optional(
                6,
                "address",
                Types.StructType.of(
                    Types.NestedField.optional(7, "updated_at", Types.TimestampType.withZone()))));
    java.util.Random random = new java.util.Random(21);
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      Record address = GenericRecord.create(schema.findType("address").asStructType());
      address.setField(
          "updated_at",
          random.nextInt(9) == 0
              ? null
              : OffsetDateTime.of(
                  LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(random.nextInt(90_000_000)),
                  ZoneOffset.ofHours(random.nextInt(25) - 12)));
      Record record = GenericRecord.create(schema);
      record.setField("id", random.nextInt(7) == 0 ? null : random.nextLong());
      record.setField("name", random.nextInt(5) == 0 ? null : "n" + random.nextInt(1_000_000));
      record.setField(
          "amount",
          random.nextInt(6) == 0
              ? null
              : java.math.BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 2));
      record.setField(
          "day",
          random.nextInt(4) == 0
              ? null
              : java.time.LocalDate.of(2000, 1, 1).plusDays(random.nextInt(20_000)));
      record.setField(
          "score",
          random.nextInt(8) == 0
              ? null
              : random.nextInt(10) == 0 ? Double.NaN : random.nextGaussian());
      record.setField("address", i % 50 == 0 ? null : address);
      rows.add(record);
    }

    Metrics metrics = FileMetrics.of(schema, MetricsConfig.getDefault(), rows);

    // expected: one pass per column over the values Iceberg stores (micros, days), in its order
    for (int id : new int[] {1, 2, 3, 4, 5, 7}) {
      Type.PrimitiveType type = schema.findType(id).asPrimitiveType();
      List<Object> values = new ArrayList<>();
      long nulls = 0;
      long nans = 0;
      for (Record row : rows) {
        Object value =
            id == 7
                ? (row.getField("address") == null
                    ? null
                    : ((Record) row.getField("address")).getField("updated_at"))
                : row.get(id - 1);
        if (value == null) {
          nulls++;
        } else if (value instanceof Double number && number.isNaN()) {
          nans++;
        } else if (value instanceof OffsetDateTime time) {
          values.add(DateTimeUtil.microsFromTimestamptz(time));
        } else if (value instanceof java.time.LocalDate date) {
          values.add(DateTimeUtil.daysFromDate(date));
        } else {
          values.add(value);
        }
      }
      Comparator<Object> order = org.apache.iceberg.types.Comparators.forType(type);
      assertThat(metrics.valueCounts()).containsEntry(id, (long) rows.size());
      assertThat(metrics.nullValueCounts()).containsEntry(id, nulls);
      if (id == 5) {
        assertThat(metrics.nanValueCounts()).containsEntry(id, nans);
      }
      assertThat(Conversions.<Object>fromByteBuffer(type, metrics.lowerBounds().get(id)).toString())
          .as("lower bound of field %s", id)
          .isEqualTo(Collections.min(values, order).toString());
      assertThat(Conversions.<Object>fromByteBuffer(type, metrics.upperBounds().get(id)).toString())
          .as("upper bound of field %s", id)
          .isEqualTo(Collections.max(values, order).toString());
    }
  }
}
