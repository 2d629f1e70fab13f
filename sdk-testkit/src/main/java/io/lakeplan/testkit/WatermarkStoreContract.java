package io.lakeplan.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link WatermarkStore} must pass. An implementation's test extends this class
 * and returns a fresh, empty store from {@link #newStore()}:
 *
 * <pre>{@code
 * class FileWatermarkStoreTest extends WatermarkStoreContract {
 *   @TempDir Path dir;
 *
 *   protected WatermarkStore newStore() {
 *     return new FileWatermarkStore(dir);
 *   }
 * }
 * }</pre>
 */
public abstract class WatermarkStoreContract {

  private static final Watermark JAN = Watermark.of(Instant.parse("2024-01-01T00:00:00Z"));
  private static final Watermark FEB = Watermark.of(Instant.parse("2024-02-01T00:00:00Z"));
  private static final Watermark MAR = Watermark.of(Instant.parse("2024-03-01T00:00:00Z"));

  /** A new, empty store; called once per test. */
  protected abstract WatermarkStore newStore();

  @Test
  void get_unknownKey_isEmpty() {
    assertThat(newStore().get("raw.never_written")).isEmpty();
  }

  @Test
  void compareAndSet_fromNothing_setsTheValue() {
    WatermarkStore store = newStore();

    assertThat(store.compareAndSet("raw.orders", null, JAN)).isTrue();

    assertThat(store.get("raw.orders")).contains(JAN);
  }

  @Test
  void compareAndSet_forward_movesTheValue() {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, JAN);

    assertThat(store.compareAndSet("raw.orders", JAN, FEB)).isTrue();
    assertThat(store.compareAndSet("raw.orders", FEB, FEB)).as("same value again").isTrue();

    assertThat(store.get("raw.orders")).contains(FEB);
  }

  @Test
  void compareAndSet_staleExpectation_returnsFalseAndKeepsTheValue() {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, JAN);
    store.compareAndSet("raw.orders", JAN, FEB);

    assertThat(store.compareAndSet("raw.orders", JAN, MAR)).isFalse();
    assertThat(store.compareAndSet("raw.orders", null, MAR)).isFalse();

    assertThat(store.get("raw.orders")).contains(FEB);
  }

  @Test
  void compareAndSet_backwards_failsNamingBothValuesAndKeepsTheValue() {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, FEB);

    assertThatThrownBy(() -> store.compareAndSet("raw.orders", FEB, JAN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raw.orders")
        .hasMessageContaining("cannot move backwards")
        .hasMessageContaining(FEB.toString())
        .hasMessageContaining(JAN.toString());
    assertThat(store.get("raw.orders")).contains(FEB);
  }

  @Test
  void compareAndSet_otherType_failsAndKeepsTheValue() {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, JAN);

    assertThatThrownBy(() -> store.compareAndSet("raw.orders", JAN, Watermark.of(42L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.get("raw.orders")).contains(JAN);
  }

  @Test
  void compareAndSet_null_fails() {
    WatermarkStore store = newStore();

    assertThatThrownBy(() -> store.compareAndSet("raw.orders", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raw.orders");
    assertThat(store.get("raw.orders")).isEmpty();
  }

  @Test
  void keys_areIndependent() {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, FEB);
    store.compareAndSet("raw.customers", null, Watermark.of(7L));

    assertThat(store.get("raw.orders")).contains(FEB);
    assertThat(store.get("raw.customers")).contains(Watermark.of(7L));
  }

  @Test
  void compareAndSet_racingWritersWithTheSameExpectation_exactlyOneWins() throws Exception {
    WatermarkStore store = newStore();
    store.compareAndSet("raw.orders", null, Watermark.of(0L));
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 1; i <= writers; i++) {
        Watermark next = Watermark.of((long) i);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.compareAndSet("raw.orders", Watermark.of(0L), next);
                }));
      }
      start.countDown();
      int won = 0;
      for (Future<Boolean> result : results) {
        won += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
      assertThat(store.get("raw.orders").orElseThrow().asLong()).isBetween(1L, (long) writers);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void compareAndSet_concurrentIncrementsWithRetry_loseNoUpdate() throws Exception {
    WatermarkStore store = newStore();
    int threads = 4;
    int increments = 50;
    AtomicInteger conflicts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      Watermark current = store.get("raw.counter").orElse(null);
                      long next = current == null ? 1 : current.asLong() + 1;
                      if (store.compareAndSet("raw.counter", current, Watermark.of(next))) {
                        break;
                      }
                      conflicts.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> future : done) {
        future.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.get("raw.counter").orElseThrow().asLong())
        .as("increments after %d conflicts", conflicts.get())
        .isEqualTo((long) threads * increments);
  }
}
