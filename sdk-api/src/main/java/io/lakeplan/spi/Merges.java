package io.lakeplan.spi;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.Merge;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What every engine decides and says the same way when it merges a source table: which source row
 * of a key wins, and the refusal of source rows without a key.
 *
 * <p><b>Arrival order.</b> Every source row has an arrival position: the data sequence number of
 * the data file holding it (the commit that added the file, ascending), then the file's path, then
 * the row's position in the file. Of the source rows of one key, a merge keeps the one with the
 * greatest {@link Merge#orderBy() order-by} values ({@link #compareVersions}) and, among equal
 * values or without order-by columns, the latest arrival. Duplicates of a key therefore never fail
 * a merge: a source that legitimately holds several versions of a key (an append-only raw table)
 * resolves to its latest one, in an incremental read as in a full re-read. A rewrite of source
 * files (a copy-on-write delete, compaction) gives the rows it carries over the rewrite's sequence
 * number.
 *
 * <p><b>Latest wins across runs.</b> With order-by columns, the winning source row of a key updates
 * or deletes its target row only when its order values are not older than the target row's ({@link
 * Merge#orderBy()}, {@link #compareVersions}); for one column: {@code target IS NULL OR (source IS
 * NOT NULL AND source >= target)}. Equal values apply (the later arrival wins, as within a run, and
 * a re-run rewrites the same row). A skipped change is counted in the summary ({@link
 * #lateChanges}).
 *
 * <p><b>Deletes stay deleted.</b> With a delete condition and order-by columns, each delete that
 * wins its key leaves a tombstone (the key and its order values, {@link Merge#tombstoneTable()}),
 * kept for {@link Merge#effectiveTombstoneRetention()}. A change for a key without a target row
 * inserts only when it is not older than the key's tombstone; otherwise it is skipped and counted
 * with the late changes. A newer delete replaces a key's tombstone; an older or equal one leaves it
 * (and its time) as it is. The tombstones are committed before the target, so a run that fails in
 * between leaves tombstones a re-run writes again, never a delete without one.
 *
 * <p><b>Keys.</b> A source row with no value (null) in a key column would match no target row (in
 * SQL, null never equals null) and so be inserted again on every run; the merge fails before it
 * writes anything, naming how many rows lack which key column, never their values.
 */
public final class Merges {

  private Merges() {}

  /**
   * The arrival order of source data files: by data sequence number, then by path. Rows of one file
   * arrive in their order in the file.
   */
  public static <T> Comparator<T> arrivalOrder(
      ToLongFunction<T> sequenceNumber, Function<T, String> path) {
    return Comparator.comparingLong(sequenceNumber).thenComparing(path);
  }

  /**
   * How two versions of a key compare by their order-by values (in the order-by's order): the first
   * column that differs decides, and a null is older than any value; 0 when all are equal.
   *
   * @param values compares two non-null values of one column
   */
  public static int compareVersions(List<?> version, List<?> other, Comparator<Object> values) {
    for (int i = 0; i < version.size(); i++) {
      Object a = version.get(i);
      Object b = other.get(i);
      int compared = a == null ? (b == null ? 0 : -1) : b == null ? 1 : values.compare(a, b);
      if (compared != 0) {
        return compared;
      }
    }
    return 0;
  }

  /**
   * What an SCD2 merge says about the histories it rewrote: {@code ; scd2 history of 3 keys
   * rewritten (7 versions, 2 current)}.
   */
  public static String historySummary(long keys, long versions, long current) {
    return "; scd2 history of "
        + keys
        + (keys == 1 ? " key" : " keys")
        + " rewritten ("
        + versions
        + (versions == 1 ? " version, " : " versions, ")
        + current
        + " current)";
  }

  /**
   * Why an SCD2 merge refused its source: {@code rows} source rows have no value in the order-by
   * column {@code column}, which dates each version.
   */
  public static String undatedVersions(Merge merge, long rows, String column) {
    return "Merge "
        + merge.id()
        + ": "
        + rows
        + (rows == 1 ? " source row of " : " source rows of ")
        + merge.source()
        + (rows == 1 ? " has" : " have")
        + " no value for order-by column "
        + column
        + "; history: scd2 dates each version by it, so fill it upstream or filter those rows out"
        + " of "
        + merge.source()
        + " ("
        + merge.target()
        + " unchanged)";
  }

  /** Whether target column {@code column} is one an SCD2 merge fills (not fed by the source). */
  public static boolean isHistoryColumn(Merge merge, String column) {
    return merge.history() == io.lakeplan.model.MergeHistory.SCD2
        && (column.equalsIgnoreCase(Merge.VALID_FROM)
            || column.equalsIgnoreCase(Merge.VALID_TO)
            || column.equalsIgnoreCase(Merge.IS_CURRENT));
  }

  /** The tombstone table's column holding when a tombstone was written (UTC wall-clock time). */
  public static final String TOMBSTONE_WRITTEN = "lakeplan_deleted_at";

  /**
   * The tombstone table's property holding how long its tombstones are kept (ISO-8601 duration),
   * which the target's {@code expire-snapshots} maintenance applies.
   */
  public static final String TOMBSTONE_RETENTION = "lakeplan.tombstone-retention";

  /**
   * The columns of merge {@code merge}'s tombstone table ({@link Merge#tombstoneTable()}): the
   * target's key columns, then its order columns ({@code orderColumns}, target names) not among
   * them. {@link #TOMBSTONE_WRITTEN} follows them.
   */
  public static List<String> tombstoneColumns(Merge merge, List<String> orderColumns) {
    List<String> columns = new java.util.ArrayList<>(merge.keys());
    for (String column : orderColumns) {
      if (columns.stream().noneMatch(column::equalsIgnoreCase)) {
        columns.add(column);
      }
    }
    return columns;
  }

  /**
   * What expire-snapshots says about the tombstones it removed from {@code table}, e.g. {@code ; 3
   * tombstones older than 7d removed from process.orders_tombstones}; empty for none.
   */
  public static String tombstonesRemoved(long removed, String retention, String table) {
    if (removed == 0) {
      return "";
    }
    return "; "
        + removed
        + (removed == 1 ? " tombstone" : " tombstones")
        + " older than "
        + retention
        + " removed from "
        + table;
  }

  /**
   * What a merge says about the changes it skipped for being older than the target's row, e.g.
   * {@code ; 3 late changes ignored (older than the target's updated_at)}; empty for none.
   */
  public static String lateChanges(long late, List<String> orderColumns) {
    if (late == 0) {
      return "";
    }
    return "; "
        + late
        + (late == 1 ? " late change ignored" : " late changes ignored")
        + " (older than the target's "
        + String.join(", ", orderColumns)
        + ")";
  }

  /**
   * Why a merge cannot run: its target keeps no column filled from order-by column {@code column},
   * so a late, older change could not be told from a newer one. One of the problems of a merge that
   * does not fit its tables.
   */
  public static String orderColumnNotKept(Merge merge, String column) {
    return "order-by column "
        + column
        + " has no column in "
        + merge.target()
        + " (keep it there, or map a column from it, so a late, older change cannot overwrite a"
        + " newer row)";
  }

  /**
   * Why merge {@code merge} refused its source: {@code rows} source rows have no value in at least
   * one of the key columns {@code columns} (source column names). Example: {@code Merge upsert: 3
   * source rows of raw.orders have no value for key column order_id; a key identifies a row, so
   * fill it upstream or filter those rows out of raw.orders (process.orders unchanged)}.
   */
  public static String nullKeys(Merge merge, long rows, List<String> columns) {
    return nullKeys(
        "Merge " + merge.id(), merge.source().toString(), merge.target().toString(), rows, columns);
  }

  /**
   * Why a JDBC ingestion that writes by key ({@code write-mode: merge}) refused its source: {@code
   * rows} rows of its window have no value in at least one of the key columns {@code columns}. In
   * SQL a null key matches nothing, so such a row would be inserted again by every run.
   */
  public static String nullKeys(JdbcIngestion ingestion, long rows, List<String> columns) {
    return nullKeys(
        "Ingestion " + ingestion.id(),
        ingestion.table() != null ? ingestion.table() : "the source query",
        ingestion.target().toString(),
        rows,
        columns);
  }

  private static String nullKeys(
      String task, String source, String target, long rows, List<String> columns) {
    String names =
        columns.size() == 1
            ? columns.get(0)
            : String.join(", ", columns.subList(0, columns.size() - 1))
                + " or "
                + columns.get(columns.size() - 1);
    return task
        + ": "
        + rows
        + (rows == 1 ? " source row of " : " source rows of ")
        + source
        + (rows == 1 ? " has" : " have")
        + " no value for key column"
        + (columns.size() == 1 ? " " : "s ")
        + names
        + "; a key identifies a row, so fill it upstream or filter those rows out of "
        + source
        + " ("
        + target
        + " unchanged)";
  }
}
