package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.TableId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.HistoryEntry;
import org.apache.iceberg.IncrementalAppendScan;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.ReplacePartitions;
import org.apache.iceberg.ReplaceSortOrder;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.RewriteManifests;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.StatisticsFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateLocation;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdatePartitionStatistics;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.UpdateStatistics;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Columns added to a table in the same Iceberg commit as the rows written into them ({@code
 * append-new-columns}).
 *
 * <p>Iceberg's Spark writer cannot do it on its own: its {@code merge-schema} option commits the
 * schema before the data. Here the columns are added inside an Iceberg {@link Transaction}, and the
 * Spark write goes to that transaction's view of the table — Iceberg's own {@link SparkTable} over
 * it, so distribution, ordering, file sizes, commit properties and row-level operations ({@code
 * MERGE INTO}) are Iceberg's as always — whose commit only joins the transaction. The transaction
 * then commits schema and data as one new table version: a reader never sees the new columns
 * without the rows, and a run that fails before the commit leaves the table as it was (the files
 * its tasks wrote stay outside the table, as after any failed write, for orphan-file maintenance).
 *
 * <p>Spark reaches the transaction's table as a table of the catalog {@value #CATALOG}, which this
 * class is (a {@link RegistryCatalog}); the name {@link #write} hands its writer finds the
 * transaction in the registry for the length of the write. Not an API.
 */
public final class SchemaCommit extends RegistryCatalog<Table> {

  /** The catalog name the pending tables are registered under in a session. */
  static final String CATALOG = "lakeplan_schema_commit";

  private static final Map<String, Table> PENDING = registry();

  /** Spark's constructor (by reflection). */
  public SchemaCommit() {
    super(PENDING, CATALOG, "holder of writes that add columns; it has no tables of its own");
  }

  /**
   * Runs {@code write} with the name of {@code table} as Spark SQL and the {@code
   * DataFrameWriterV2} know it ({@link Sql#table} form); when {@code added} has columns, the name
   * is that of the table with those columns added, and schema and data are committed together once
   * {@code write} returns. Nothing is committed when {@code write} throws.
   *
   * @throws TaskFailedException when the combined commit fails (the table is unchanged)
   */
  static <T> T write(
      Context context, TableId table, Map<String, ColumnType> added, Function<String, T> write) {
    if (added.isEmpty()) {
      return write.apply(Sql.table(table));
    }
    Transaction transaction = begin(context, table, added);
    String pending =
        register(
            context.spark,
            CATALOG,
            SchemaCommit.class,
            PENDING,
            new PendingTable(transaction.table()));
    T result;
    try {
      result = write.apply(pending);
    } finally {
      forget(CATALOG, PENDING, pending);
    }
    try {
      transaction.commitTransaction();
    } catch (RuntimeException e) {
      throw new TaskFailedException(
          "Commit of the rows and the new columns "
              + added.keySet()
              + " to "
              + table
              + " failed: "
              + Failures.rootMessage(e)
              + " (table unchanged)",
          e);
    }
    return result;
  }

  /**
   * A transaction on {@code table} that adds {@code added}, each optional; whatever joins it is
   * committed with the columns by {@link Transaction#commitTransaction()}.
   */
  static Transaction begin(Context context, TableId table, Map<String, ColumnType> added) {
    Transaction transaction = Tables.load(context, table).newTransaction();
    UpdateSchema update = transaction.updateSchema();
    added.forEach((column, type) -> update.addColumn(column, icebergType(type)));
    update.commit();
    return transaction;
  }

  /** {@code schema} with {@code added} after its columns, each nullable, as Spark types. */
  static StructType withAdded(StructType schema, Map<String, ColumnType> added) {
    StructType evolved = schema;
    for (Map.Entry<String, ColumnType> column : added.entrySet()) {
      evolved = evolved.add(column.getKey(), DataType.fromDDL(Sql.type(column.getValue())), true);
    }
    return evolved;
  }

  private static org.apache.iceberg.types.Type icebergType(ColumnType type) {
    return SparkSchemaUtil.convert(DataType.fromDDL(Sql.type(type)));
  }

  @Override
  org.apache.spark.sql.connector.catalog.Table table(Table pending) {
    return new SparkTable(pending);
  }

  /**
   * A transaction's table that can also be read: Iceberg's transaction tables refuse scans, and a
   * {@code MERGE INTO} reads the rows it rewrites. Scans see the transaction's current version (its
   * schema with the new columns, which existing rows read as null, and the snapshot it started
   * from); every change goes through the transaction's own table, so the transaction re-applies it
   * if it has to retry its commit.
   */
  private static final class PendingTable implements Table, HasTableOperations {
    private final Table table;
    private final Table scans;

    PendingTable(Table table) {
      this.table = table;
      this.scans = new BaseTable(operations(table), table.name());
    }

    private static TableOperations operations(Table table) {
      return ((HasTableOperations) table).operations();
    }

    @Override
    public TableOperations operations() {
      return operations(table);
    }

    @Override
    public String name() {
      return table.name();
    }

    @Override
    public void refresh() {
      table.refresh();
    }

    @Override
    public TableScan newScan() {
      return scans.newScan();
    }

    @Override
    public IncrementalAppendScan newIncrementalAppendScan() {
      return scans.newIncrementalAppendScan();
    }

    @Override
    public Schema schema() {
      return table.schema();
    }

    @Override
    public Map<Integer, Schema> schemas() {
      return table.schemas();
    }

    @Override
    public PartitionSpec spec() {
      return table.spec();
    }

    @Override
    public Map<Integer, PartitionSpec> specs() {
      return table.specs();
    }

    @Override
    public SortOrder sortOrder() {
      return table.sortOrder();
    }

    @Override
    public Map<Integer, SortOrder> sortOrders() {
      return table.sortOrders();
    }

    @Override
    public Map<String, String> properties() {
      return table.properties();
    }

    @Override
    public String location() {
      return table.location();
    }

    @Override
    public Snapshot currentSnapshot() {
      return table.currentSnapshot();
    }

    @Override
    public Snapshot snapshot(long snapshotId) {
      return table.snapshot(snapshotId);
    }

    @Override
    public Iterable<Snapshot> snapshots() {
      return table.snapshots();
    }

    @Override
    public List<HistoryEntry> history() {
      return table.history();
    }

    @Override
    public UpdateSchema updateSchema() {
      return table.updateSchema();
    }

    @Override
    public UpdatePartitionSpec updateSpec() {
      return table.updateSpec();
    }

    @Override
    public UpdateProperties updateProperties() {
      return table.updateProperties();
    }

    @Override
    public ReplaceSortOrder replaceSortOrder() {
      return table.replaceSortOrder();
    }

    @Override
    public UpdateLocation updateLocation() {
      return table.updateLocation();
    }

    @Override
    public AppendFiles newAppend() {
      return table.newAppend();
    }

    @Override
    public AppendFiles newFastAppend() {
      return table.newFastAppend();
    }

    @Override
    public RewriteFiles newRewrite() {
      return table.newRewrite();
    }

    @Override
    public RewriteManifests rewriteManifests() {
      return table.rewriteManifests();
    }

    @Override
    public OverwriteFiles newOverwrite() {
      return table.newOverwrite();
    }

    @Override
    public RowDelta newRowDelta() {
      return table.newRowDelta();
    }

    @Override
    public ReplacePartitions newReplacePartitions() {
      return table.newReplacePartitions();
    }

    @Override
    public DeleteFiles newDelete() {
      return table.newDelete();
    }

    @Override
    public UpdateStatistics updateStatistics() {
      return table.updateStatistics();
    }

    @Override
    public UpdatePartitionStatistics updatePartitionStatistics() {
      return table.updatePartitionStatistics();
    }

    @Override
    public ExpireSnapshots expireSnapshots() {
      return table.expireSnapshots();
    }

    @Override
    public ManageSnapshots manageSnapshots() {
      return table.manageSnapshots();
    }

    @Override
    public Transaction newTransaction() {
      return table.newTransaction();
    }

    @Override
    public FileIO io() {
      return table.io();
    }

    @Override
    public EncryptionManager encryption() {
      return table.encryption();
    }

    @Override
    public LocationProvider locationProvider() {
      return table.locationProvider();
    }

    @Override
    public List<StatisticsFile> statisticsFiles() {
      return table.statisticsFiles();
    }

    @Override
    public List<PartitionStatisticsFile> partitionStatisticsFiles() {
      return table.partitionStatisticsFiles();
    }

    @Override
    public Map<String, SnapshotRef> refs() {
      return table.refs();
    }

    @Override
    public UUID uuid() {
      return table.uuid();
    }

    @Override
    public String toString() {
      return table.toString();
    }
  }
}
