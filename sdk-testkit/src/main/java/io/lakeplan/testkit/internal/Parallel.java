package io.lakeplan.testkit.internal;

import java.util.List;
import java.util.function.Function;

/**
 * Row-by-row work shared with the common fork-join pool, as Spark shares a stage between its tasks,
 * and still as deterministic as a loop: results come in the items' order, and when items fail, the
 * first failing item in order decides the exception, whichever thread failed first.
 */
final class Parallel {

  private Parallel() {}

  /** {@code function} of each item, side by side, in the items' order. */
  static <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> function) {
    List<Outcome<R>> outcomes =
        items.parallelStream()
            .map(
                item -> {
                  try {
                    return new Outcome<R>(function.apply(item), null);
                  } catch (RuntimeException e) {
                    return new Outcome<R>(null, e);
                  }
                })
            .toList();
    for (Outcome<R> outcome : outcomes) {
      if (outcome.failure() != null) {
        throw outcome.failure();
      }
    }
    return outcomes.stream().map(Outcome::result).toList();
  }

  private record Outcome<R>(R result, RuntimeException failure) {}
}
