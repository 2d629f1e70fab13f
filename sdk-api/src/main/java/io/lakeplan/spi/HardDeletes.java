package io.lakeplan.spi;

import io.lakeplan.model.TableId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * What every engine decides and says the same way in a hard delete: the cut-off in effect, the
 * refusal to start when a tag or branch still holds rows before it, the pending marker, and the
 * texts of the dry run, the result and a failed proof.
 *
 * <p>The steps, in every engine: refuse to start while a tag or branch other than {@code main}
 * returns a row before the cut-off (nothing changes); set the table property {@value
 * #PENDING_PROPERTY} to the cut-off; delete the rows; rewrite the data files that delete files
 * mask, so no live file holds a deleted row; rewrite the current snapshot's data manifests that
 * keep entries of removed files (Iceberg keeps a removed file's entry, status DELETED, with its
 * column bounds — values of the rows it held — in the manifests of the snapshot that removed it and
 * carries those manifests forward) into manifests of live entries only; expire every snapshot but
 * the current one and those refs name, which deletes the manifests no remaining snapshot reaches;
 * prove that no remaining snapshot's data files hold such a row and that no data manifest a
 * remaining snapshot reaches keeps the entry of a removed file that could have held one (by its
 * lower bound of the column, or unknown bounds); remove the property. A run killed or failed after
 * the delete leaves the property set, so the table says a hard delete is unfinished, and the next
 * run completes it with the later of the two cut-offs.
 *
 * <p>Not covered: the table's earlier metadata JSON files (snapshots, schemas, properties, no
 * column values) and files outside the table's metadata (logs, copies).
 */
public final class HardDeletes {

  /** The table property naming the cut-off of a hard delete that started and is not proven. */
  public static final String PENDING_PROPERTY = "lakeplan.hard-delete.pending";

  /**
   * The table properties naming the newest proven hard delete: its column and its cut-off. A merge
   * into the table leaves source rows before that cut-off out, so a full re-read of a source that
   * still holds them (after a compaction or snapshot expiry on the source) never brings back what
   * the hard delete removed.
   */
  public static final String COLUMN_PROPERTY = "lakeplan.hard-delete.column";

  /** See {@link #COLUMN_PROPERTY}: the cut-off, an ISO-8601 instant. */
  public static final String CUTOFF_PROPERTY = "lakeplan.hard-delete.cutoff";

  private HardDeletes() {}

  /** A proven hard delete's column and cut-off, as a table remembers it. */
  public record Retention(String column, Instant cutoff) {

    /** The retention a table's properties hold, or null when no hard delete was proven on it. */
    public static Retention of(Map<String, String> properties) {
      String column = properties.get(COLUMN_PROPERTY);
      Instant cutoff = pendingCutoff(properties.get(CUTOFF_PROPERTY));
      return column == null || column.isBlank() || cutoff == null
          ? null
          : new Retention(column, cutoff);
    }

    /**
     * The properties to set once a hard delete of {@code column} up to {@code cutoff} is proven:
     * never an earlier cut-off for the same column than {@code properties} already hold.
     */
    public static Map<String, String> after(
        Map<String, String> properties, String column, Instant cutoff) {
      Retention recorded = of(properties);
      Instant kept =
          recorded != null && recorded.column().equals(column) && recorded.cutoff().isAfter(cutoff)
              ? recorded.cutoff()
              : cutoff;
      return Map.of(COLUMN_PROPERTY, column, CUTOFF_PROPERTY, kept.toString());
    }

    /**
     * How a merge's summary says it left rows out: {@code ; source rows with updated_at <
     * 2024-01-31T00:00:00Z left out (the hard-delete cut-off of process.orders)}.
     */
    public String mergeSummary(TableId target) {
      return "; source rows with "
          + condition(column, cutoff)
          + " left out (the hard-delete cut-off of "
          + target
          + ")";
    }
  }

  /**
   * The cut-off in effect: the later of {@code cutoff} and the pending one ({@code pending} null or
   * unreadable: {@code cutoff}), so a re-run never deletes less than the run it completes.
   */
  public static Instant effectiveCutoff(Instant cutoff, String pending) {
    Instant earlier = pendingCutoff(pending);
    return earlier != null && earlier.isAfter(cutoff) ? earlier : cutoff;
  }

  /** The cut-off recorded in {@value #PENDING_PROPERTY}, or null when there is none. */
  public static Instant pendingCutoff(String pending) {
    if (pending == null || pending.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(pending.trim());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The condition as results show it: {@code updated_at < 2024-01-31T00:00:00Z}. */
  public static String condition(String column, Instant cutoff) {
    return column + " < " + cutoff;
  }

  /** A retention that keeps rows: {@code tag 'audit' (snapshot 42) returns 3 row(s)}. */
  public static String retained(String ref, boolean tag, long snapshotId, long rows) {
    return (tag ? "tag '" : "branch '")
        + ref
        + "' (snapshot "
        + snapshotId
        + ") returns "
        + rows
        + " row(s)";
  }

  /** Why a hard delete did not start: refs hold rows before the cut-off; nothing was changed. */
  public static String notStarted(TableId table, List<String> retained, String condition) {
    return "Hard delete of "
        + table
        + " not started: "
        + String.join("; ", retained)
        + " with "
        + condition
        + ", and a hard delete cannot remove them while it is kept; remove that tag or branch (or"
        + " the old rows on it) and run the hard delete again (nothing was changed)";
  }

  /**
   * One snapshot the proof found rows in: {@code snapshot 42 (retained by tag 'audit') still holds
   * 3 row(s) in its data files}.
   */
  public static String violation(long snapshotId, List<String> refs, long rows) {
    return "snapshot "
        + snapshotId
        + (refs.isEmpty() ? "" : " (retained by " + String.join(", ", refs) + ")")
        + " still holds "
        + rows
        + " row(s) in its data files";
  }

  /**
   * One manifest the proof found removed files' entries in: {@code snapshot 42 (retained by tag
   * 'audit') reaches manifest s3://…/m0.avro, which keeps 2 entries of removed data files whose
   * bounds allow rows before the cutoff}.
   */
  public static String removedFileEntries(
      long snapshotId, List<String> refs, String manifest, long entries) {
    return "snapshot "
        + snapshotId
        + (refs.isEmpty() ? "" : " (retained by " + String.join(", ", refs) + ")")
        + " reaches manifest "
        + manifest
        + ", which keeps "
        + entries
        + (entries == 1 ? " entry" : " entries")
        + " of removed data files whose bounds allow rows before the cutoff";
  }

  /** Why a started hard delete is not proven; the table stays marked pending. */
  public static String notProven(TableId table, List<String> violations, String condition) {
    return "Hard delete of "
        + table
        + " is not proven: "
        + String.join("; ", violations)
        + " with "
        + condition
        + ". The rows are deleted from the current snapshot and "
        + PENDING_PROPERTY
        + " stays set; run the hard delete again to complete it";
  }

  /** The dry run's summary. */
  public static String dryRun(
      TableId table, long rows, String condition, long expiring, Instant pending) {
    return "dry run: would delete "
        + rows
        + " rows of "
        + table
        + " with "
        + condition
        + " and expire "
        + expiring
        + " snapshot(s)"
        + (pending == null ? "" : "; completes the unfinished hard delete up to " + pending);
  }

  /** The summary of a proven hard delete. */
  public static String succeeded(
      TableId table, long rows, String condition, int expired, int remaining, Instant pending) {
    return "deleted "
        + rows
        + " rows of "
        + table
        + " with "
        + condition
        + "; expired "
        + expired
        + " snapshot(s); proof: 0 rows before the cutoff in the "
        + remaining
        + " remaining snapshot(s)"
        + (pending == null ? "" : "; completed the unfinished hard delete up to " + pending);
  }

  /**
   * Why a hard delete fails on a column that holds no time, the same in every engine: {@code
   * "Hard-delete column amount of raw.orders is int; it must be a date, timestamp or timestamptz
   * column"}.
   *
   * @param type the column's type as Iceberg names it
   */
  public static String columnNotATime(String column, TableId table, String type) {
    return "Hard-delete column "
        + column
        + " of "
        + table
        + " is "
        + type
        + "; it must be a date, timestamp or timestamptz column";
  }
}
