package io.lakeplan.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How far back before its watermark a JDBC ingestion reads again ({@link
 * JdbcIngestion#lookback()}): a {@link Duration} for a timestamp or date incremental column, a
 * whole number of the column's own unit for an integer or decimal one.
 *
 * <p>Written in use-case files as a duration ({@code 10m}, {@code 1h}, {@code PT10M}) or a whole
 * number ({@code 500}). Zero is a valid lookback: it re-reads the watermark's own value. Negative
 * values can be built (a file may hold one) and are refused by validation.
 */
public final class Lookback {

  /** What a lookback is measured in. */
  public enum Kind {
    /** A span of time, for timestamp and date incremental columns. */
    DURATION,
    /** A whole number of the column's unit, for integer and decimal incremental columns. */
    AMOUNT
  }

  private final Duration duration;
  private final long amount;

  private Lookback(Duration duration, long amount) {
    this.duration = duration;
    this.amount = amount;
  }

  /** A lookback of {@code duration}, for a timestamp or date column; must not be null. */
  public static Lookback of(Duration duration) {
    Objects.requireNonNull(duration, "lookback duration");
    return new Lookback(duration, 0);
  }

  /** A lookback of {@code amount} units of an integer or decimal column. */
  public static Lookback ofAmount(long amount) {
    return new Lookback(null, amount);
  }

  /**
   * Parses the text form: a whole number ({@code 500}, {@code -3}) is an amount, anything else a
   * duration in the compact or ISO-8601 form ({@link Durations#parse}).
   *
   * @throws IllegalArgumentException naming the text and both accepted forms
   */
  public static Lookback parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.matches("[-+]?[0-9]{1,19}")) {
      try {
        return ofAmount(Long.parseLong(trimmed));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(invalid(text, "the number is too large"), e);
      }
    }
    try {
      return of(Durations.parse(trimmed));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(invalid(text, "neither a whole number nor a duration"), e);
    }
  }

  private static String invalid(String text, String why) {
    return "Invalid lookback: '"
        + text
        + "' ("
        + why
        + "; write a duration such as 10m or PT10M for a timestamp or date incremental column, or"
        + " a whole number such as 500 for an integer or decimal one)";
  }

  /** Whether this is a duration or an amount. */
  public Kind kind() {
    return duration != null ? Kind.DURATION : Kind.AMOUNT;
  }

  /**
   * The duration.
   *
   * @throws IllegalStateException when this is an {@link Kind#AMOUNT amount}
   */
  public Duration duration() {
    if (duration == null) {
      throw new IllegalStateException("Lookback " + this + " is an amount, not a duration");
    }
    return duration;
  }

  /**
   * The amount of the column's unit.
   *
   * @throws IllegalStateException when this is a {@link Kind#DURATION duration}
   */
  public long amount() {
    if (duration != null) {
      throw new IllegalStateException("Lookback " + this + " is a duration, not an amount");
    }
    return amount;
  }

  /** Whether this is below zero, which validation refuses. */
  public boolean isNegative() {
    return duration != null ? duration.isNegative() : amount < 0;
  }

  /** Whether this is zero: a lookback that re-reads only the watermark's own value. */
  public boolean isZero() {
    return duration != null ? duration.isZero() : amount == 0;
  }

  /** The text form: {@code 10m} ({@link Durations#format}) or {@code 500}. */
  @Override
  public String toString() {
    return duration != null ? Durations.format(duration) : Long.toString(amount);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Lookback that
        && Objects.equals(duration, that.duration)
        && amount == that.amount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(duration, amount);
  }
}
