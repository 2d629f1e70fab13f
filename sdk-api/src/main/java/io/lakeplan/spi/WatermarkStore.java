package io.lakeplan.spi;

import java.util.Optional;

/**
 * Where per-table watermarks live between runs: the hand-off point from migration to ingestion.
 * Implementations: a local file store (sdk-spark), DynamoDB (sdk-aws), in memory (sdk-testkit).
 *
 * <p>Contract, for every implementation:
 *
 * <ul>
 *   <li>{@link #compareAndSet} is atomic: of two concurrent writers expecting the same value,
 *       exactly one succeeds.
 *   <li>A watermark is monotonic: it never moves backwards. Setting a value lower than the current
 *       one (or of a different type) is a programming error and fails with {@link
 *       IllegalArgumentException}, not with {@code false}.
 * </ul>
 */
public interface WatermarkStore {

  /**
   * The current watermark for {@code key}, or empty when none has been recorded.
   *
   * @param key a stable key, by convention the table id such as {@code raw.orders}
   */
  Optional<Watermark> get(String key);

  /**
   * Sets the watermark of {@code key} to {@code next} if its current value equals {@code expected}.
   *
   * @param key a stable key, by convention the table id such as {@code raw.orders}
   * @param expected the value the caller last read, or null when it read none
   * @param next the new value; must not be null and must not be lower than {@code expected}
   * @return true when the value was set; false when the current value was not {@code expected}
   *     (another writer came first: read again and retry)
   * @throws IllegalArgumentException naming both values when {@code next} is lower than {@code
   *     expected} or of a different type
   */
  boolean compareAndSet(String key, Watermark expected, Watermark next);

  /**
   * Checks the monotonic rule shared by every implementation.
   *
   * @throws IllegalArgumentException naming both values when {@code next} moves backwards from
   *     {@code current} or has a different type
   */
  static void checkMonotonic(String key, Watermark current, Watermark next) {
    if (next == null) {
      throw new IllegalArgumentException("Invalid watermark for " + key + ": null");
    }
    if (current != null && next.compareTo(current) < 0) {
      throw new IllegalArgumentException(
          "Watermark for " + key + " cannot move backwards from " + current + " to " + next);
    }
  }
}
