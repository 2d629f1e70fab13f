package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.Lookback;
import io.lakeplan.model.WriteMode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JdbcWindowTest {

  private static final Instant WATERMARK = Instant.parse("2024-05-01T10:00:00Z");

  private static JdbcIngestion ingestion(Lookback lookback) {
    return JdbcIngestion.builder()
        .id("orders-db")
        .connection(c -> c.url("jdbc:postgresql://db/sales"))
        .table("public.orders")
        .incrementalColumn("updated_at")
        .addKey("order_id")
        .lookback(lookback)
        .target("raw.orders")
        .build();
  }

  private static Watermark at(long minutesAfterTheWatermark) {
    return Watermark.of(WATERMARK.plus(Duration.ofMinutes(minutesAfterTheWatermark)));
  }

  private static JdbcWindow window(Lookback lookback, Watermark after, Watermark max) {
    return JdbcWindow.of(ingestion(lookback), after, max, IllegalStateException::new);
  }

  @Test
  void withoutLookback_theWindowStartsStrictlyAfterTheWatermark() {
    JdbcWindow window = window(null, at(0), at(5));

    assertThat(window.rereads()).isFalse();
    assertThat(window.from()).isNull();
    assertThat(window.upTo()).isEqualTo(at(5));
    assertThat(window.contains(at(0))).isFalse();
    assertThat(window.contains(at(1))).isTrue();
    assertThat(window.contains(at(5))).isTrue();
    assertThat(window.contains(at(6))).isFalse();
    assertThat(window.contains(null)).isFalse();
    assertThat(window.isEmpty()).isFalse();
    assertThat(window).hasToString("(" + at(0) + ", " + at(5) + "]");
    // the case: the greatest value is still the watermark, so nothing is read
    assertThat(window(null, at(0), at(0)).isEmpty()).isTrue();
  }

  @Test
  void withLookback_theWindowReadsFromTheWatermarkLessTheLookback_included() {
    JdbcWindow window = window(Lookback.of(Duration.ofMinutes(10)), at(0), at(5));

    assertThat(window.rereads()).isTrue();
    assertThat(window.after()).isEqualTo(at(0));
    assertThat(window.from()).isEqualTo(at(-10));
    assertThat(window.upTo()).isEqualTo(at(5));
    assertThat(window.contains(at(-11))).isFalse();
    assertThat(window.contains(at(-10))).isTrue();
    assertThat(window.contains(at(0))).isTrue();
    assertThat(window.contains(at(6))).isFalse();
    assertThat(window).hasToString("[" + at(-10) + ", " + at(5) + "]");
  }

  @Test
  void withLookback_aSourceWhoseGreatestValueIsTheWatermark_isStillReadAgain() {
    JdbcWindow unchanged = window(Lookback.of(Duration.ZERO), at(0), at(0));
    JdbcWindow behind = window(Lookback.of(Duration.ofMinutes(10)), at(0), at(-3));
    JdbcWindow before = window(Lookback.of(Duration.ofMinutes(10)), at(0), at(-11));

    assertThat(unchanged.isEmpty()).isFalse();
    assertThat(unchanged.contains(at(0))).isTrue();
    // the watermark never moves back
    assertThat(behind.isEmpty()).isFalse();
    assertThat(behind.upTo()).isEqualTo(at(0));
    assertThat(before.isEmpty()).isTrue();
  }

  @Test
  void withLookback_theFirstRunReadsFromTheBeginning() {
    JdbcWindow window = window(Lookback.of(Duration.ofMinutes(10)), null, at(5));

    assertThat(window.rereads()).isFalse();
    assertThat(window.contains(at(-100_000))).isTrue();
    assertThat(window).hasToString("(beginning, " + at(5) + "]");
  }

  @Test
  void amountLookback_isSubtractedFromWholeAndDecimalWatermarks() {
    JdbcWindow whole = window(Lookback.ofAmount(100), Watermark.of(1_000), Watermark.of(1_200));
    JdbcWindow decimal =
        window(
            Lookback.ofAmount(2),
            Watermark.of(new BigDecimal("10.5")),
            Watermark.of(new BigDecimal("11")));
    JdbcWindow overflowing =
        window(Lookback.ofAmount(10), Watermark.of(Long.MIN_VALUE + 3), Watermark.of(0));
    JdbcWindow beforeTime = window(Lookback.of(Duration.ofDays(365L * 5000)), at(0), at(1));

    assertThat(whole.from()).isEqualTo(Watermark.of(900));
    assertThat(decimal.from()).isEqualTo(Watermark.of(new BigDecimal("8.5")));
    assertThat(overflowing.from()).isEqualTo(Watermark.of(Long.MIN_VALUE));
    assertThat(beforeTime.from()).isEqualTo(Watermark.of(Instant.parse("0001-01-01T00:00:00Z")));
  }

  @Test
  void lookbackOfTheWrongKind_failsNamingTheLookbackTheColumnAndTheFix() {
    assertThatThrownBy(() -> window(Lookback.ofAmount(500), at(0), at(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Ingestion orders-db: lookback 500 is a number, but incremental column updated_at"
                + " holds times ("
                + at(5)
                + "); write lookback as a duration, e.g. lookback: 10m; nothing was written");
    assertThatThrownBy(
            () -> window(Lookback.of(Duration.ofMinutes(10)), Watermark.of(1), Watermark.of(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Ingestion orders-db: lookback 10m is a duration, but incremental column updated_at"
                + " holds numbers (long:2); write lookback as a number of the column's units,"
                + " e.g. lookback: 1000; nothing was written");
  }

  @Test
  void aWatermarkOfAnotherKindThanTheColumnsValues_failsNamingBoth() {
    assertThatThrownBy(() -> window(null, Watermark.of(7), at(5)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Ingestion orders-db: the last watermark of raw.orders is long:7, but incremental"
                + " column updated_at holds "
                + at(5)
                + "; a window compares them, so they must be of one kind: use an incremental"
                + " column of the watermark's kind; nothing was written");
  }

  @Test
  void summaries_sayTheWindowAndTheRowsAlreadyIngested() {
    JdbcIngestion append = ingestion(Lookback.of(Duration.ofMinutes(10)));
    JdbcIngestion merge = JdbcIngestion.builder().from(append).writeMode(WriteMode.MERGE).build();
    JdbcWindow window = JdbcWindow.of(append, at(0), at(5), IllegalStateException::new);
    JdbcWindow empty = JdbcWindow.of(append, at(0), at(-11), IllegalStateException::new);
    JdbcWindow plain = JdbcWindow.of(ingestion(null), at(0), at(0), IllegalStateException::new);

    assertThat(EngineSteps.jdbcSummary(append, 2, 3, window))
        .isEqualTo(
            "appended 2 rows of ["
                + at(-10)
                + ", "
                + at(5)
                + "] into raw.orders; watermark "
                + at(5)
                + "; 3 rows already ingested skipped (lookback 10m)");
    assertThat(EngineSteps.jdbcSummary(merge, 0, 1, window))
        .startsWith("merged 0 rows of [")
        .endsWith("; 1 row already ingested skipped (lookback 10m)");
    assertThat(EngineSteps.jdbcSummary(append, 2, 0, window)).doesNotContain("skipped");
    assertThat(EngineSteps.jdbcNothingToRead(append, empty))
        .isEqualTo(
            "no rows at or after "
                + at(-10)
                + " (lookback 10m) in the source of orders-db; nothing ingested");
    assertThat(EngineSteps.jdbcNothingToRead(ingestion(null), plain))
        .isEqualTo("no rows after " + at(0) + " in the source of orders-db; nothing ingested");
  }
}
