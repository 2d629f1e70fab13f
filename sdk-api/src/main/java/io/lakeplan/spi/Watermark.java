package io.lakeplan.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * A high-water mark: the greatest value of a table's watermark column that has been processed. It
 * is typed — a point in time, a whole number (e.g. a sequence id) or a decimal — so that comparing
 * two watermarks never compares text.
 *
 * <p>Watermarks of the same {@link Type} are ordered by value; comparing watermarks of different
 * types fails with {@link IllegalArgumentException}. In JSON a watermark is an object with a {@code
 * type} ({@code timestamp}, {@code long} or {@code decimal}) and its {@code value} as text, e.g.
 * {@code {"type":"timestamp","value":"2024-05-01T10:00:00Z"}}, so no precision is lost.
 */
public final class Watermark implements Comparable<Watermark> {

  /** The kind of value a watermark holds. */
  public enum Type {
    /** A point in time ({@link Instant}), for timestamp columns. */
    TIMESTAMP,
    /** A whole number, for integer sequence or offset columns. */
    LONG,
    /** An exact decimal, for decimal columns. */
    DECIMAL
  }

  private final Type type;
  private final Instant instant;
  private final long longValue;
  private final BigDecimal decimal;

  private Watermark(Type type, Instant instant, long longValue, BigDecimal decimal) {
    this.type = type;
    this.instant = instant;
    this.longValue = longValue;
    this.decimal = decimal;
  }

  /** A timestamp watermark; {@code value} must not be null. */
  public static Watermark of(Instant value) {
    Objects.requireNonNull(value, "watermark instant");
    return new Watermark(Type.TIMESTAMP, value, 0, null);
  }

  /** A whole-number watermark. */
  public static Watermark of(long value) {
    return new Watermark(Type.LONG, null, value, null);
  }

  /**
   * A decimal watermark; {@code value} must not be null. Trailing zeros are stripped, so {@code
   * 1.50} and {@code 1.5} are the same watermark.
   */
  public static Watermark of(BigDecimal value) {
    Objects.requireNonNull(value, "watermark decimal");
    BigDecimal normalized = value.stripTrailingZeros();
    if (normalized.scale() < 0) {
      normalized = normalized.setScale(0);
    }
    return new Watermark(Type.DECIMAL, null, 0, normalized);
  }

  /**
   * Parses a watermark from its JSON form.
   *
   * @throws IllegalArgumentException naming the type and value when either is invalid
   */
  @JsonCreator
  public static Watermark parse(
      @JsonProperty("type") String type, @JsonProperty("value") String value) {
    if (type == null || value == null) {
      throw new IllegalArgumentException(
          "Invalid watermark: type=" + type + ", value=" + value + " (both are required)");
    }
    try {
      switch (type.toLowerCase(Locale.ROOT)) {
        case "timestamp":
          return of(Instant.parse(value));
        case "long":
          return of(Long.parseLong(value));
        case "decimal":
          return of(new BigDecimal(value));
        default:
          throw new IllegalArgumentException(
              "Invalid watermark type: '" + type + "' (must be timestamp, long or decimal)");
      }
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid " + type + " watermark value: '" + value + "'", e);
    }
  }

  /**
   * Parses the {@link #toString()} form, e.g. {@code timestamp:2024-05-01T10:00:00Z}.
   *
   * @throws IllegalArgumentException naming the text when it is not {@code type:value}
   */
  public static Watermark parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "Invalid watermark: '" + text + "' (expected type:value, e.g. long:42)");
    }
    return parse(text.substring(0, colon), text.substring(colon + 1));
  }

  /**
   * The watermark of a column value: an {@link Instant}, {@link OffsetDateTime} or {@link
   * java.sql.Timestamp} as a point in time, a {@link LocalDateTime} as a UTC wall-clock time, a
   * {@link LocalDate} (or {@link java.sql.Date}) as the start of its day in UTC, a {@link Long},
   * {@link Integer} or {@link Short} as a whole number, a {@link BigDecimal} as a decimal.
   *
   * @throws IllegalArgumentException naming the value's type for anything else
   */
  public static Watermark ofValue(Object value) {
    if (value instanceof Instant instant) {
      return of(instant);
    }
    if (value instanceof OffsetDateTime time) {
      return of(time.toInstant());
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return of(timestamp.toInstant());
    }
    if (value instanceof LocalDateTime time) {
      return of(time.toInstant(ZoneOffset.UTC));
    }
    if (value instanceof LocalDate date) {
      return of(date.atStartOfDay().toInstant(ZoneOffset.UTC));
    }
    if (value instanceof java.sql.Date date) {
      return of(date.toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC));
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return of(((Number) value).longValue());
    }
    if (value instanceof BigDecimal decimal) {
      return of(decimal);
    }
    throw new IllegalArgumentException(
        "No watermark for a value of type "
            + (value == null ? "null" : value.getClass().getSimpleName())
            + " (must be a timestamp, date, integer or decimal)");
  }

  /** The kind of value held. */
  @JsonProperty("type")
  public String typeName() {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /** The kind of value held. */
  public Type type() {
    return type;
  }

  /** The value as text, exactly as written in JSON (ISO-8601 for timestamps). */
  @JsonProperty("value")
  public String value() {
    switch (type) {
      case TIMESTAMP:
        return instant.toString();
      case LONG:
        return Long.toString(longValue);
      default:
        return decimal.toPlainString();
    }
  }

  /**
   * The timestamp value.
   *
   * @throws IllegalStateException when this is not a {@link Type#TIMESTAMP} watermark
   */
  public Instant asInstant() {
    require(Type.TIMESTAMP);
    return instant;
  }

  /**
   * The whole-number value.
   *
   * @throws IllegalStateException when this is not a {@link Type#LONG} watermark
   */
  public long asLong() {
    require(Type.LONG);
    return longValue;
  }

  /**
   * The decimal value.
   *
   * @throws IllegalStateException when this is not a {@link Type#DECIMAL} watermark
   */
  public BigDecimal asDecimal() {
    require(Type.DECIMAL);
    return decimal;
  }

  private void require(Type expected) {
    if (type != expected) {
      throw new IllegalStateException("Watermark " + this + " is not of type " + expected);
    }
  }

  /**
   * Orders watermarks of the same type by value.
   *
   * @throws IllegalArgumentException naming both watermarks when their types differ
   */
  @Override
  public int compareTo(Watermark other) {
    if (type != other.type) {
      throw new IllegalArgumentException(
          "Cannot compare watermark " + this + " with " + other + " (different types)");
    }
    switch (type) {
      case TIMESTAMP:
        return instant.compareTo(other.instant);
      case LONG:
        return Long.compare(longValue, other.longValue);
      default:
        return decimal.compareTo(other.decimal);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Watermark
        && ((Watermark) other).type == type
        && ((Watermark) other).value().equals(value());
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, value());
  }

  /** {@code timestamp:2024-05-01T10:00:00Z}, {@code long:42} or {@code decimal:1.5}. */
  @Override
  public String toString() {
    return typeName() + ":" + value();
  }
}
