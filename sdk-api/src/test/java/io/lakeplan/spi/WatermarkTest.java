package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WatermarkTest {

  @Test
  void parse_ofTheTextForm_returnsTheSameWatermark() {
    for (Watermark watermark :
        new Watermark[] {
          Watermark.of(Instant.parse("2024-05-01T10:00:00Z")),
          Watermark.of(42),
          Watermark.of(new BigDecimal("1.50"))
        }) {
      assertThat(Watermark.parse(watermark.toString())).isEqualTo(watermark);
    }
  }

  @Test
  void parse_withoutType_failsNamingTheText() {
    assertThatThrownBy(() -> Watermark.parse("2024-05-01"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid watermark: '2024-05-01' (expected type:value, e.g. long:42)");
  }

  @Test
  void ofValue_convertsColumnValuesToTypedWatermarks() {
    Instant time = Instant.parse("2024-05-01T10:00:00Z");
    assertThat(Watermark.ofValue(time)).isEqualTo(Watermark.of(time));
    assertThat(Watermark.ofValue(time.atOffset(ZoneOffset.ofHours(2))))
        .isEqualTo(Watermark.of(time));
    assertThat(Watermark.ofValue(LocalDateTime.parse("2024-05-01T10:00:00")))
        .isEqualTo(Watermark.of(time));
    assertThat(Watermark.ofValue(LocalDate.parse("2024-05-01")))
        .isEqualTo(Watermark.of(Instant.parse("2024-05-01T00:00:00Z")));
    assertThat(Watermark.ofValue(7)).isEqualTo(Watermark.of(7L));
    assertThat(Watermark.ofValue(new BigDecimal("2.0")))
        .isEqualTo(Watermark.of(new BigDecimal("2")));
    assertThatThrownBy(() -> Watermark.ofValue("x"))
        .hasMessage(
            "No watermark for a value of type String (must be a timestamp, date, integer or decimal)");
  }
}
