package io.lakeplan.aws.emr;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Bounded exponential backoff with jitter: the wait before retry {@code n} (from 0) is drawn from
 * [d/2, d] with d = min(max, first × 2<sup>n</sup>), so many clients polling one service spread out
 * instead of calling in step, and no wait exceeds {@code max}.
 */
final class Backoff {
  private final Duration first;
  private final Duration max;
  private final RandomGenerator random;

  Backoff(Duration first, Duration max, RandomGenerator random) {
    this.first = first;
    this.max = max;
    this.random = random;
  }

  /** The wait before retry {@code retry} (0 for the first). */
  Duration delay(int retry) {
    long ceiling = ceiling(retry).toMillis();
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }

  /** The longest wait before retry {@code retry}: min(max, first × 2^retry). */
  Duration ceiling(int retry) {
    long limit = max.toMillis();
    long millis = first.toMillis();
    for (int i = 0; i < retry && millis < limit; i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, limit));
  }
}
