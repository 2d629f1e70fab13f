package io.lakeplan.model;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;

/**
 * A parsed five-field cron expression, evaluated in UTC as Airflow's cron timetables evaluate it
 * (croniter): a day-of-month or day-of-week field that is not {@code *} or {@code ?} restricts the
 * day (both restricted: either matches; a field naming every day counts as {@code *} when the other
 * one has a {@code *} in it), and {@code N/step} runs from N to the field's last value (Saturday
 * for day-of-week). Forms croniter rejects ({@code +1}, {@code ?} outside the day fields, fields
 * separated by tabs) or reads as something else ({@code 59-59} and {@code 23/1} as every value,
 * {@code 31/2} wrapping around) are refused with the form to write instead.
 */
final class CronExpression {
  private static final String[] FIELD_NAMES = {
    "minute", "hour", "day-of-month", "month", "day-of-week"
  };
  private static final int[] MIN = {0, 0, 1, 1, 0};
  private static final int[] MAX = {59, 23, 31, 12, 7};
  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private final BitSet[] fields = new BitSet[5];
  private final boolean dayOfMonthRestricted;
  private final boolean dayOfWeekRestricted;

  private CronExpression(String expression) {
    String trimmed = expression.trim();
    for (char c : trimmed.toCharArray()) {
      if (Character.isWhitespace(c) && c != ' ') {
        throw invalid(
            expression,
            "fields are separated by "
                + (c == '\t' ? "a tab" : "a line break or other blank")
                + "; separate the five fields with spaces");
      }
    }
    String[] parts = trimmed.split(" +");
    if (parts.length != 5) {
      throw invalid(
          expression,
          "has "
              + parts.length
              + " fields; write five: minute hour day-of-month month day-of-week");
    }
    for (int field = 0; field < 5; field++) {
      fields[field] = parseField(expression, field, parts[field]);
    }
    if (fields[4].get(7)) {
      fields[4].set(0);
      fields[4].clear(7);
    }
    // croniter's rule: a day field restricts unless it is * or ?, or it names every day while the
    // other day field has a * in it (then */1 or 1-31 is read as *)
    dayOfMonthRestricted =
        !parts[2].equals("*")
            && !parts[2].equals("?")
            && !(fields[2].cardinality() == 31 && parts[4].contains("*"));
    dayOfWeekRestricted =
        !parts[4].equals("*")
            && !parts[4].equals("?")
            && !(fields[4].cardinality() == 7 && parts[2].contains("*"));
    if (!canEverFire()) {
      throw invalid(expression, "never fires: no month has such a day");
    }
  }

  /**
   * Parses {@code expression}.
   *
   * @throws IllegalArgumentException naming the expression and the wrong field
   */
  public static CronExpression parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw invalid(expression, "is blank");
    }
    return new CronExpression(expression);
  }

  private static IllegalArgumentException invalid(String expression, String why) {
    return new IllegalArgumentException("Invalid cron '" + expression + "': " + why);
  }

  private static BitSet parseField(String expression, int field, String text) {
    BitSet values = new BitSet(MAX[field] + 1);
    for (String item : text.split(",", -1)) {
      if (item.isEmpty()) {
        throw invalid(expression, FIELD_NAMES[field] + " has an empty list item");
      }
      int step = 1;
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        step = number(expression, field, item.substring(slash + 1), false);
        if (step <= 0) {
          throw invalid(
              expression, FIELD_NAMES[field] + " step must be positive in '" + item + "'");
        }
        range = item.substring(0, slash);
      }
      int low;
      int high;
      // the last value N/step runs to: croniter stops day-of-week at Saturday (6)
      int last = MAX[field] == 7 ? 6 : MAX[field];
      if (range.equals("*") || range.equals("?")) {
        if (range.equals("?") && field != 2 && field != 4) {
          throw invalid(
              expression,
              "'?' is only allowed in day-of-month and day-of-week; write * in the "
                  + FIELD_NAMES[field]
                  + " field");
        }
        low = MIN[field];
        high = last;
      } else {
        int dash = range.indexOf('-');
        low = number(expression, field, dash < 0 ? range : range.substring(0, dash), true);
        high =
            dash < 0
                ? (slash >= 0 ? last : low)
                : number(expression, field, range.substring(dash + 1), true);
        if (dash >= 0 && low == high) {
          throw invalid(
              expression,
              FIELD_NAMES[field]
                  + " range '"
                  + range
                  + "' has one value, which Airflow reads as every value; write "
                  + range.substring(0, dash));
        }
        if (dash < 0 && slash >= 0 && low >= last) {
          throw invalid(
              expression,
              FIELD_NAMES[field]
                  + " '"
                  + item
                  + "' starts at the field's last value, which Airflow reads as every value; write "
                  + range);
        }
        if (low > high) {
          throw invalid(expression, FIELD_NAMES[field] + " range '" + range + "' runs backwards");
        }
      }
      for (int value = low; value <= high; value += step) {
        values.set(value);
      }
    }
    return values;
  }

  private static int number(String expression, int field, String text, boolean checkRange) {
    String upper = text.toUpperCase(Locale.ROOT);
    String[] names = field == 3 ? MONTHS : field == 4 ? DAYS : null;
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(upper)) {
          return field == 3 ? i + 1 : i;
        }
      }
    }
    int value;
    try {
      if (!text.matches("[0-9]{1,9}")) {
        throw new NumberFormatException(text); // no sign: Airflow refuses +1
      }
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(expression, FIELD_NAMES[field] + " value '" + text + "' is not a number");
    }
    if (checkRange && (value < MIN[field] || value > MAX[field])) {
      throw invalid(
          expression,
          FIELD_NAMES[field] + " value " + value + " is outside " + MIN[field] + "-" + MAX[field]);
    }
    return value;
  }

  private boolean canEverFire() {
    for (int month = 1; month <= 12; month++) {
      if (!fields[3].get(month)) {
        continue;
      }
      int longest = LocalDate.of(2024, month, 1).lengthOfMonth();
      if (dayOfWeekRestricted || fields[2].nextSetBit(1) <= longest) {
        return true;
      }
    }
    return false;
  }

  private boolean dayMatches(LocalDate date) {
    boolean dayOfMonth = fields[2].get(date.getDayOfMonth());
    boolean dayOfWeek = fields[4].get(date.getDayOfWeek().getValue() % 7);
    if (dayOfMonthRestricted && dayOfWeekRestricted) {
      return dayOfMonth || dayOfWeek;
    }
    return dayOfMonth && dayOfWeek;
  }

  /** The first firing strictly after {@code time}. */
  public LocalDateTime nextAfter(LocalDateTime time) {
    LocalDateTime candidate = time.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    LocalDate date = candidate.toLocalDate();
    int hour = candidate.getHour();
    int minute = candidate.getMinute();
    // Five years cover every combination of day-of-month, month and day-of-week.
    for (int day = 0; day < 366 * 5; day++) {
      if (fields[3].get(date.getMonthValue()) && dayMatches(date)) {
        for (int h = fields[1].nextSetBit(hour); h >= 0; h = fields[1].nextSetBit(h + 1)) {
          int m = fields[0].nextSetBit(h == hour ? minute : 0);
          if (m >= 0) {
            return date.atTime(h, m);
          }
        }
      }
      date = date.plusDays(1);
      hour = 0;
      minute = 0;
    }
    throw new IllegalStateException("cron never fires within five years");
  }

  /** The longest gap between consecutive firings across four years (a leap-year cycle). */
  public Duration longestInterval() {
    LocalDateTime start = LocalDateTime.of(2024, 1, 1, 0, 0);
    LocalDateTime end = start.plusYears(4);
    LocalDateTime previous = nextAfter(start.minusMinutes(1));
    Duration longest = Duration.ZERO;
    // A gap can only be longer than a day when whole days are skipped, so step day by day once the
    // per-day pattern is known; firings within a day repeat the same minute/hour pattern.
    int firingsPerDay = fields[0].cardinality() * fields[1].cardinality();
    Duration withinDay = longestGapWithinDay();
    if (firingsPerDay > 1) {
      longest = withinDay;
    }
    LocalDate day = previous.toLocalDate();
    LocalDateTime lastOfDay = lastFiringOn(day);
    while (lastOfDay.isBefore(end)) {
      LocalDateTime next = nextAfter(lastOfDay);
      Duration gap = Duration.between(lastOfDay, next);
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
      lastOfDay = lastFiringOn(next.toLocalDate());
    }
    return longest;
  }

  private LocalDateTime lastFiringOn(LocalDate day) {
    int hour = fields[1].previousSetBit(23);
    int minute = fields[0].previousSetBit(59);
    return day.atTime(hour, minute);
  }

  private Duration longestGapWithinDay() {
    long longest = 0;
    int previous = -1;
    for (int h = fields[1].nextSetBit(0); h >= 0; h = fields[1].nextSetBit(h + 1)) {
      for (int m = fields[0].nextSetBit(0); m >= 0; m = fields[0].nextSetBit(m + 1)) {
        int minuteOfDay = h * 60 + m;
        if (previous >= 0) {
          longest = Math.max(longest, minuteOfDay - previous);
        }
        previous = minuteOfDay;
      }
    }
    return Duration.ofMinutes(longest);
  }
}
