package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {

  private static final List<Integer> ITEMS = IntStream.range(0, 10_000).boxed().toList();

  @Test
  void map_keepsTheItemsOrder() {
    assertThat(Parallel.map(ITEMS, i -> i * 2))
        .containsExactlyElementsOf(ITEMS.stream().map(i -> i * 2).toList());
  }

  @Test
  void map_throwsTheFirstFailingItemsException_evenWhenLaterItemsFailFirst() {
    for (int attempt = 0; attempt < 20; attempt++) {
      assertThatThrownBy(
              () ->
                  Parallel.map(
                      ITEMS,
                      i -> {
                        if (i == 100) {
                          // the first failing item is slow: later items fail before it
                          sleep();
                          throw new IllegalArgumentException("item " + i);
                        }
                        if (i > 100 && i % 7 == 0) {
                          throw new IllegalArgumentException("item " + i);
                        }
                        return i;
                      }))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("item 100");
    }
  }

  @Test
  void map_ofNoItems_isEmpty() {
    assertThat(Parallel.map(List.<Integer>of(), i -> i)).isEmpty();
  }

  private static void sleep() {
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
