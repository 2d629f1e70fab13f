package io.lakeplan.testkit;

import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link WatermarkStore} in memory, for unit tests: tests can pre-seed it ({@link #seed}) and
 * inspect it ({@link #snapshot}). Thread-safe; honours the same contract as the file and DynamoDB
 * stores (see {@link WatermarkStoreContract}).
 */
public final class InMemoryWatermarkStore implements WatermarkStore {

  private final ConcurrentHashMap<String, Watermark> values = new ConcurrentHashMap<>();

  @Override
  public Optional<Watermark> get(String key) {
    return Optional.ofNullable(values.get(checkKey(key)));
  }

  @Override
  public boolean compareAndSet(String key, Watermark expected, Watermark next) {
    checkKey(key);
    WatermarkStore.checkMonotonic(key, expected, next);
    // compute runs atomically per key: read, compare and write happen under the map's bin lock
    boolean[] set = {false};
    values.compute(
        key,
        (ignored, current) -> {
          if (!Objects.equals(current, expected)) {
            return current;
          }
          WatermarkStore.checkMonotonic(key, current, next);
          set[0] = true;
          return next;
        });
    return set[0];
  }

  /**
   * Sets {@code key} to {@code value} whatever it holds, as a test's starting state (e.g. the
   * watermark a migration left).
   *
   * @return this store
   */
  public InMemoryWatermarkStore seed(String key, Watermark value) {
    values.put(checkKey(key), Objects.requireNonNull(value, "value"));
    return this;
  }

  /** Every key and its watermark, sorted by key; a copy. */
  public Map<String, Watermark> snapshot() {
    return new TreeMap<>(values);
  }

  private static String checkKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid watermark key: '" + key + "' (use the table id, e.g. raw.orders)");
    }
    return key;
  }
}
