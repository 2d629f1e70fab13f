package io.lakeplan.testkit.internal;

import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.TableLayoutDrift;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;

/**
 * Creates tables, or reports how an existing one drifted from its definition (columns,
 * partitioning, sort order, format version, properties; never applied).
 */
final class TableTasks {

  private TableTasks() {}

  static TaskResult create(InMemoryEngine.Context context, TableDefinition definition) {
    Table existing = context.lake().find(definition.table());
    if (existing != null) {
      List<String> drift = new ArrayList<>(TableLayoutDrift.columns(definition, columns(existing)));
      drift.addAll(TableLayouts.drift(definition, existing));
      if (!drift.isEmpty()) {
        throw new TaskFailure(TableLayoutDrift.failure(definition, drift));
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

  /** The table's columns in Lakeplan's types, for {@link TableLayoutDrift#columns}. */
  private static List<TableLayoutDrift.ExistingColumn> columns(Table table) {
    return table.schema().columns().stream()
        .map(
            field ->
                new TableLayoutDrift.ExistingColumn(
                    field.name(), Values.typeName(field.type()), field.isRequired()))
        .toList();
  }
}
