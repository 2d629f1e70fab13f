package io.lakeplan.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import org.junit.jupiter.api.Test;

class InMemoryWatermarkStoreTest extends WatermarkStoreContract {
  @Override
  protected WatermarkStore newStore() {
    return new InMemoryWatermarkStore();
  }

  @Test
  void seed_setsAStartingValueThatSnapshotShows() {
    InMemoryWatermarkStore store =
        new InMemoryWatermarkStore()
            .seed("raw.orders", Watermark.of(10L))
            .seed("a.b", Watermark.of(1L));

    assertThat(store.compareAndSet("raw.orders", Watermark.of(10L), Watermark.of(11L))).isTrue();
    assertThat(store.snapshot())
        .containsExactly(
            java.util.Map.entry("a.b", Watermark.of(1L)),
            java.util.Map.entry("raw.orders", Watermark.of(11L)));
  }

  @Test
  void blankKey_failsNamingTheFix() {
    assertThatThrownBy(() -> new InMemoryWatermarkStore().get(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e.g. raw.orders");
  }
}
