package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Creates an Iceberg table from its definition, or checks that an existing one still matches it:
 * drift is reported, never applied.
 */
final class CreateTableExecutor {

  private CreateTableExecutor() {}

  static TaskResult run(Context context, TableDefinition definition) {
    String table = Sql.table(definition.table());
    List<String> statements = ddl(definition);
    if (context.spark.catalog().tableExists(LakeplanCatalogNames.of(definition.table()))) {
      List<String> drift = drift(definition, context.spark.table(table).schema());
      if (!drift.isEmpty()) {
        throw new TaskFailedException(
            "Table "
                + definition.table()
                + " differs from its definition (not changed): "
                + String.join("; ", drift));
      }
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "table " + definition.table() + " exists and matches");
    }
    for (String statement : statements) {
      context.spark.sql(statement);
    }
    return TaskResult.succeeded(
        0,
        0,
        0,
        Duration.ZERO,
        "created table "
            + definition.table()
            + " ("
            + definition.columns().size()
            + " columns, format v"
            + definition.formatVersion()
            + ")");
  }

  /** The statements that create the table; every identifier validated and quoted. */
  static List<String> ddl(TableDefinition definition) {
    String table = Sql.table(definition.table());
    List<String> columns = new ArrayList<>();
    for (Column column : definition.columns()) {
      columns.add(
          Sql.quote(column.name())
              + " "
              + Sql.type(column.type())
              + (column.required() ? " NOT NULL" : ""));
    }
    List<String> partitions = new ArrayList<>();
    for (PartitionField field : definition.partitionBy()) {
      partitions.add(transform(field));
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("format-version", Integer.toString(definition.formatVersion()));
    properties.putAll(definition.effectiveProperties());
    List<String> props = new ArrayList<>();
    properties.forEach((key, value) -> props.add(Sql.literal(key) + "=" + Sql.literal(value)));
    List<String> sortOrder = new ArrayList<>();
    for (SortField field : definition.sortBy()) {
      sortOrder.add(
          Sql.quote(field.column())
              + (field.descending() ? " DESC" : " ASC")
              + (field.nullsFirst() ? " NULLS FIRST" : " NULLS LAST"));
    }
    List<String> statements = new ArrayList<>();
    statements.add("CREATE NAMESPACE IF NOT EXISTS " + Sql.namespace(definition.table()));
    statements.add(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " ("
            + String.join(", ", columns)
            + ") USING iceberg"
            + (partitions.isEmpty()
                ? ""
                : " PARTITIONED BY (" + String.join(", ", partitions) + ")")
            + " TBLPROPERTIES ("
            + String.join(", ", props)
            + ")");
    if (!sortOrder.isEmpty()) {
      statements.add("ALTER TABLE " + table + " WRITE ORDERED BY " + String.join(", ", sortOrder));
    }
    return statements;
  }

  private static String transform(PartitionField field) {
    String column = Sql.quote(field.column());
    switch (field.transform()) {
      case IDENTITY:
        return column;
      case YEAR:
        return "years(" + column + ")";
      case MONTH:
        return "months(" + column + ")";
      case DAY:
        return "days(" + column + ")";
      case HOUR:
        return "hours(" + column + ")";
      case BUCKET:
        return "bucket(" + field.width() + ", " + column + ")";
      case TRUNCATE:
        return "truncate(" + field.width() + ", " + column + ")";
      default:
        throw new IllegalArgumentException("Unsupported partition transform: " + field);
    }
  }

  /** Differences between the definition and an existing table's schema, one readable line each. */
  static List<String> drift(TableDefinition definition, StructType actual) {
    List<String> problems = new ArrayList<>();
    Map<String, StructField> existing = new LinkedHashMap<>();
    for (StructField field : actual.fields()) {
      existing.put(field.name().toLowerCase(Locale.ROOT), field);
    }
    for (Column column : definition.columns()) {
      StructField field = existing.remove(column.name().toLowerCase(Locale.ROOT));
      String expected = Sql.type(column.type());
      if (field == null) {
        problems.add("column " + column.name() + " " + expected + " is missing in the table");
        continue;
      }
      String found = field.dataType().sql().toLowerCase(Locale.ROOT);
      if (!found.equals(expected)) {
        problems.add(
            "column " + column.name() + " has type " + found + ", definition says " + expected);
      }
      if (column.required() == field.nullable()) {
        problems.add(
            "column "
                + column.name()
                + " is "
                + (field.nullable() ? "optional" : "required")
                + " in the table, definition says "
                + (column.required() ? "required" : "optional"));
      }
    }
    for (StructField extra : existing.values()) {
      problems.add(
          "column "
              + extra.name()
              + " "
              + extra.dataType().sql().toLowerCase(Locale.ROOT)
              + " is in the table but not in the definition");
    }
    return problems;
  }
}
