package io.lakeplan.testkit.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * Creates tables, or reports how an existing one drifted from its definition (columns,
 * partitioning, sort order, format version, properties; never applied).
 */
final class TableTasks {

  private TableTasks() {}

  static TaskResult create(InMemoryEngine.Context context, TableDefinition definition) {
    Table existing = context.lake().find(definition.table());
    if (existing != null) {
      List<String> drift = new ArrayList<>(drift(definition, existing));
      drift.addAll(TableLayouts.drift(definition, existing));
      if (!drift.isEmpty()) {
        throw new TaskFailure(
            "Table "
                + definition.table()
                + " differs from its definition (not changed): "
                + String.join("; ", drift));
      }
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "table " + definition.table() + " exists and matches");
    }
    context.lake().create(definition);
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

  /** Differences between the definition and the table's schema, one readable line each. */
  static List<String> drift(TableDefinition definition, Table table) {
    List<String> problems = new ArrayList<>();
    Map<String, Types.NestedField> existing = new LinkedHashMap<>();
    for (Types.NestedField field : table.schema().columns()) {
      existing.put(field.name().toLowerCase(Locale.ROOT), field);
    }
    for (Column column : definition.columns()) {
      Types.NestedField field = existing.remove(column.name().toLowerCase(Locale.ROOT));
      String expected = Values.typeName(Values.type(column.type()));
      if (field == null) {
        problems.add("column " + column.name() + " " + expected + " is missing in the table");
        continue;
      }
      String found = Values.typeName(field.type());
      if (!found.equals(expected)) {
        problems.add(
            "column " + column.name() + " has type " + found + ", definition says " + expected);
      }
      if (column.required() == field.isOptional()) {
        problems.add(
            "column "
                + column.name()
                + " is "
                + (field.isOptional() ? "optional" : "required")
                + " in the table, definition says "
                + (column.required() ? "required" : "optional"));
      }
    }
    for (Types.NestedField extra : existing.values()) {
      problems.add(
          "column "
              + extra.name()
              + " "
              + Values.typeName(extra.type())
              + " is in the table but not in the definition");
    }
    return problems;
  }
}
