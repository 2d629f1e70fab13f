package io.lakeplan.spi;

import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an existing table's layout differs from its definition, said the same way by every engine:
 * partitioning, sort order, format version and the definition's table properties (properties the
 * table has beyond them, such as Iceberg's own, are not drift). A create-table task reports drift
 * and changes nothing. The columns are compared by {@link #columns}, the rest by {@link #of}.
 */
public final class TableLayoutDrift {

  /** A transform with a width as Iceberg prints it: {@code bucket[16]}. */
  private static final Pattern WITH_WIDTH = Pattern.compile("(\\w+)\\[(\\d+)]");

  /** Iceberg's reserved keys: written at creation, never kept as properties. */
  private static final java.util.Set<String> RESERVED =
      java.util.Set.of(
          "format-version",
          "uuid",
          "snapshot-count",
          "current-snapshot-id",
          "current-snapshot-summary",
          "current-snapshot-timestamp-ms",
          "current-schema",
          "default-partition-spec",
          "default-sort-order");

  private TableLayoutDrift() {}

  /**
   * A column of an existing table as an engine reads it.
   *
   * @param type the Lakeplan type ({@link io.lakeplan.model.ColumnType#toString()}) when the
   *     column's type is one, else the engine's own name of it
   */
  public record ExistingColumn(String name, String type, boolean required) {}

  /**
   * How an existing table's columns differ from its definition's, one readable line each, in the
   * definition's order then the table's extra columns; names compare ignoring case.
   */
  public static List<String> columns(TableDefinition definition, List<ExistingColumn> actual) {
    List<String> problems = new ArrayList<>();
    Map<String, ExistingColumn> existing = new java.util.LinkedHashMap<>();
    actual.forEach(column -> existing.put(column.name().toLowerCase(Locale.ROOT), column));
    for (io.lakeplan.model.Column column : definition.columns()) {
      ExistingColumn found = existing.remove(column.name().toLowerCase(Locale.ROOT));
      String expected = column.type().toString();
      if (found == null) {
        problems.add("column " + column.name() + " " + expected + " is missing in the table");
        continue;
      }
      if (!found.type().equals(expected)) {
        problems.add(
            "column "
                + column.name()
                + " has type "
                + found.type()
                + ", definition says "
                + expected);
      }
      if (column.required() != found.required()) {
        problems.add(
            "column "
                + column.name()
                + " is "
                + (found.required() ? "required" : "optional")
                + " in the table, definition says "
                + (column.required() ? "required" : "optional"));
      }
    }
    existing
        .values()
        .forEach(
            extra ->
                problems.add(
                    "column "
                        + extra.name()
                        + " "
                        + extra.type()
                        + " is in the table but not in the definition"));
    return problems;
  }

  /**
   * The differences, one readable line each; empty when the layout matches.
   *
   * @param partitioning the table's current partition fields in the model's notation ({@code
   *     day(updated_at)}, {@code bucket(16, id)})
   * @param sortOrder the table's sort order in the model's notation ({@code order_ts desc})
   */
  public static List<String> of(
      TableDefinition definition,
      List<PartitionField> partitioning,
      List<SortField> sortOrder,
      int formatVersion,
      Map<String, String> properties) {
    List<String> problems = new ArrayList<>();
    String expectedPartitioning = texts(definition.partitionBy());
    String actualPartitioning = texts(partitioning);
    if (!expectedPartitioning.equals(actualPartitioning)) {
      problems.add(
          "partitioned by "
              + actualPartitioning
              + " in the table, definition says "
              + expectedPartitioning);
    }
    String expectedOrder = texts(definition.sortBy());
    String actualOrder = texts(sortOrder);
    if (!expectedOrder.equals(actualOrder)) {
      problems.add("sorted by " + actualOrder + " in the table, definition says " + expectedOrder);
    }
    if (formatVersion != definition.formatVersion()) {
      problems.add(
          "format v"
              + formatVersion
              + " in the table, definition says v"
              + definition.formatVersion());
    }
    definition
        .effectiveProperties()
        .forEach(
            (key, expected) -> {
              if (RESERVED.contains(key)) {
                return; // Iceberg keeps these in the metadata, not as properties
              }
              String actual = properties.get(key);
              if (actual == null) {
                problems.add(
                    "property " + key + " is not set in the table, definition says " + expected);
              } else if (!actual.equals(expected)) {
                problems.add(
                    "property "
                        + key
                        + " is "
                        + actual
                        + " in the table, definition says "
                        + expected);
              }
            });
    return problems;
  }

  /**
   * Why a create-table task fails on a table that drifted: every difference ({@link #columns} then
   * {@link #of}) and the way out.
   */
  public static String failure(TableDefinition definition, List<String> drift) {
    return "Table "
        + definition.table()
        + " differs from its definition (not changed): "
        + String.join("; ", drift)
        + ". Lakeplan never changes an existing table: change the table (ALTER TABLE) or the"
        + " definition so that they agree";
  }

  /**
   * A partition field of an Iceberg spec in the model's notation: Iceberg's transform as it prints
   * it ({@code identity}, {@code day}, {@code bucket[16]}) on {@code column}; null for {@code void}
   * (a field dropped from a v1 table's spec).
   */
  public static PartitionField partitionField(String transform, String column) {
    if (transform.equals("void")) {
      return null;
    }
    Matcher width = WITH_WIDTH.matcher(transform);
    return PartitionField.parse(
        transform.equals("identity")
            ? column
            : width.matches()
                ? width.group(1) + "(" + width.group(2) + ", " + column + ")"
                : transform + "(" + column + ")");
  }

  /** Fields in their text form, lower case (catalogs compare column names ignoring case). */
  private static String texts(List<?> fields) {
    return fields.isEmpty()
        ? "nothing"
        : fields.stream()
            .map(field -> field.toString().toLowerCase(Locale.ROOT))
            .toList()
            .toString();
  }
}
