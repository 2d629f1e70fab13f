package io.lakeplan.testkit;

import io.lakeplan.testkit.internal.Inputs;
import java.util.List;
import java.util.Map;

/**
 * An in-memory JDBC source table a use case ingests from. Rows are stored as given; the ingestion
 * converts them to the target's types as the Spark engine's cast would.
 */
public final class SourceTable {

  private final Inputs.SourceTableData data;

  SourceTable(Inputs.SourceTableData data) {
    this.data = data;
  }

  /**
   * Declares the table's columns and their types (e.g. {@code columns(Map.of("id", "long",
   * "discount", "decimal(10,2)"))}), as a database table has them: an ingestion compares these with
   * its target ({@code on-schema-change}) and adds new ones with these types. Without a declaration
   * the columns are those the rows use, typed by their values.
   */
  public SourceTable columns(Map<String, String> columns) {
    data.declare(columns);
    return this;
  }

  /** Inserts rows, e.g. {@code insert(row("id", 1, "updated_at", "2024-05-01T10:00:00"))}. */
  @SafeVarargs
  public final SourceTable insert(Map<String, ?>... rows) {
    for (Map<String, ?> row : rows) {
      data.insert(row);
    }
    return this;
  }

  /** Inserts rows. */
  public SourceTable insert(List<? extends Map<String, ?>> rows) {
    rows.forEach(data::insert);
    return this;
  }

  /** Deletes every row. */
  public SourceTable clear() {
    data.clear();
    return this;
  }

  /** The rows, as inserted; a copy. */
  public List<Map<String, Object>> rows() {
    return data.rows();
  }
}
