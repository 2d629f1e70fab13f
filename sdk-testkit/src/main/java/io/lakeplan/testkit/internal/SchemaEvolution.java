package io.lakeplan.testkit.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.spi.SchemaChanges;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;

/**
 * The table a run writes through when its source brings new columns ({@code append-new-columns}):
 * an Iceberg transaction whose schema update and data commit become one table commit, so the
 * columns never appear without the rows that brought them. Without new columns, the table itself.
 */
final class SchemaEvolution {
  private final Table table;
  private final Transaction transaction;

  private SchemaEvolution(Table table, Transaction transaction) {
    this.table = table;
    this.transaction = transaction;
  }

  /**
   * Starts writing to {@code table} with the columns {@code decision} adds, each optional and of
   * its type in {@code types} (looked up ignoring case).
   */
  static SchemaEvolution begin(
      Table table, SchemaChanges.Decision decision, Map<String, ColumnType> types) {
    List<String> added = decision.added();
    if (added.isEmpty()) {
      return new SchemaEvolution(table, null);
    }
    Transaction transaction = table.newTransaction();
    UpdateSchema update = transaction.updateSchema();
    for (String column : added) {
      ColumnType type =
          types.entrySet().stream()
              .filter(entry -> entry.getKey().equalsIgnoreCase(column))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(ColumnType.STRING);
      update.addColumn(column, Values.type(type));
    }
    update.commit();
    return new SchemaEvolution(table, transaction);
  }

  /** The table to write to: the transaction's view of it when columns are added. */
  Table table() {
    return transaction == null ? table : transaction.table();
  }

  /** The schema the rows are written with. */
  Schema schema() {
    return table().schema();
  }

  /** Commits the added columns and what was written through {@link #table()} as one commit. */
  void commit(Lake lake) {
    if (transaction != null) {
      transaction.commitTransaction();
      lake.committed(table);
    }
  }
}
