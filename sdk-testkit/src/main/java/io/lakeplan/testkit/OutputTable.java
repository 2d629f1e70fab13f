package io.lakeplan.testkit;

import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.testkit.internal.Lake;
import io.lakeplan.testkit.internal.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;

/**
 * A table of the in-memory lake, read as it is now: its rows, snapshots and data files. A table the
 * pipeline has not created yet reads as empty (never null); {@link #exists()} tells the two apart.
 */
public final class OutputTable {

  private final TableId id;
  private final Lake lake;

  OutputTable(TableId id, Lake lake) {
    this.id = id;
    this.lake = lake;
  }

  /** The table id. */
  public TableId id() {
    return id;
  }

  /** Whether the table exists. */
  public boolean exists() {
    return lake.exists(id);
  }

  /** The column names, in order; empty when the table does not exist. */
  public List<String> columns() {
    Table table = lake.find(id);
    return table == null ? List.of() : Values.names(table.schema());
  }

  /**
   * The rows at the current snapshot, each a map from column name to value in column order, with
   * the types the Spark engine returns ({@code Long}, {@code BigDecimal} at the column's scale,
   * {@code LocalDateTime} for {@code timestamp}, {@code Instant} for {@code timestamptz}, …).
   */
  public List<Map<String, Object>> rows() {
    Table table = lake.find(id);
    return table == null ? List.of() : toRows(table, lake.rows(table));
  }

  /**
   * The rows as of snapshot {@code snapshotId} (time travel).
   *
   * @throws IllegalArgumentException naming the retained snapshots when it is not one of them
   */
  public List<Map<String, Object>> rowsAsOf(long snapshotId) {
    Table table = lake.find(id);
    if (table == null || table.snapshot(snapshotId) == null) {
      throw new IllegalArgumentException(
          "Snapshot "
              + snapshotId
              + " of "
              + id
              + " is not retained (snapshots: "
              + snapshots().stream().map(s -> Long.toString(s.snapshotId())).toList()
              + ")");
    }
    return toRows(table, lake.rows(table, snapshotId));
  }

  /**
   * The number of rows at the current snapshot, from the data files' record counts (exact: the
   * in-memory engine rewrites files instead of writing delete files, which it checks).
   */
  public int rowCount() {
    Table table = lake.find(id);
    if (table == null || table.currentSnapshot() == null) {
      return 0;
    }
    return Math.toIntExact(lake.rowCount(table, table.currentSnapshot().snapshotId()));
  }

  /** The retained snapshots, oldest first. */
  public List<TableSnapshot> snapshots() {
    Table table = lake.find(id);
    if (table == null) {
      return List.of();
    }
    List<TableSnapshot> snapshots = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      snapshots.add(
          new TableSnapshot(
              snapshot.snapshotId(),
              snapshot.parentId(),
              snapshot.operation(),
              lake.commitTime(snapshot),
              snapshot.summary() == null ? Map.of() : Map.copyOf(snapshot.summary())));
    }
    // the table's metadata lists snapshots in commit order; commits at one driver time keep it
    snapshots.sort(java.util.Comparator.comparing(TableSnapshot::committedAt));
    return snapshots;
  }

  /** The current snapshot, or null when the table has none. */
  public TableSnapshot currentSnapshot() {
    Table table = lake.find(id);
    if (table == null || table.currentSnapshot() == null) {
      return null;
    }
    long current = table.currentSnapshot().snapshotId();
    return snapshots().stream().filter(s -> s.snapshotId() == current).findFirst().orElseThrow();
  }

  /** The number of retained snapshots. */
  public int snapshotCount() {
    return snapshots().size();
  }

  /** The number of live data files at the current snapshot. */
  public int dataFileCount() {
    Table table = lake.find(id);
    return table == null ? 0 : lake.dataFiles(table).size();
  }

  /**
   * Every entry, live or deleted, of every manifest that a snapshot the table retains reaches, read
   * from the manifest files themselves (see {@link ManifestEntry#readAll}); empty when the table
   * does not exist. For checks on what the table's metadata still says about removed files.
   */
  public List<ManifestEntry> manifestEntries() {
    Table table = lake.find(id);
    return table == null ? List.of() : ManifestEntry.readAll(table);
  }

  /** The table properties (format version, write modes, Lakeplan's markers); empty when absent. */
  public Map<String, String> properties() {
    Table table = lake.find(id);
    return table == null ? Map.of() : Map.copyOf(table.properties());
  }

  /**
   * Tags the current snapshot as {@code name}, as {@code ALTER TABLE … CREATE TAG} does on Spark: a
   * retention that snapshot expiry keeps and that a hard delete refuses to work around.
   *
   * @throws IllegalArgumentException when the table does not exist or has no snapshot yet, or the
   *     name is taken
   */
  public void tag(String name) {
    Table table = lake.find(id);
    if (table == null || table.currentSnapshot() == null) {
      throw new IllegalArgumentException(
          "Cannot tag " + id + ": it " + (table == null ? "does not exist" : "has no snapshot"));
    }
    if (table.refs().containsKey(name)) {
      throw new IllegalArgumentException(
          "Cannot tag " + id + " as '" + name + "': the name is taken");
    }
    table.manageSnapshots().createTag(name, table.currentSnapshot().snapshotId()).commit();
  }

  /**
   * Creates this table as another tool would have before the pipeline runs, with {@code
   * definition}'s columns and layout: the pipeline's create-table task then finds it and reports
   * how it differs from the use case's definition, changing nothing.
   *
   * @throws IllegalArgumentException when the definition names another table or the table exists
   */
  public void createAs(TableDefinition definition) {
    if (!definition.table().equals(id)) {
      throw new IllegalArgumentException(
          "Cannot create " + id + " from the definition of " + definition.table());
    }
    if (lake.exists(id)) {
      throw new IllegalArgumentException("Cannot create " + id + ": it exists");
    }
    lake.create(definition);
  }

  /**
   * Writes a file into the table's data folder that no snapshot references — what a writer that
   * failed before its commit leaves behind — as written {@code age} before the driver's clock's
   * now. Remove-orphans deletes it once it is older than its {@code older-than}.
   *
   * @return the file's location
   * @throws IllegalArgumentException when the table does not exist or the age is negative
   */
  public String addStrayFile(java.time.Duration age) {
    Table table = lake.find(id);
    if (table == null || age.isNegative()) {
      throw new IllegalArgumentException(
          "Cannot add a stray file to "
              + id
              + (table == null ? ": it does not exist" : ": the age " + age + " is negative"));
    }
    return lake.writeStray(table, lake.now().minus(age));
  }

  private static List<Map<String, Object>> toRows(Table table, List<Record> records) {
    List<Map<String, Object>> rows = new ArrayList<>(records.size());
    for (Record record : records) {
      rows.add(Values.row(table.schema(), record));
    }
    return rows;
  }

  /**
   * {@code expected} converted to this table's column types (so {@code row("id", 1)} equals a row
   * whose long column {@code id} is 1), for assertions.
   *
   * @throws IllegalArgumentException naming the column when a name or value does not fit
   */
  public Map<String, Object> conform(Map<String, ?> expected) {
    Table table = lake.find(id);
    if (table == null) {
      return new LinkedHashMap<>(expected);
    }
    return Values.conform(table.schema(), expected, "table " + id, true);
  }

  @Override
  public String toString() {
    return "table " + id;
  }
}
