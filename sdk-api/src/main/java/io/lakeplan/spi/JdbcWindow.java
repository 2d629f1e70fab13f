package io.lakeplan.spi;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.Lookback;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * The incremental values one run of a JDBC ingestion reads, decided the same way by every engine.
 *
 * <ul>
 *   <li>Without a {@link JdbcIngestion#lookback() lookback}: {@code (after, upTo]}, where {@code
 *       after} is the last watermark (none: from the beginning) and {@code upTo} the greatest value
 *       of the incremental column when the run starts. A row committed later with a value at or
 *       below {@code upTo} is never read.
 *   <li>With a lookback and a last watermark: {@code [after - lookback, upTo]}, the start included
 *       (a lookback of zero reads the rows equal to the watermark again), and {@code upTo} never
 *       below {@code after}. The engine skips every row of it whose keys and incremental value are
 *       already in the target. The first run (no watermark) reads from the beginning either way; a
 *       watermark a migration recorded is looked back from like any other.
 * </ul>
 *
 * <p>After the run the watermark is {@link #upTo()}.
 */
public final class JdbcWindow {

  /** The earliest start of a time window: a lookback reaching further starts here. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  private final Watermark after;
  private final Watermark from;
  private final Watermark max;
  private final Watermark upTo;

  private JdbcWindow(Watermark after, Watermark from, Watermark max, Watermark upTo) {
    this.after = after;
    this.from = from;
    this.max = max;
    this.upTo = upTo;
  }

  /**
   * The window of a run of {@code ingestion} that starts at watermark {@code after} (null: none)
   * and found {@code max} as the greatest value of the incremental column.
   *
   * @param failure the engine's task failure for a message
   * @throws RuntimeException from {@code failure}, naming the values and the fix, when the last
   *     watermark and the column's values are of different kinds (a time and a number), or the
   *     lookback is a duration and the column holds numbers or the reverse, or it is negative
   */
  public static JdbcWindow of(
      JdbcIngestion ingestion,
      Watermark after,
      Watermark max,
      Function<String, ? extends RuntimeException> failure) {
    Objects.requireNonNull(max, "max");
    if (after != null && after.type() != max.type()) {
      throw failure.apply(
          "Ingestion "
              + ingestion.id()
              + ": the last watermark of "
              + ingestion.target()
              + " is "
              + after
              + ", but incremental column "
              + ingestion.incrementalColumn()
              + " holds "
              + max
              + "; a window compares them, so they must be of one kind: use an incremental column"
              + " of the watermark's kind; nothing was written");
    }
    Lookback lookback = ingestion.lookback();
    if (lookback == null) {
      return new JdbcWindow(after, null, max, max);
    }
    requireKind(ingestion, lookback, max, failure);
    if (after == null) {
      return new JdbcWindow(null, null, max, max);
    }
    Watermark from = minus(after, lookback);
    Watermark upTo = max.compareTo(after) < 0 ? after : max;
    return new JdbcWindow(after, from, max, upTo);
  }

  private static void requireKind(
      JdbcIngestion ingestion,
      Lookback lookback,
      Watermark values,
      Function<String, ? extends RuntimeException> failure) {
    if (lookback.isNegative()) {
      throw failure.apply(
          "Ingestion "
              + ingestion.id()
              + ": invalid lookback "
              + lookback
              + " (must not be negative); nothing was written");
    }
    boolean time = values.type() == Watermark.Type.TIMESTAMP;
    if (time != (lookback.kind() == Lookback.Kind.DURATION)) {
      throw failure.apply(
          "Ingestion "
              + ingestion.id()
              + ": lookback "
              + lookback
              + " is "
              + (time ? "a number" : "a duration")
              + ", but incremental column "
              + ingestion.incrementalColumn()
              + " holds "
              + (time ? "times" : "numbers")
              + " ("
              + values
              + "); write lookback as "
              + (time
                  ? "a duration, e.g. lookback: 10m"
                  : "a number of the column's units, e.g. lookback: 1000")
              + "; nothing was written");
    }
  }

  /** {@code watermark} less {@code lookback}, no earlier than the earliest value of its type. */
  private static Watermark minus(Watermark watermark, Lookback lookback) {
    switch (watermark.type()) {
      case TIMESTAMP:
        try {
          Instant start = watermark.asInstant().minus(lookback.duration());
          return Watermark.of(start.isBefore(EARLIEST) ? EARLIEST : start);
        } catch (DateTimeException | ArithmeticException e) {
          return Watermark.of(EARLIEST);
        }
      case LONG:
        long value = watermark.asLong();
        long amount = lookback.amount();
        return Watermark.of(value < Long.MIN_VALUE + amount ? Long.MIN_VALUE : value - amount);
      default:
        return Watermark.of(watermark.asDecimal().subtract(BigDecimal.valueOf(lookback.amount())));
    }
  }

  /** The last watermark the window starts from; null when there is none (the first run). */
  public Watermark after() {
    return after;
  }

  /**
   * The first value the window holds, included, when it reads again what earlier runs read: {@code
   * after - lookback}; null without a lookback or a last watermark (the window starts strictly
   * after {@link #after()}, or at the beginning).
   */
  public Watermark from() {
    return from;
  }

  /** The last value the window holds, included; the watermark once the run committed. */
  public Watermark upTo() {
    return upTo;
  }

  /**
   * Whether the window reads again values earlier runs read ({@link #from()} is set): the run must
   * then skip the rows already in the target.
   */
  public boolean rereads() {
    return from != null;
  }

  /** Whether no row of the source can be in the window: its greatest value is before the start. */
  public boolean isEmpty() {
    if (from != null) {
      return max.compareTo(from) < 0;
    }
    return after != null && max.compareTo(after) <= 0;
  }

  /** Whether incremental value {@code value} is in the window; never for null. */
  public boolean contains(Watermark value) {
    if (value == null || value.compareTo(upTo) > 0) {
      return false;
    }
    if (from != null) {
      return value.compareTo(from) >= 0;
    }
    return after == null || value.compareTo(after) > 0;
  }

  /**
   * The window in interval notation: {@code (beginning, timestamp:…]}, {@code (timestamp:…,
   * timestamp:…]} or, when it reads again, {@code [timestamp:…, timestamp:…]}.
   */
  @Override
  public String toString() {
    if (from != null) {
      return "[" + from + ", " + upTo + "]";
    }
    return "(" + (after == null ? "beginning" : after) + ", " + upTo + "]";
  }
}
