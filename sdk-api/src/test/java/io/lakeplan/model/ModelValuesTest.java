package io.lakeplan.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelValuesTest {

  @ParameterizedTest
  @CsvSource({
    "0 * * * *, 2024-01-01T10:15, 2024-01-01T11:00",
    "*/15 * * * *, 2024-01-01T10:15, 2024-01-01T10:30",
    "30 2 * * 0, 2024-01-01T00:00, 2024-01-07T02:30",
    "0 0 29 2 *, 2024-03-01T00:00, 2028-02-29T00:00",
    "0 9 1 * MON, 2024-01-02T00:00, 2024-01-08T09:00",
    // as Airflow's timetable (croniter) fires them (issue 24.2)
    "0 6/1 * * *, 2024-01-01T06:00, 2024-01-01T07:00",
    "0 0 */13 * *, 2024-01-01T00:00, 2024-01-14T00:00",
    "0 0 */13 * 1, 2024-01-01T00:00, 2024-01-08T00:00",
    "0 6 * * 1/3, 2024-01-04T06:00, 2024-01-08T06:00",
    "10/59 6 * * *, 2024-01-01T06:10, 2024-01-02T06:10"
  })
  void cron_nextAfter(String cron, String after, String expected) {
    assertThat(Schedule.cron(cron).nextAfter(LocalDateTime.parse(after)))
        .isEqualTo(LocalDateTime.parse(expected));
  }

  @Test
  void schedule_longestInterval() {
    assertThat(Schedule.HOURLY.longestInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(Schedule.parse("@monthly").longestInterval()).isEqualTo(Duration.ofDays(31));
    assertThat(Schedule.cron("0 9-17 * * 1-5").longestInterval()).isEqualTo(Duration.ofHours(64));
    assertThat(Schedule.ONCE.longestInterval()).isNull();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "* * * *|Invalid cron '* * * *': has 4 fields; write five: minute hour day-of-month month day-of-week",
        "0 24 * * *|Invalid cron '0 24 * * *': hour value 24 is outside 0-23",
        "0 0 31 2 *|Invalid cron '0 0 31 2 *': never fires: no month has such a day",
        "0 0 * FOO *|Invalid cron '0 0 * FOO *': month value 'FOO' is not a number",
        "5-1 * * * *|Invalid cron '5-1 * * * *': minute range '5-1' runs backwards",
        "0 6 * * +1|Invalid cron '0 6 * * +1': day-of-week value '+1' is not a number",
        "? 6 * * *|Invalid cron '? 6 * * *': '?' is only allowed in day-of-month and day-of-week; write * in the minute field",
        "0 ? * * *|Invalid cron '0 ? * * *': '?' is only allowed in day-of-month and day-of-week; write * in the hour field",
        "0 6 * ? *|Invalid cron '0 6 * ? *': '?' is only allowed in day-of-month and day-of-week; write * in the month field",
        "0\t3 * * *|Invalid cron '0\t3 * * *': fields are separated by a tab; separate the five fields with spaces",
        "59-59 * * * *|Invalid cron '59-59 * * * *': minute range '59-59' has one value, which Airflow reads as every value; write 59",
        "0 23/1 * * *|Invalid cron '0 23/1 * * *': hour '23/1' starts at the field's last value, which Airflow reads as every value; write 23",
        "0 6 * * 6/1|Invalid cron '0 6 * * 6/1': day-of-week '6/1' starts at the field's last value, which Airflow reads as every value; write 6",
        "@fortnightly|Invalid schedule: '@fortnightly' (presets are @once, @hourly, @daily, @weekly, @monthly, @yearly)"
      })
  void invalidSchedules_nameTheFieldAndTheFix(String text, String message) {
    assertThatThrownBy(() -> Schedule.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void durations_roundTripTheirCompactForm() {
    assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
    assertThat(Durations.format(Duration.ofHours(36))).isEqualTo("1d12h");
    assertThat(Durations.parse("PT90M")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.format(Duration.ofDays(-3))).isEqualTo("-3d");
    assertThatThrownBy(() -> Durations.parse("3 weeks"))
        .hasMessage("Invalid duration: '3 weeks' (write e.g. 7d, 12h, 30m, 45s or 1d12h)");
  }

  @Test
  void lookbacks_areDurationsOrWholeAmounts_andRoundTripTheirText() {
    assertThat(Lookback.parse("10m")).isEqualTo(Lookback.of(Duration.ofMinutes(10)));
    assertThat(Lookback.parse("PT90M")).hasToString("1h30m");
    assertThat(Lookback.parse(" 500 ")).isEqualTo(Lookback.ofAmount(500));
    assertThat(Lookback.parse("-3").isNegative()).isTrue();
    assertThat(Lookback.parse("0s").isZero()).isTrue();
    assertThat(Lookback.parse("500").kind()).isEqualTo(Lookback.Kind.AMOUNT);
    assertThat(Lookback.parse("1d").kind()).isEqualTo(Lookback.Kind.DURATION);
    assertThat(Lookback.parse(Lookback.ofAmount(42).toString())).isEqualTo(Lookback.ofAmount(42));
    assertThatThrownBy(() -> Lookback.parse("500").duration())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Lookback 500 is an amount, not a duration");
    assertThatThrownBy(() -> Lookback.parse("a while"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid lookback: 'a while' (neither a whole number nor a duration; write a duration"
                + " such as 10m or PT10M for a timestamp or date incremental column, or a whole"
                + " number such as 500 for an integer or decimal one)");
  }

  @Test
  void dataSizes_useBinaryUnits() {
    assertThat(DataSize.parse("512MB").bytes()).isEqualTo(512L * 1024 * 1024);
    assertThat(DataSize.ofBytes(1536)).hasToString("1536B");
    assertThat(DataSize.parse("1gb")).hasToString("1GB");
    assertThatThrownBy(() -> DataSize.parse("lots"))
        .hasMessage("Invalid data size: 'lots' (write e.g. 512MB, 1GB or 1048576)");
  }

  @Test
  void conditions_readDateTimeTextAsSparkCastsIt_andRejectOtherTextNamingTheForms() {
    LocalDateTime lateEvening = LocalDateTime.of(2024, 1, 31, 23, 30);
    // a bare date is the midnight of a timestamp; a timestamp's date is a date column's value
    assertThat(Condition.parse("at < '2024-02-01'").matches(k -> lateEvening)).isTrue();
    assertThat(Condition.parse("at >= '2024-01-31'").matches(k -> lateEvening)).isTrue();
    assertThat(Condition.parse("at = '2024-01-31 23:30'").matches(k -> lateEvening)).isTrue();
    assertThat(Condition.parse("at = '2024-01-31T23:30:00.000'").matches(k -> lateEvening))
        .isTrue();
    assertThat(
            Condition.parse("day = '2024-01-31 10:00:00'")
                .matches(k -> java.time.LocalDate.of(2024, 1, 31)))
        .isTrue();
    // a zone-less timestamp ignores the zone (Spark's cast to TIMESTAMP_NTZ); timestamptz keeps it
    assertThat(Condition.parse("at = '2024-01-31 23:30:00+02:00'").matches(k -> lateEvening))
        .isTrue();
    java.time.Instant instant = java.time.Instant.parse("2024-01-31T21:30:00Z");
    assertThat(Condition.parse("at = '2024-01-31 23:30:00+02:00'").matches(k -> instant)).isTrue();
    assertThat(Condition.parse("at = '2024-01-31 21:30'").matches(k -> instant)).isTrue();

    assertThatThrownBy(() -> Condition.parse("at < 'yesterday'").matches(k -> lateEvening))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot compare a timestamp with 'yesterday': write a date or a date-time, e.g."
                + " '2024-01-31' or '2024-01-31 10:00:00'");
  }

  @Test
  void conditions_evaluateWithSqlNullSemantics() {
    Condition condition = Condition.parse("op = 'D' and amount > 0 or status in ('void', 'x''y')");
    assertThat(condition.columns()).containsExactly("amount", "op", "status");
    assertThat(condition.matches(Map.of("op", "D", "amount", 5L, "status", "ok")::get)).isTrue();
    assertThat(condition.matches(Map.of("op", "D", "amount", -1, "status", "x'y")::get)).isTrue();
    assertThat(condition.matches(Map.of("op", "U", "amount", 5L, "status", "ok")::get)).isFalse();
    assertThat(Condition.parse("op = 'D'").evaluate(k -> null)).isNull();
    assertThat(Condition.parse("not (op = 'D')").evaluate(k -> null)).isNull();
    assertThat(Condition.parse("op is null").matches(k -> null)).isTrue();
    assertThat(condition.toSql(c -> "`" + c + "`"))
        .isEqualTo("`op` = 'D' AND `amount` > 0 OR `status` IN ('void', 'x\\'y')");
  }

  @Test
  void conditions_rejectBadTextWithThePosition() {
    assertThatThrownBy(() -> Condition.parse("op = "))
        .hasMessage(
            "Invalid condition 'op = ' at column 6: expected a column or a literal at the end");
    assertThatThrownBy(() -> Condition.parse("op == 'D'"))
        .hasMessage(
            "Invalid condition 'op == 'D'' at column 5: expected a column or a literal at '= 'D''");
    assertThatThrownBy(() -> Condition.parse("op = 'D"))
        .hasMessage("Invalid condition 'op = 'D' at column 6: unterminated text literal");
    assertThatThrownBy(() -> Condition.parse("(".repeat(100) + "a = 1" + ")".repeat(100)))
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void scalarValues_parseTheirTextForms() {
    assertThat(TableId.parse("raw.orders").layer()).isEqualTo(Layer.RAW);
    assertThat(PartitionField.parse("bucket(16, id)")).isEqualTo(PartitionField.bucket(16, "id"));
    assertThat(SortField.parse("ts desc nulls first")).hasToString("ts desc nulls first");
    assertThat(SortField.parse("ts desc")).isEqualTo(SortField.desc("ts"));
    assertThat(ColumnType.parse("DECIMAL(10, 2)")).isEqualTo(ColumnType.decimal(10, 2));
    assertThat(Dependency.parse("table:raw.orders").table()).isEqualTo(TableId.parse("raw.orders"));
    assertThatThrownBy(() -> TableId.parse("orders"))
        .hasMessage("Invalid table: 'orders' (write it as namespace.name, e.g. raw.orders)");
    assertThatThrownBy(() -> PartitionField.parse("day(1, ts)"))
        .hasMessage("Invalid partition field day(ts): takes no width");
    assertThatThrownBy(() -> ColumnType.parse("varchar"))
        .hasMessageStartingWith("Invalid column type: 'varchar'");
  }

  @Test
  void builderCallOrder_doesNotChangeTheResult() {
    UseCase first = UseCase.named("x").owner("o").schedule("@daily").addTag("a").build();
    UseCase second =
        UseCase.builder().addTag("a").schedule(Schedule.DAILY).owner("o").name("x").build();
    assertThat(first).isEqualTo(second);
  }
}
