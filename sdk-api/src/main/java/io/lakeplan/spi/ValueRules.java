package io.lakeplan.spi;

import io.lakeplan.model.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.StringJoiner;

/**
 * How a value becomes a value of a column type, decided once for every engine and every path that
 * writes rows — a migration's conversion, a JDBC ingestion, a Kafka ingestion (JSON fields and raw
 * values) and a merge. A value is written unchanged or not at all: Lakeplan never rounds a decimal,
 * truncates a fraction or a time, or guesses a zone.
 *
 * <ul>
 *   <li><b>Whole numbers</b> ({@code int}, {@code long}): a number without a fractional part
 *       ({@code 4.0} and {@code 1e3} are whole; {@code 1.9} is refused), within the type's range;
 *       text holding such a number ({@code "12"}).
 *   <li><b>Decimals</b> ({@code decimal(p,s)}): any exact number with at most {@code s} decimals
 *       once trailing zeros are dropped ({@code 10.000} fits {@code decimal(10,2)}, {@code 10.005}
 *       is refused) and at most {@code p-s} digits before the point.
 *   <li><b>Floating point</b> ({@code float}, {@code double}): any number, {@code NaN}, {@code
 *       Infinity}; a finite number beyond the type's range is refused.
 *   <li><b>Booleans</b>: {@code true} / {@code false} (as JSON booleans or text, any case).
 *   <li><b>Dates</b>: {@code 2024-05-01}; a date-time only at midnight; never an epoch number.
 *   <li><b>Timestamps</b> ({@code timestamp}, without zone, and {@code timestamptz}): ISO-8601
 *       {@code 2024-05-01T10:00:00[.ffffff]} ({@code T} or a space, seconds optional), with or
 *       without a zone ({@code Z}, {@code +02:00}, {@code +0200}, {@code +02}). A time with a zone
 *       written into a {@code timestamp} column is stored as its UTC wall-clock time ({@code
 *       23:30+02:00} → {@code 21:30}); a time without zone in a {@code timestamptz} column is a UTC
 *       time. A bare date is refused (write {@code T00:00:00} if midnight is meant), and so is an
 *       epoch number (seconds or milliseconds? nothing says) and a fraction finer than the
 *       microseconds Iceberg keeps. A typed date ({@link LocalDate}, a source's {@code date}
 *       column) is its midnight.
 *   <li><b>Strings</b>: text as it is; a number or boolean as written.
 *   <li><b>Binary</b>: bytes; text as its UTF-8 bytes.
 * </ul>
 *
 * <p>Values come as text (a JSON field, a Kafka record, a source's string column: {@link
 * #fromText}) or as Java values (a typed source column, a test's row: {@link #convert}): {@link
 * Boolean}, {@link Integer}, {@link Long}, {@link Float}, {@link Double}, {@link BigDecimal},
 * {@link LocalDate}, {@link LocalDateTime}, {@link Instant}, {@link OffsetDateTime}, {@link
 * ZonedDateTime}, {@code byte[]}, {@link ByteBuffer}. The result has the type's Java type: {@code
 * Integer}, {@code Long}, {@code Float}, {@code Double}, {@code BigDecimal} at the column's scale,
 * {@code LocalDate}, {@code LocalDateTime} ({@code timestamp}), {@code Instant} ({@code
 * timestamptz}), {@code String}, {@code ByteBuffer}.
 *
 * <p>A refused value fails a batch (migration, JDBC, merge) before anything is written, with {@link
 * #refused} naming each column and how many of its values were refused; a Kafka record with a
 * refused field goes to the dead-letter table with {@link #reason}. Neither quotes the value.
 */
public final class ValueRules {

  private ValueRules() {}

  /**
   * {@code value} as a value of {@code type}: text is read by {@link #fromText}, Java values as the
   * class documentation says.
   *
   * @return null for null
   * @throws ValueRuleException saying why the column cannot hold the value unchanged
   */
  public static Object convert(ColumnType type, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof CharSequence text) {
      return fromText(type, text.toString());
    }
    return switch (type.kind()) {
      case BOOLEAN -> {
        if (value instanceof Boolean) {
          yield value;
        }
        throw refused("not a boolean (write true or false)");
      }
      case INT -> {
        long whole = whole(exact(value, type), type);
        if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE) {
          throw refused("out of range for int");
        }
        yield (int) whole;
      }
      case LONG ->
          value instanceof Long
                  || value instanceof Integer
                  || value instanceof Short
                  || value instanceof Byte
              ? ((Number) value).longValue()
              : whole(exact(value, type), type);
      case FLOAT -> {
        double number = floating(value, type);
        float narrow = (float) number;
        if (Float.isInfinite(narrow) && !Double.isInfinite(number)) {
          throw refused("out of range for float");
        }
        yield narrow;
      }
      case DOUBLE -> floating(value, type);
      case DECIMAL -> decimal(type, exact(value, type));
      case DATE -> date(value);
      case TIMESTAMP -> localDateTime(value);
      case TIMESTAMPTZ -> instant(value);
      case STRING -> text(value);
      case BINARY -> binary(value);
    };
  }

  /**
   * Text (a JSON field as written, a Kafka record, a source's string column) as a value of {@code
   * type}. Surrounding white space is ignored except for strings.
   *
   * @return null for null
   * @throws ValueRuleException saying why the column cannot hold the text's value unchanged
   */
  public static Object fromText(ColumnType type, String text) {
    if (text == null) {
      return null;
    }
    if (type.kind() == ColumnType.Kind.STRING) {
      return text;
    }
    if (type.kind() == ColumnType.Kind.BINARY) {
      return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
    String trimmed = text.strip();
    return switch (type.kind()) {
      case BOOLEAN -> {
        if (trimmed.equalsIgnoreCase("true") || trimmed.equalsIgnoreCase("false")) {
          yield Boolean.valueOf(trimmed);
        }
        throw refused("not a boolean (write true or false)");
      }
      case INT, LONG -> {
        // the usual form, plain digits, without building a BigDecimal
        if (isPlainLong(trimmed)) {
          yield convert(type, Long.parseLong(trimmed));
        }
        yield convert(type, number(trimmed, type));
      }
      case DECIMAL -> convert(type, number(trimmed, type));
      case FLOAT, DOUBLE -> convert(type, floatingText(trimmed, type));
      case DATE -> dateText(trimmed);
      case TIMESTAMP -> {
        DateTimeText time = DateTimeText.parse(trimmed);
        yield time.offset() == null
            ? time.local()
            : LocalDateTime.ofInstant(time.local().toInstant(time.offset()), ZoneOffset.UTC);
      }
      case TIMESTAMPTZ -> {
        DateTimeText time = DateTimeText.parse(trimmed);
        yield time.local().toInstant(time.offset() == null ? ZoneOffset.UTC : time.offset());
      }
      default -> throw new IllegalStateException("Unhandled column type " + type);
    };
  }

  /** A Kafka record's dead-letter reason for a refused field: {@code column <name>: <problem>}. */
  public static String reason(String column, String problem) {
    return "column " + column + ": " + problem;
  }

  /** A column's refused values in a batch, and the problem of one of them. */
  public record Refusal(String column, long count, String problem) {}

  /**
   * Why a batch wrote nothing: {@code what} (e.g. {@code The source of ingestion payments}) holds
   * values its target cannot take unchanged, then each column with how many values and one problem,
   * e.g. {@code column amount: 1 value (3 decimals where decimal(10,2) keeps 2 …)}.
   */
  public static String refused(String what, List<Refusal> refusals) {
    StringJoiner columns = new StringJoiner("; ");
    for (Refusal refusal : refusals) {
      columns.add(
          "column "
              + refusal.column()
              + ": "
              + refusal.count()
              + (refusal.count() == 1 ? " value refused, " : " values refused, e.g. ")
              + refusal.problem());
    }
    return what
        + " holds values its target cannot take unchanged, so nothing was written: "
        + columns
        + ". Lakeplan never rounds, truncates or guesses a zone: widen the column or fix the"
        + " source (docs/site/types.md).";
  }

  private static ValueRuleException refused(String problem) {
    return new ValueRuleException(problem);
  }

  /** An exact number for a numeric column, or a refusal naming what the value is instead. */
  private static BigDecimal exact(Object value, ColumnType type) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return new BigDecimal(big);
    }
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (Double.isNaN(number) || Double.isInfinite(number)) {
        throw refused(number + " where " + type + " takes finite numbers only");
      }
      // the shortest decimal that reads back as the double: 0.1, not 0.1000000000000000055…
      return new BigDecimal(value.toString());
    }
    throw refused(kind(value) + " where " + type + " takes numbers");
  }

  private static long whole(BigDecimal number, ColumnType type) {
    if (number.signum() == 0) {
      return 0;
    }
    BigDecimal stripped = number.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw refused(
          "not a whole number (" + type + " takes whole numbers; Lakeplan never truncates)");
    }
    if (stripped.precision() - stripped.scale() > 19) {
      throw refused("out of range for " + type);
    }
    try {
      return stripped.longValueExact();
    } catch (ArithmeticException e) {
      throw refused("out of range for " + type);
    }
  }

  private static BigDecimal decimal(ColumnType type, BigDecimal number) {
    if (number.signum() == 0) {
      return BigDecimal.ZERO.setScale(type.scale());
    }
    if (number.scale() >= 0
        && number.scale() <= type.scale()
        && number.precision() - number.scale() <= type.precision() - type.scale()) {
      // the usual case: fits as written, no trailing zeros to drop
      return number.setScale(type.scale());
    }
    BigDecimal stripped = number.stripTrailingZeros();
    if (stripped.scale() > type.scale()) {
      throw refused(
          stripped.scale()
              + " decimals where "
              + type
              + " keeps "
              + type.scale()
              + " (Lakeplan never rounds)");
    }
    int digits = stripped.precision() - stripped.scale();
    if (digits > type.precision() - type.scale()) {
      throw refused(
          digits
              + " digits before the decimal point where "
              + type
              + " keeps "
              + (type.precision() - type.scale()));
    }
    return stripped.setScale(type.scale());
  }

  private static double floating(Object value, ColumnType type) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    throw refused(kind(value) + " where " + type + " takes numbers");
  }

  private static LocalDate date(Object value) {
    if (value instanceof LocalDate date) {
      return date;
    }
    LocalDateTime time = utcWallClock(value);
    if (time == null) {
      throw refused(notATime(value, "date"));
    }
    return midnight(time);
  }

  private static LocalDate midnight(LocalDateTime time) {
    if (!time.toLocalTime().equals(LocalTime.MIDNIGHT)) {
      throw refused("a time of day other than midnight, which a date column cannot hold");
    }
    return time.toLocalDate();
  }

  private static LocalDateTime localDateTime(Object value) {
    if (value instanceof LocalDate date) {
      return date.atStartOfDay();
    }
    LocalDateTime time = utcWallClock(value);
    if (time == null) {
      throw refused(notATime(value, "timestamp"));
    }
    return microseconds(time);
  }

  private static Instant instant(Object value) {
    if (value instanceof LocalDate date) {
      return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    LocalDateTime time = utcWallClock(value);
    if (time == null) {
      throw refused(notATime(value, "timestamptz"));
    }
    return microseconds(time).toInstant(ZoneOffset.UTC);
  }

  /** A time value as its UTC wall-clock time (a time without zone is one); null otherwise. */
  private static LocalDateTime utcWallClock(Object value) {
    if (value instanceof LocalDateTime time) {
      return time;
    }
    Instant instant = null;
    if (value instanceof Instant time) {
      instant = time;
    } else if (value instanceof OffsetDateTime time) {
      instant = time.toInstant();
    } else if (value instanceof ZonedDateTime time) {
      instant = time.toInstant();
    }
    return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static LocalDateTime microseconds(LocalDateTime time) {
    if (time.getNano() % 1_000 != 0) {
      throw refused("a time finer than the microseconds Iceberg keeps (Lakeplan never truncates)");
    }
    return time;
  }

  private static String notATime(Object value, String type) {
    return value instanceof Number
        ? "an epoch number where "
            + type
            + " takes ISO-8601 text such as 2024-05-01T10:00:00Z (seconds or milliseconds?"
            + " nothing says)"
        : kind(value) + " where " + type + " takes dates and times";
  }

  private static String text(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof LocalDate
        || value instanceof LocalDateTime
        || value instanceof Instant
        || value instanceof OffsetDateTime) {
      return value.toString();
    }
    throw refused(kind(value) + " where string takes text");
  }

  private static ByteBuffer binary(Object value) {
    if (value instanceof ByteBuffer bytes) {
      return bytes;
    }
    if (value instanceof byte[] bytes) {
      return ByteBuffer.wrap(bytes.clone());
    }
    throw refused(kind(value) + " where binary takes bytes");
  }

  private static String kind(Object value) {
    return value instanceof Boolean
        ? "a boolean"
        : value instanceof Number ? "a number" : "a " + value.getClass().getSimpleName();
  }

  /** Text of an exact number, with an optional fraction and exponent; else a refusal. */
  private static BigDecimal number(String text, ColumnType type) {
    if (!isNumber(text)) {
      throw refused("not a number (" + type + ")");
    }
    return new BigDecimal(text.startsWith("+") ? text.substring(1) : text);
  }

  private static Double floatingText(String text, ColumnType type) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "Infinity", "+Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!isNumber(text)) {
      throw refused("not a number (" + type + ")");
    }
    double number = Double.parseDouble(text);
    if (Double.isInfinite(number)) {
      throw refused("out of range for " + type);
    }
    return number;
  }

  /** An optional minus and 1-18 ASCII digits: a long that cannot overflow. */
  private static boolean isPlainLong(String text) {
    int length = text.length();
    int start = length > 0 && text.charAt(0) == '-' ? 1 : 0;
    if (length == start || length - start > 18) {
      return false;
    }
    for (int i = start; i < length; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code [+-]digits[.digits][(e|E)[+-]digits]}, at least one digit before or after the point. */
  private static boolean isNumber(String text) {
    int i = 0;
    int length = text.length();
    if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < length && text.charAt(i) == '.') {
      i++;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponent = 0;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        exponent++;
      }
      // an exponent past nine digits is no number a column holds (and costly to expand)
      if (exponent == 0 || exponent > 9) {
        return false;
      }
    }
    return i == length;
  }

  private static LocalDate dateText(String text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      try {
        return LocalDate.parse(text);
      } catch (DateTimeException e) {
        throw refused("not a valid date (such as 2024-05-01)");
      }
    }
    DateTimeText time;
    try {
      time = DateTimeText.parse(text);
    } catch (ValueRuleException e) {
      throw refused("not an ISO-8601 date such as 2024-05-01");
    }
    return midnight(
        time.offset() == null
            ? time.local()
            : LocalDateTime.ofInstant(time.local().toInstant(time.offset()), ZoneOffset.UTC));
  }

  /** ISO-8601 date-time text: its local part and its zone (null when it has none). */
  private record DateTimeText(LocalDateTime local, ZoneOffset offset) {

    private static final String FORMS =
        " (such as 2024-05-01T10:00:00 or 2024-05-01T10:00:00+02:00)";

    /**
     * Reads {@code yyyy-MM-dd(T| )HH:mm[:ss[.f…]][Z|±hh[[:]mm]]} digit by digit: a formatter costs
     * microseconds per value, which a stream of thousands of records notices.
     */
    static DateTimeText parse(String text) {
      int length = text.length();
      if (length == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
        throw refused("a date without a time (write 2024-05-01T00:00:00 for midnight)");
      }
      if (length < 16
          || text.charAt(4) != '-'
          || text.charAt(7) != '-'
          || (text.charAt(10) != 'T' && text.charAt(10) != ' ')
          || text.charAt(13) != ':') {
        throw notADateTime();
      }
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 7);
      int day = digits(text, 8, 10);
      int hour = digits(text, 11, 13);
      int minute = digits(text, 14, 16);
      int second = 0;
      int nano = 0;
      int at = 16;
      if (at < length && text.charAt(at) == ':') {
        second = digits(text, at + 1, Math.min(at + 3, length));
        at += 3;
        if (at < length && text.charAt(at) == '.') {
          int start = ++at;
          while (at < length && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
          }
          int places = at - start;
          if (places == 0 || places > 9) {
            throw notADateTime();
          }
          nano = digits(text, start, at);
          for (int place = places; place < 9; place++) {
            nano *= 10;
          }
        }
      }
      if (Math.min(Math.min(year, month), Math.min(Math.min(day, hour), Math.min(minute, second)))
          < 0) {
        throw notADateTime();
      }
      ZoneOffset offset = at == length ? null : offset(text, at);
      LocalDateTime local;
      try {
        local = LocalDateTime.of(year, month, day, hour, minute, second, nano);
      } catch (DateTimeException e) {
        throw refused("not a valid date-time" + FORMS);
      }
      return new DateTimeText(microseconds(local), offset);
    }

    private static ZoneOffset offset(String text, int at) {
      int length = text.length();
      if (at == length - 1 && (text.charAt(at) == 'Z' || text.charAt(at) == 'z')) {
        return ZoneOffset.UTC;
      }
      char sign = text.charAt(at);
      int rest = length - at - 1;
      if ((sign != '+' && sign != '-') || (rest != 2 && rest != 4 && rest != 5)) {
        throw notADateTime();
      }
      int hours = digits(text, at + 1, at + 3);
      int minutes = 0;
      if (rest == 4) {
        minutes = digits(text, at + 3, at + 5);
      } else if (rest == 5) {
        minutes = text.charAt(at + 3) == ':' ? digits(text, at + 4, at + 6) : -1;
      }
      if (hours < 0 || minutes < 0) {
        throw notADateTime();
      }
      try {
        return sign == '+'
            ? ZoneOffset.ofHoursMinutes(hours, minutes)
            : ZoneOffset.ofHoursMinutes(-hours, -minutes);
      } catch (DateTimeException e) {
        throw notADateTime();
      }
    }

    private static ValueRuleException notADateTime() {
      return refused("not an ISO-8601 date-time" + FORMS);
    }

    /** The number written by {@code text[from, to)}, or -1 unless it is all ASCII digits. */
    private static int digits(String text, int from, int to) {
      if (from >= to || to > text.length()) {
        return -1;
      }
      int number = 0;
      for (int i = from; i < to; i++) {
        char c = text.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        number = number * 10 + (c - '0');
      }
      return number;
    }
  }
}
