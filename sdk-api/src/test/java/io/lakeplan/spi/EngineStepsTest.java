package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.TableId;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineStepsTest {

  private static final TableId TABLE = TableId.of("raw", "orders");

  /** A store whose compare-and-set can be made to lose, as against a concurrent writer. */
  private static final class Store implements WatermarkStore {
    final Map<String, Watermark> values = new HashMap<>();
    boolean loseNextSwap;

    @Override
    public Optional<Watermark> get(String key) {
      return Optional.ofNullable(values.get(key));
    }

    @Override
    public boolean compareAndSet(String key, Watermark expected, Watermark next) {
      if (loseNextSwap || !java.util.Objects.equals(values.get(key), expected)) {
        return false;
      }
      values.put(key, next);
      return true;
    }
  }

  @Test
  void recordWatermark_movesTheStoresWatermark_andSaysFromWhere() {
    Store store = new Store();
    LocalDateTime first = LocalDateTime.parse("2024-05-01T10:00:00");

    TaskResult moved =
        EngineSteps.recordWatermark(store, TABLE, "updated_at", first, IllegalStateException::new);

    Watermark expected = Watermark.of(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(store.values).containsEntry("raw.orders", expected);
    assertThat(moved.summary()).isEqualTo("watermark of raw.orders moved from none to " + expected);

    TaskResult again =
        EngineSteps.recordWatermark(store, TABLE, "updated_at", first, IllegalStateException::new);
    assertThat(again.summary()).isEqualTo("watermark of raw.orders already at " + expected);
  }

  @Test
  void recordWatermark_withoutValues_recordsNothing() {
    Store store = new Store();
    TaskResult result =
        EngineSteps.recordWatermark(store, TABLE, "updated_at", null, IllegalStateException::new);
    assertThat(store.values).isEmpty();
    assertThat(result.summary())
        .isEqualTo("table raw.orders has no updated_at values; no watermark");
  }

  @Test
  void recordWatermark_failsThroughTheEnginesFailure_onAConcurrentChangeOrABadColumn() {
    Store store = new Store();
    store.loseNextSwap = true;
    assertThatThrownBy(
            () -> EngineSteps.recordWatermark(store, TABLE, "id", 7L, IllegalStateException::new))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Watermark of raw.orders changed concurrently (expected null); re-run");
    assertThatThrownBy(
            () ->
                EngineSteps.recordWatermark(
                    store, TABLE, "status", "PAID", IllegalStateException::new))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Watermark column status has values of type String"
                + " (must be a timestamp, date, integer or decimal column)");
  }
}
