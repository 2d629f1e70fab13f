package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * One field of a sort order, written {@code order_ts}, {@code order_ts desc} or {@code amount asc
 * nulls last}. Nulls sort first in ascending and last in descending order unless stated.
 */
public final class SortField {
  private final String column;
  private final boolean descending;
  private final boolean nullsFirst;

  private SortField(String column, boolean descending, boolean nullsFirst) {
    this.column = column;
    this.descending = descending;
    this.nullsFirst = nullsFirst;
  }

  /** Ascending on {@code column}, nulls first. */
  public static SortField asc(String column) {
    return of(column, false, true);
  }

  /** Descending on {@code column}, nulls last. */
  public static SortField desc(String column) {
    return of(column, true, false);
  }

  /** A sort field with explicit direction and null order. */
  public static SortField of(String column, boolean descending, boolean nullsFirst) {
    if (column == null || column.isBlank()) {
      throw new IllegalArgumentException("Invalid sort field: blank column");
    }
    return new SortField(column, descending, nullsFirst);
  }

  /** Parses the text form; see the class documentation. */
  @JsonCreator
  public static SortField parse(String text) {
    String[] words = text == null ? new String[0] : text.trim().split("\\s+");
    if (words.length == 0 || words[0].isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid sort field: '" + text + "' (write e.g. order_ts desc)");
    }
    boolean descending = false;
    int next = 1;
    if (words.length > next && words[next].equalsIgnoreCase("desc")) {
      descending = true;
      next++;
    } else if (words.length > next && words[next].equalsIgnoreCase("asc")) {
      next++;
    }
    boolean nullsFirst = !descending;
    if (words.length == next + 2 && words[next].equalsIgnoreCase("nulls")) {
      String order = words[next + 1].toLowerCase(Locale.ROOT);
      if (!order.equals("first") && !order.equals("last")) {
        throw new IllegalArgumentException(
            "Invalid sort field: '" + text + "' (nulls must be first or last)");
      }
      nullsFirst = order.equals("first");
      next += 2;
    }
    if (next != words.length) {
      throw new IllegalArgumentException(
          "Invalid sort field: '" + text + "' (write column [asc|desc] [nulls first|last])");
    }
    return of(words[0], descending, nullsFirst);
  }

  /** The sorted column. */
  public String column() {
    return column;
  }

  /** Whether the order is descending. */
  public boolean descending() {
    return descending;
  }

  /** Whether nulls sort before other values. */
  public boolean nullsFirst() {
    return nullsFirst;
  }

  @JsonValue
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(column);
    if (descending) {
      text.append(" desc");
    }
    if (nullsFirst == descending) {
      text.append(nullsFirst ? " nulls first" : " nulls last");
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SortField that
        && column.equals(that.column)
        && descending == that.descending
        && nullsFirst == that.nullsFirst;
  }

  @Override
  public int hashCode() {
    return Objects.hash(column, descending, nullsFirst);
  }
}
