package io.lakeplan.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** Rows for tests: {@code row("order_id", 1, "status", "NEW")}. */
public final class Rows {

  private Rows() {}

  /**
   * A row from alternating column names and values, in that order. Values may be given loosely
   * ({@code 1} for a long column, {@code "12.50"} for a decimal, ISO-8601 text for a time): inputs
   * and assertions convert them to the column's type.
   *
   * @throws IllegalArgumentException when the arguments are not name/value pairs or a name repeats
   */
  public static Map<String, Object> row(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Invalid row: "
              + namesAndValues.length
              + " arguments (expected column name, value pairs)");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (!(namesAndValues[i] instanceof String name)) {
        throw new IllegalArgumentException(
            "Invalid row: argument "
                + i
                + " is "
                + namesAndValues[i]
                + " (expected a column name)");
      }
      if (row.containsKey(name)) {
        throw new IllegalArgumentException("Invalid row: column " + name + " appears twice");
      }
      row.put(name, namesAndValues[i + 1]);
    }
    return row;
  }
}
