package io.lakeplan.spark.internal;

import io.lakeplan.model.Merge;
import io.lakeplan.spi.Merges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The source side of a merge on Spark: the source rows with their arrival position, reduced to one
 * row per key as {@link Merges} decides, and the refusal of rows without a key value.
 *
 * <p>A row's arrival position is its data file's place in the arrival order of the files read (data
 * sequence number, then path; computed on the driver from the files Iceberg plans, which are few
 * next to the rows) and its {@code _pos} in the file. Each row gets the file's place through a
 * broadcast join on {@code _file}, so only two longs per row go through the dedupe's shuffle.
 */
final class MergeSource {

  static final String RANK = "__lakeplan_rank";
  static final String FILE_ORDER = "__lakeplan_file_order";
  static final String POSITION = "__lakeplan_position";

  private static final String PATH = "__lakeplan_path";
  private static final String ORDERED_PATH = "__lakeplan_ordered_path";

  // raised by the dedupe's check while the MERGE runs, before any file is written
  private static final String NULL_KEY = "lakeplan: merge source row without a key value";
  private static final String UNPLANNED =
      "lakeplan: merge source row from a data file the merge did not plan";

  private MergeSource() {}

  /** The data files of {@code table} as of {@code snapshotId}: what a full read scans. */
  static List<DataFile> liveFiles(Table table, long snapshotId) {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshotId).ignoreResiduals().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan the files of " + table.name(), e);
    }
    return files;
  }

  /**
   * The data files appended by the snapshots after {@code from} up to {@code to}: what an
   * incremental read scans.
   */
  static List<DataFile> appendedFiles(Table table, long from, long to) {
    List<DataFile> files = new ArrayList<>();
    for (Snapshot snapshot = table.snapshot(to);
        snapshot != null && snapshot.snapshotId() != from;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (DataOperations.APPEND.equals(snapshot.operation())) {
        snapshot.addedDataFiles(table.io()).forEach(files::add);
      }
    }
    return files;
  }

  /**
   * {@code input} (an Iceberg read of the source that scans exactly {@code files}) with two more
   * columns: {@value #FILE_ORDER}, the place of the row's file in arrival order, and {@value
   * #POSITION}, the row's position in that file.
   */
  static Dataset<Row> withArrival(SparkSession spark, Dataset<Row> input, List<DataFile> files) {
    List<DataFile> ordered = new ArrayList<>(files);
    ordered.sort(Merges.arrivalOrder(MergeSource::sequenceNumber, DataFile::location));
    List<Row> places = new ArrayList<>(ordered.size());
    for (int i = 0; i < ordered.size(); i++) {
      places.add(RowFactory.create(ordered.get(i).location(), (long) i));
    }
    StructType schema =
        new StructType()
            .add(ORDERED_PATH, DataTypes.StringType, false)
            .add(FILE_ORDER, DataTypes.LongType, false);
    Dataset<Row> fileOrder = spark.createDataFrame(places, schema);
    Dataset<Row> located =
        input.select(
            functions.col("*"),
            input.metadataColumn("_file").as(PATH),
            input.metadataColumn("_pos").as(POSITION));
    return located
        .join(
            functions.broadcast(fileOrder),
            located.col(PATH).equalTo(fileOrder.col(ORDERED_PATH)),
            "left_outer")
        .drop(PATH, ORDERED_PATH);
  }

  /**
   * The source rows to merge, from view {@code view} of {@link #withArrival}: one per key, the
   * greatest by the order columns (nulls last), among equals the latest arrival. A row without a
   * key value fails the query that reads this, before the MERGE writes anything ({@link
   * #lacksKey}).
   */
  static String deduplicated(Merge merge, String view) {
    List<String> keys = new ArrayList<>();
    for (String key : merge.keys()) {
      keys.add(Sql.quote(merge.sourceColumn(key)));
    }
    List<String> order = new ArrayList<>();
    for (String column : merge.orderBy()) {
      order.add(Sql.quote(column) + " DESC NULLS LAST");
    }
    order.add(FILE_ORDER + " DESC");
    order.add(POSITION + " DESC");
    return "SELECT * EXCEPT ("
        + String.join(", ", RANK, FILE_ORDER, POSITION)
        + ") FROM (SELECT *, row_number() OVER (PARTITION BY "
        + String.join(", ", keys)
        + " ORDER BY "
        + String.join(", ", order)
        + ") AS "
        + RANK
        + " FROM "
        + Sql.quote(view)
        + " WHERE "
        + check(merge)
        + ") WHERE "
        + RANK
        + " = 1";
  }

  /**
   * Every source row of view {@code view} of {@link #withArrival}, with its arrival columns; a row
   * without a key value fails the query that reads this ({@link #lacksKey}).
   */
  static String checked(Merge merge, String view) {
    return "SELECT * FROM " + Sql.quote(view) + " WHERE " + check(merge);
  }

  /** True for a row with a value in every key column from a planned file; raises otherwise. */
  private static String check(Merge merge) {
    List<String> nullChecks = new ArrayList<>();
    for (String key : merge.keys()) {
      nullChecks.add(Sql.quote(merge.sourceColumn(key)) + " IS NULL");
    }
    return "CASE WHEN "
        + String.join(" OR ", nullChecks)
        + " THEN raise_error('"
        + NULL_KEY
        + "') WHEN "
        + FILE_ORDER
        + " IS NULL THEN raise_error('"
        + UNPLANNED
        + "') ELSE TRUE END";
  }

  /** Whether {@code error} is the check of {@link #deduplicated} finding a row without a key. */
  static boolean lacksKey(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains(NULL_KEY)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * The failure of a merge whose source, view {@code view}, has rows without a key value: how many,
   * and which key columns they lack (counted again, on this failure path only).
   */
  static TaskFailedException nullKeys(
      SparkSession spark, Merge merge, String view, Throwable cause) {
    List<String> columns = new ArrayList<>();
    List<String> nullChecks = new ArrayList<>();
    List<String> counts = new ArrayList<>();
    for (String key : merge.keys()) {
      String column = merge.sourceColumn(key);
      columns.add(column);
      nullChecks.add(Sql.quote(column) + " IS NULL");
      counts.add("count_if(" + Sql.quote(column) + " IS NULL)");
    }
    Row row =
        spark
            .sql(
                "SELECT count_if("
                    + String.join(" OR ", nullChecks)
                    + "), "
                    + String.join(", ", counts)
                    + " FROM "
                    + Sql.quote(view))
            .first();
    List<String> lacking = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (row.getLong(i + 1) > 0) {
        lacking.add(columns.get(i));
      }
    }
    return new TaskFailedException(Merges.nullKeys(merge, row.getLong(0), lacking), cause);
  }

  /** The data sequence number of {@code file}: the commit that added its rows. */
  private static long sequenceNumber(DataFile file) {
    Long sequenceNumber = file.dataSequenceNumber();
    if (sequenceNumber == null) {
      throw new IllegalStateException("Data file " + file.location() + " has no sequence number");
    }
    return sequenceNumber;
  }
}
