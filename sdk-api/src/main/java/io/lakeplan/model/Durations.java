package io.lakeplan.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compact text form of durations in use-case files: {@code 7d}, {@code 36h}, {@code 1d12h},
 * {@code 90s}; ISO-8601 ({@code PT36H}) is accepted on input too.
 */
public final class Durations {
  private static final Pattern COMPACT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

  /** The most days a {@link Duration} holds. */
  private static final long MAX_DAYS = Long.MAX_VALUE / 86_400;

  private Durations() {}

  /**
   * Parses a compact or ISO-8601 duration.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid duration: '" + text + "' (write e.g. 7d, 12h, 30m, 45s or 1d12h)");
    }
    String trimmed = text.trim();
    if (trimmed.startsWith("P") || trimmed.startsWith("-P")) {
      try {
        return Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("Invalid duration: '" + text + "' (not ISO-8601)", e);
      }
    }
    boolean negative = trimmed.startsWith("-");
    Matcher matcher = COMPACT.matcher(negative ? trimmed.substring(1) : trimmed);
    if (!matcher.matches() || trimmed.equals("-") || trimmed.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid duration: '" + text + "' (write e.g. 7d, 12h, 30m, 45s or 1d12h)");
    }
    try {
      Duration duration =
          Duration.ofDays(group(matcher, 1))
              .plusHours(group(matcher, 2))
              .plusMinutes(group(matcher, 3))
              .plusSeconds(group(matcher, 4))
              .plusMillis(group(matcher, 5));
      return negative ? duration.negated() : duration;
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid duration: '"
              + text
              + "' (too long: at most "
              + MAX_DAYS
              + "d; write e.g. 7d, 12h or 1d12h)",
          e);
    }
  }

  private static long group(Matcher matcher, int index) {
    String value = matcher.group(index);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The compact form of {@code duration}: the largest units first, zero units left out. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    if (duration.isNegative()) {
      return "-" + format(duration.negated());
    }
    StringBuilder text = new StringBuilder();
    append(text, duration.toDays(), "d");
    append(text, duration.toHoursPart(), "h");
    append(text, duration.toMinutesPart(), "m");
    append(text, duration.toSecondsPart(), "s");
    append(text, duration.toMillisPart(), "ms");
    if (duration.toNanosPart() % 1_000_000 != 0) {
      return duration.toString();
    }
    return text.toString();
  }

  private static void append(StringBuilder text, long value, String unit) {
    if (value != 0) {
      text.append(value).append(unit);
    }
  }
}
