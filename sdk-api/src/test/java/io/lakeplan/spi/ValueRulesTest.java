package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.ColumnType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueRulesTest {

  private static final ColumnType AMOUNT = ColumnType.decimal(10, 2);

  @Test
  void decimals_keepEveryValueExactly_andRefuseExcessScaleOrDigits() {
    assertThat(ValueRules.fromText(AMOUNT, "10.000")).isEqualTo(new BigDecimal("10.00"));
    assertThat(ValueRules.fromText(AMOUNT, "1e2")).isEqualTo(new BigDecimal("100.00"));
    assertThat(ValueRules.fromText(AMOUNT, " -0.010 ")).isEqualTo(new BigDecimal("-0.01"));
    assertThat(ValueRules.convert(AMOUNT, 7L)).isEqualTo(new BigDecimal("7.00"));
    assertThat(ValueRules.convert(AMOUNT, 0.1d)).isEqualTo(new BigDecimal("0.10"));
    assertThat(ValueRules.convert(AMOUNT, BigDecimal.ZERO.setScale(5)))
        .isEqualTo(new BigDecimal("0.00"));
    assertRefused(
        AMOUNT, "10.005", "3 decimals where decimal(10,2) keeps 2 (Lakeplan never rounds)");
    assertRefused(AMOUNT, new BigDecimal("10.005"), "3 decimals where decimal(10,2) keeps 2");
    assertRefused(AMOUNT, "100000000.00", "9 digits before the decimal point where decimal(10,2)");
    assertRefused(AMOUNT, "1e999999999", "digits before the decimal point");
    assertRefused(AMOUNT, "x", "not a number (decimal(10,2))");
    assertRefused(AMOUNT, Double.NaN, "NaN where decimal(10,2) takes finite numbers only");
  }

  @Test
  void wholeNumbers_acceptWholeValuesInAnyForm_andRefuseFractionsAndOverflow() {
    assertThat(ValueRules.fromText(ColumnType.LONG, "1.0")).isEqualTo(1L);
    assertThat(ValueRules.fromText(ColumnType.LONG, "1e3")).isEqualTo(1000L);
    assertThat(ValueRules.fromText(ColumnType.LONG, "12")).isEqualTo(12L);
    assertThat(ValueRules.convert(ColumnType.INT, new BigDecimal("4.00"))).isEqualTo(4);
    assertThat(ValueRules.convert(ColumnType.LONG, 3)).isEqualTo(3L);
    assertRefused(ColumnType.LONG, "1.9", "not a whole number (long takes whole numbers;");
    assertRefused(ColumnType.LONG, 1.9d, "not a whole number");
    assertRefused(ColumnType.LONG, "9223372036854775808", "out of range for long");
    assertRefused(ColumnType.INT, "2147483648", "out of range for int");
    assertRefused(ColumnType.LONG, true, "a boolean where long takes numbers");
    assertRefused(ColumnType.LONG, "abc", "not a number (long)");
  }

  @Test
  void timestamps_withAZone_becomeUtc_andBareDatesEpochsAndNanosecondsAreRefused() {
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMP, "2024-01-02T23:30:00+02:00"))
        .isEqualTo(LocalDateTime.parse("2024-01-02T21:30:00"));
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMP, "2024-01-02 23:30+0200"))
        .isEqualTo(LocalDateTime.parse("2024-01-02T21:30:00"));
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMP, "2024-01-02T23:30:00-05"))
        .isEqualTo(LocalDateTime.parse("2024-01-03T04:30:00"));
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMP, "2024-01-02T03:04:05.123456000"))
        .isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123456"));
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMPTZ, "2024-01-02T03:04:05"))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(ValueRules.fromText(ColumnType.TIMESTAMPTZ, "2024-01-02T03:04:05Z"))
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
    assertThat(
            ValueRules.convert(
                ColumnType.TIMESTAMP, OffsetDateTime.parse("2024-01-02T23:30:00+02:00")))
        .isEqualTo(LocalDateTime.parse("2024-01-02T21:30:00"));
    assertThat(ValueRules.convert(ColumnType.TIMESTAMP, LocalDate.parse("2024-01-02")))
        .isEqualTo(LocalDateTime.parse("2024-01-02T00:00:00"));
    assertRefused(ColumnType.TIMESTAMP, "2024-01-02", "a date without a time");
    assertRefused(ColumnType.TIMESTAMPTZ, 1704164645L, "an epoch number where timestamptz");
    assertRefused(ColumnType.TIMESTAMP, "1704164645", "not an ISO-8601 date-time");
    assertRefused(ColumnType.TIMESTAMP, "2024-01-02T03:04:05.1234567", "finer than the micro");
    assertRefused(ColumnType.TIMESTAMP, "2024-13-02T03:04:05", "not a valid date-time");
    assertRefused(ColumnType.TIMESTAMP, "2024-01-02T03:04:05+25:00", "not an ISO-8601");
  }

  @Test
  void dates_takeDatesAndMidnightsOnly() {
    assertThat(ValueRules.fromText(ColumnType.DATE, "2024-01-02"))
        .isEqualTo(LocalDate.parse("2024-01-02"));
    assertThat(ValueRules.fromText(ColumnType.DATE, "2024-01-02T00:00:00"))
        .isEqualTo(LocalDate.parse("2024-01-02"));
    assertThat(ValueRules.fromText(ColumnType.DATE, "2024-01-02T01:00:00+01:00"))
        .isEqualTo(LocalDate.parse("2024-01-02"));
    assertRefused(ColumnType.DATE, "2024-01-02T03:04:05", "other than midnight");
    assertRefused(ColumnType.DATE, "2024-02-30", "not a valid date");
    assertRefused(ColumnType.DATE, 19724L, "an epoch number where date");
    assertRefused(ColumnType.DATE, "x", "not an ISO-8601 date such as 2024-05-01");
  }

  @Test
  void booleansStringsAndFloatingPoint_followTheirRules() {
    assertThat(ValueRules.fromText(ColumnType.BOOLEAN, "TRUE")).isEqualTo(true);
    assertRefused(ColumnType.BOOLEAN, "yes", "not a boolean (write true or false)");
    assertRefused(ColumnType.BOOLEAN, 1L, "not a boolean");
    assertThat(ValueRules.convert(ColumnType.STRING, 5L)).isEqualTo("5");
    assertThat(ValueRules.fromText(ColumnType.STRING, " x ")).isEqualTo(" x ");
    assertThat(ValueRules.fromText(ColumnType.DOUBLE, "NaN")).isEqualTo(Double.NaN);
    assertThat(ValueRules.fromText(ColumnType.DOUBLE, "1e3")).isEqualTo(1000d);
    assertRefused(ColumnType.DOUBLE, "1e999", "out of range for double");
    assertRefused(ColumnType.FLOAT, 1e300d, "out of range for float");
    assertRefused(ColumnType.DOUBLE, "0x10", "not a number (double)");
  }

  @Test
  void refused_namesEachColumnAndCount_neverTheValue() {
    String message =
        ValueRules.refused(
            "The source of ingestion payments",
            List.of(
                new ValueRules.Refusal("amount", 1, "3 decimals where decimal(10,2) keeps 2"),
                new ValueRules.Refusal("quantity", 4, "not a whole number")));
    assertThat(message)
        .startsWith("The source of ingestion payments holds values its target cannot take")
        .contains("nothing was written")
        .contains("column amount: 1 value refused, 3 decimals where decimal(10,2) keeps 2")
        .contains("column quantity: 4 values refused, e.g. not a whole number")
        .contains("docs/site/types.md");
    assertThat(ValueRules.reason("d", "not a number")).isEqualTo("column d: not a number");
  }

  private static void assertRefused(ColumnType type, Object value, String problem) {
    assertThatThrownBy(() -> ValueRules.convert(type, value))
        .as("%s into %s", value, type)
        .isInstanceOf(ValueRuleException.class)
        .hasMessageContaining(problem);
  }
}
