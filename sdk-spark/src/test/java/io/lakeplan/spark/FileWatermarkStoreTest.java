package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import io.lakeplan.testkit.WatermarkStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWatermarkStoreTest extends WatermarkStoreContract {
  @TempDir Path dir;

  @Override
  protected WatermarkStore newStore() {
    return new FileWatermarkStore(dir.resolve("watermarks"));
  }

  @Test
  void value_survivesANewStoreOnTheSameFolder() {
    new FileWatermarkStore(dir).compareAndSet("raw.orders", null, Watermark.of(5L));

    assertThat(new FileWatermarkStore(dir).get("raw.orders")).contains(Watermark.of(5L));
  }

  @Test
  void corruptFile_failsNamingKeyAndFile() throws Exception {
    Files.writeString(dir.resolve("raw.orders.json"), "{not json");

    assertThatThrownBy(() -> new FileWatermarkStore(dir).get("raw.orders"))
        .hasMessageContaining("Cannot read watermark raw.orders from ")
        .hasMessageContaining("raw.orders.json");
  }

  @Test
  void unsafeKey_isRejected() {
    assertThatThrownBy(() -> new FileWatermarkStore(dir).get("../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid watermark key");
  }
}
