package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.ColumnType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class ValuesTest {

  private static final Types.NestedField LOCAL =
      Types.NestedField.optional(1, "at", Types.TimestampType.withoutZone());
  private static final Types.NestedField ZONED =
      Types.NestedField.optional(2, "at_utc", Types.TimestampType.withZone());

  @Test
  void columnsOf_firstSpellingInAnyCase_firstNonNullValueTypes_nullOnlyIsString() {
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("Id", 1L);
    first.put("amount", null);
    first.put("note", null);
    Map<String, Object> second = new LinkedHashMap<>();
    second.put("ID", "not a long");
    second.put("AMOUNT", new BigDecimal("1.25"));
    second.put("note", null);
    second.put("at", LocalDateTime.parse("2024-05-01T10:00:00"));
    Map<String, Object> third = new HashMap<>();
    third.put("amount", 3);

    Map<String, ColumnType> columns = Values.columnsOf(List.of(first, second, third));

    assertThat(columns)
        .containsExactly(
            Map.entry("Id", ColumnType.LONG),
            Map.entry("amount", ColumnType.decimal(38, 2)),
            Map.entry("note", ColumnType.STRING),
            Map.entry("at", ColumnType.TIMESTAMP));
  }

  @Test
  void coerce_timesWithZonesAndOffsets_areTheirUtcTime_andFinerThanMicrosecondsIsRefused() {
    assertThat(Values.coerce(LOCAL, "2024-05-01T10:00:00+02:00", "x"))
        .isEqualTo(LocalDateTime.parse("2024-05-01T08:00:00"));
    assertThat(Values.coerce(LOCAL, "2024-05-01T10:00:00-0500", "x"))
        .isEqualTo(LocalDateTime.parse("2024-05-01T15:00:00"));
    assertThat(Values.coerce(ZONED, "2024-05-01T10:00:00Z", "x"))
        .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(Values.coerce(ZONED, "2024-05-01T10:00:00", "x"))
        .isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(Values.coerce(LOCAL, LocalDateTime.parse("2024-05-01T10:00:00.123456"), "x"))
        .isEqualTo(LocalDateTime.parse("2024-05-01T10:00:00.123456"));
    // Iceberg keeps microseconds; Lakeplan never truncates
    assertThatThrownBy(
            () ->
                Values.coerce(
                    LOCAL, LocalDateTime.parse("2024-05-01T10:00:00.123456789"), "column at"))
        .hasMessageContaining("Invalid value for column at")
        .hasMessageContaining("finer than the microseconds");
    assertThatThrownBy(() -> Values.coerce(LOCAL, "2024-05-01", "column at"))
        .hasMessageContaining("a date without a time");
  }

  @Test
  void conformer_matchesColumnsIgnoringCase_andNamesColumnAndPlaceOfABadValue() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "order_id", Types.LongType.get()),
            Types.NestedField.optional(2, "amount", Types.DecimalType.of(12, 2)));
    Values.Conformer conformer = new Values.Conformer(schema, "table raw.orders", true);

    Record record = conformer.record(Map.of("ORDER_ID", 7, "Amount", "1.5"));
    assertThat(record.getField("order_id")).isEqualTo(7L);
    assertThat(record.getField("amount")).hasToString("1.50");
    assertThat(conformer.record(Map.of("order_id", 8)).getField("amount")).isNull();

    assertThatThrownBy(() -> conformer.record(Map.of("order_id", "seven")))
        .hasMessageContaining("column order_id of table raw.orders")
        .hasMessageContaining("'seven'");
    assertThatThrownBy(() -> conformer.record(Map.of("order_id", 1, "colour", "red")))
        .hasMessageContaining("Unknown column 'colour' for table raw.orders")
        .hasMessageContaining("order_id, amount");
  }
}
