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
 * and changes nothing; the columns are compared by the engine.
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
    if (!problems.isEmpty()) {
      problems.add(
          "Lakeplan never changes an existing table's layout: change the table (ALTER TABLE) or"
              + " the definition so that they agree");
    }
    return problems;
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
