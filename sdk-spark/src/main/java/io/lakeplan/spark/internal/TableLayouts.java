package io.lakeplan.spark.internal;

import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.TableLayoutDrift;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.Table;

/** An Iceberg table's layout in the model's notation, for {@link TableLayoutDrift}. */
final class TableLayouts {

  private TableLayouts() {}

  /**
   * How {@code table}'s partitioning, sort order, format and properties differ from its definition.
   */
  static List<String> drift(TableDefinition definition, Table table) {
    int formatVersion =
        table instanceof HasTableOperations operations
            ? operations.operations().current().formatVersion()
            : definition.formatVersion();
    return TableLayoutDrift.of(
        definition, partitioning(table), sortOrder(table), formatVersion, table.properties());
  }

  private static List<PartitionField> partitioning(Table table) {
    List<PartitionField> fields = new ArrayList<>();
    for (org.apache.iceberg.PartitionField field : table.spec().fields()) {
      PartitionField described =
          TableLayoutDrift.partitionField(
              field.transform().toString(), table.schema().findColumnName(field.sourceId()));
      if (described != null) {
        fields.add(described);
      }
    }
    return fields;
  }

  private static List<SortField> sortOrder(Table table) {
    List<SortField> fields = new ArrayList<>();
    for (org.apache.iceberg.SortField field : table.sortOrder().fields()) {
      fields.add(
          SortField.of(
              table.schema().findColumnName(field.sourceId()),
              field.direction() == SortDirection.DESC,
              field.nullOrder() == NullOrder.NULLS_FIRST));
    }
    return fields;
  }
}
