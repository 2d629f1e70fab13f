package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a DAG runs: a preset ({@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly},
 * {@code @yearly}, {@code @once}) or a five-field cron expression ({@code 30 2 * * 0}), in UTC. A
 * DAG with no schedule runs only when triggered.
 */
public final class Schedule {
  private static final Map<String, String> PRESETS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  /** Once an hour, on the hour. */
  public static final Schedule HOURLY = parse("@hourly");

  /** Once a day at midnight UTC. */
  public static final Schedule DAILY = parse("@daily");

  /** Once a week, Sunday at midnight UTC. */
  public static final Schedule WEEKLY = parse("@weekly");

  /** Once, when the DAG is first enabled. */
  public static final Schedule ONCE = parse("@once");

  /** {@link #longestInterval()} by schedule text, for the schedules seen last. */
  private static final Map<String, Duration> LONGEST_INTERVALS = new ConcurrentHashMap<>();

  private static final int MAX_CACHED_INTERVALS = 1_024;

  private final String text;
  private final CronExpression cron;

  private Schedule(String text, CronExpression cron) {
    this.text = text;
    this.cron = cron;
  }

  /**
   * A five-field cron expression (minute hour day-of-month month day-of-week), UTC.
   *
   * @throws IllegalArgumentException naming the expression and the field that is wrong
   */
  public static Schedule cron(String expression) {
    return new Schedule(expression.trim(), CronExpression.parse(expression));
  }

  /** Parses a preset or a cron expression. */
  @JsonCreator
  public static Schedule parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid schedule: '" + text + "' (write a preset like @daily or a cron like 0 * * * *)");
    }
    String trimmed = text.trim();
    if (trimmed.startsWith("@")) {
      String preset = trimmed.toLowerCase(Locale.ROOT);
      if (preset.equals("@once")) {
        return new Schedule(preset, null);
      }
      String expression = PRESETS.get(preset);
      if (expression == null) {
        throw new IllegalArgumentException(
            "Invalid schedule: '"
                + text
                + "' (presets are @once, @hourly, @daily, @weekly, @monthly, @yearly)");
      }
      return new Schedule(preset, CronExpression.parse(expression));
    }
    return cron(trimmed);
  }

  /** Whether this schedule fires only once. */
  public boolean isOnce() {
    return cron == null;
  }

  /** Whether this is a preset such as {@code @daily} rather than a cron expression. */
  public boolean isPreset() {
    return text.startsWith("@");
  }

  /** The first firing strictly after {@code time} (UTC), or {@code null} for {@code @once}. */
  public LocalDateTime nextAfter(LocalDateTime time) {
    return cron == null ? null : cron.nextAfter(time);
  }

  /**
   * The longest gap between two consecutive firings over a leap-year cycle, or {@code null} for
   * {@code @once}. Used to check that retention covers what a scheduled reader needs.
   */
  public Duration longestInterval() {
    if (cron == null) {
      return null;
    }
    // walking a cron's firings over four years is slow, and every file of a workspace that reads
    // incrementally asks it for the same few schedules (equal text, equal firings)
    Duration known = LONGEST_INTERVALS.get(text);
    if (known == null) {
      known = cron.longestInterval();
      if (LONGEST_INTERVALS.size() >= MAX_CACHED_INTERVALS) {
        LONGEST_INTERVALS.clear();
      }
      LONGEST_INTERVALS.put(text, known);
    }
    return known;
  }

  @JsonValue
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Schedule that && text.equals(that.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
