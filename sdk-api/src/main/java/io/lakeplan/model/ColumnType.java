package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a column, written as in Iceberg: {@code boolean}, {@code int}, {@code long}, {@code
 * float}, {@code double}, {@code decimal(10,2)}, {@code date}, {@code timestamp} (without zone),
 * {@code timestamptz}, {@code string}, {@code binary}.
 */
public final class ColumnType {
  /** The kinds of column types. */
  public enum Kind {
    BOOLEAN,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    DECIMAL,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ,
    STRING,
    BINARY;

    /** Whether values of this kind are points in time (date or timestamp). */
    public boolean isTemporal() {
      return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
    }

    /** Whether values of this kind are numbers. */
    public boolean isNumeric() {
      return this == INT || this == LONG || this == FLOAT || this == DOUBLE || this == DECIMAL;
    }
  }

  private static final Pattern DECIMAL =
      Pattern.compile("decimal\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
  public static final ColumnType INT = new ColumnType(Kind.INT, 0, 0);
  public static final ColumnType LONG = new ColumnType(Kind.LONG, 0, 0);
  public static final ColumnType FLOAT = new ColumnType(Kind.FLOAT, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
  public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);
  public static final ColumnType TIMESTAMPTZ = new ColumnType(Kind.TIMESTAMPTZ, 0, 0);
  public static final ColumnType STRING = new ColumnType(Kind.STRING, 0, 0);
  public static final ColumnType BINARY = new ColumnType(Kind.BINARY, 0, 0);

  private final Kind kind;
  private final int precision;
  private final int scale;

  /** The type as written, made once: it is written for every column of every use case hashed. */
  private final String text;

  private ColumnType(Kind kind, int precision, int scale) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
    String name = kind.name().toLowerCase(Locale.ROOT);
    this.text = kind == Kind.DECIMAL ? name + "(" + precision + "," + scale + ")" : name;
  }

  /** {@code decimal(precision, scale)}; precision 1–38, scale 0–precision. */
  public static ColumnType decimal(int precision, int scale) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException(
          "Invalid decimal("
              + precision
              + ","
              + scale
              + ") (precision must be 1-38 and scale 0-precision)");
    }
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** Parses a type name; see the class documentation for the accepted names. */
  @JsonCreator
  public static ColumnType parse(String text) {
    String normalized = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(normalized);
    if (decimal.matches()) {
      return decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.DECIMAL && kind.name().toLowerCase(Locale.ROOT).equals(normalized)) {
        return new ColumnType(kind, 0, 0);
      }
    }
    throw new IllegalArgumentException(
        "Invalid column type: '"
            + text
            + "' (use boolean, int, long, float, double, decimal(p,s), date, timestamp,"
            + " timestamptz, string or binary)");
  }

  /** The kind of this type. */
  public Kind kind() {
    return kind;
  }

  /** The decimal precision; 0 for other kinds. */
  public int precision() {
    return precision;
  }

  /** The decimal scale; 0 for other kinds. */
  public int scale() {
    return scale;
  }

  @JsonValue
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ColumnType that
        && kind == that.kind
        && precision == that.precision
        && scale == that.scale;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, precision, scale);
  }
}
