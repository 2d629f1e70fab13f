package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One field of a partition spec: a column and an Iceberg transform, written {@code region}, {@code
 * day(order_ts)}, {@code bucket(16, customer_id)} or {@code truncate(4, sku)}.
 */
public final class PartitionField {
  /** Iceberg partition transforms. */
  public enum Transform {
    IDENTITY,
    YEAR,
    MONTH,
    DAY,
    HOUR,
    BUCKET,
    TRUNCATE;

    /** Whether this transform takes a width or bucket count. */
    public boolean hasWidth() {
      return this == BUCKET || this == TRUNCATE;
    }
  }

  private static final Pattern CALL =
      Pattern.compile("(\\w+)\\s*\\(\\s*(?:(\\d+)\\s*,\\s*)?([^,()\\s]+)\\s*\\)");

  private final Transform transform;
  private final String column;
  private final int width;

  private PartitionField(Transform transform, String column, int width) {
    this.transform = transform;
    this.column = column;
    this.width = width;
  }

  /** Partition by the values of {@code column} as they are. */
  public static PartitionField identity(String column) {
    return of(Transform.IDENTITY, column, 0);
  }

  /** Partition by the day of a date or timestamp column. */
  public static PartitionField day(String column) {
    return of(Transform.DAY, column, 0);
  }

  /** Partition into {@code count} hash buckets of {@code column}. */
  public static PartitionField bucket(int count, String column) {
    return of(Transform.BUCKET, column, count);
  }

  /** A partition field; {@code width} must be positive for bucket and truncate, else 0. */
  public static PartitionField of(Transform transform, String column, int width) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException("Invalid partition field: blank column");
    }
    if (transform.hasWidth() != (width > 0)) {
      throw new IllegalArgumentException(
          "Invalid partition field "
              + transform.name().toLowerCase(Locale.ROOT)
              + "("
              + column
              + "): "
              + (transform.hasWidth()
                  ? "width must be positive, e.g. bucket(16, id)"
                  : "takes no width"));
    }
    return new PartitionField(transform, column, width);
  }

  /** Parses the text form; see the class documentation. */
  @JsonCreator
  public static PartitionField parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    Matcher call = CALL.matcher(trimmed);
    if (call.matches()) {
      Transform transform;
      try {
        transform = Transform.valueOf(call.group(1).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Invalid partition transform in '"
                + text
                + "' (use identity, year, month, day, hour, bucket(n, col) or truncate(w, col))",
            e);
      }
      int width = call.group(2) == null ? 0 : Integer.parseInt(call.group(2));
      return of(transform, call.group(3), width);
    }
    if (trimmed.isEmpty() || !trimmed.matches("[^,()\\s]+")) {
      throw new IllegalArgumentException(
          "Invalid partition field: '"
              + text
              + "' (write e.g. region, day(order_ts), bucket(16, id))");
    }
    return identity(trimmed);
  }

  /** The transform applied to the column. */
  public Transform transform() {
    return transform;
  }

  /** The source column. */
  public String column() {
    return column;
  }

  /** The bucket count or truncation width; 0 for other transforms. */
  public int width() {
    return width;
  }

  @JsonValue
  @Override
  public String toString() {
    String name = transform.name().toLowerCase(Locale.ROOT);
    if (transform == Transform.IDENTITY) {
      return column;
    }
    return transform.hasWidth()
        ? name + "(" + width + ", " + column + ")"
        : name + "(" + column + ")";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PartitionField that
        && transform == that.transform
        && column.equals(that.column)
        && width == that.width;
  }

  @Override
  public int hashCode() {
    return Objects.hash(transform, column, width);
  }
}
