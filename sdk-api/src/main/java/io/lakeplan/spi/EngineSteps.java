package io.lakeplan.spi;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.TableId;
import io.lakeplan.model.WriteMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps every engine takes the same way once it has read its data: turning a column value into a
 * watermark, moving a migrated table's watermark in the store, and describing a JDBC ingestion's
 * window. The engines differ in how they find a column's maximum or write a window; what they then
 * decide and report must not differ (the conformance suite compares them).
 */
public final class EngineSteps {

  private static final Logger LOG = LoggerFactory.getLogger(EngineSteps.class);

  private EngineSteps() {}

  /**
   * {@code value} of watermark column {@code column} as a watermark.
   *
   * @param failure the engine's task failure for a message
   * @throws RuntimeException from {@code failure}, naming the column and the value's type, when the
   *     column is not a timestamp, date, integer or decimal column
   */
  public static Watermark toWatermark(
      Object value, String column, Function<String, ? extends RuntimeException> failure) {
    try {
      return Watermark.ofValue(value);
    } catch (IllegalArgumentException e) {
      throw failure.apply(
          "Watermark column "
              + column
              + " has values of type "
              + value.getClass().getSimpleName()
              + " (must be a timestamp, date, integer or decimal column)");
    }
  }

  /**
   * A migration's record-watermark step after the engine found {@code max}, the largest value of
   * {@code column} in {@code table} (null when it has none): the store's watermark of the table
   * moves to it, by compare-and-set. A store already past it (an ingestion moved it on since the
   * migration) keeps its value and the step succeeds, saying so.
   *
   * @param failure the engine's task failure for a message
   * @return the step's result, saying what moved
   * @throws RuntimeException from {@code failure} when the value is no watermark or the store's
   *     watermark changed concurrently
   */
  public static TaskResult recordWatermark(
      WatermarkStore store,
      TableId table,
      String column,
      Object max,
      Function<String, ? extends RuntimeException> failure) {
    String key = table.toString();
    if (max == null) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "table " + key + " has no " + column + " values; no watermark");
    }
    Watermark next = toWatermark(max, column, failure);
    Watermark current = store.get(key).orElse(null);
    if (next.equals(current)) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "watermark of " + key + " already at " + next);
    }
    if (current != null && current.type() == next.type() && next.compareTo(current) < 0) {
      // an ingestion moved it on since the migration: the store never moves back, and the rows
      // up to it are in the table, so nothing is lost by keeping it
      return TaskResult.succeeded(
          0,
          0,
          0,
          Duration.ZERO,
          "watermark of "
              + key
              + " already at "
              + current
              + ", after the migration's "
              + next
              + "; kept (the store never moves back)");
    }
    if (!store.compareAndSet(key, current, next)) {
      throw failure.apply(
          "Watermark of " + key + " changed concurrently (expected " + current + "); re-run");
    }
    return TaskResult.succeeded(
        0,
        0,
        0,
        Duration.ZERO,
        "watermark of "
            + key
            + " moved from "
            + (current == null ? "none" : current)
            + " to "
            + next);
  }

  /**
   * The summary of a JDBC ingestion that wrote {@code rows} rows of {@code window}, e.g. {@code
   * appended 2 rows of [timestamp:…, timestamp:…] into raw.orders; watermark timestamp:…; 3 rows
   * already ingested skipped (lookback 10m)}; the last part only when {@code skipped}, the rows the
   * window read again that were already in the target, is not zero.
   */
  public static String jdbcSummary(
      JdbcIngestion ingestion, long rows, long skipped, JdbcWindow window) {
    return (ingestion.writeMode() == WriteMode.MERGE ? "merged " : "appended ")
        + rows
        + " rows of "
        + window
        + " into "
        + ingestion.target()
        + "; watermark "
        + window.upTo()
        + (skipped > 0
            ? "; "
                + skipped
                + (skipped == 1 ? " row" : " rows")
                + " already ingested skipped (lookback "
                + ingestion.lookback()
                + ")"
            : "");
  }

  /**
   * The summary of a JDBC ingestion whose window holds no source row: the source's greatest value
   * is at or before the last watermark ({@code no rows after …}) or, with a lookback, before the
   * window's start ({@code no rows at or after …}).
   */
  public static String jdbcNothingToRead(JdbcIngestion ingestion, JdbcWindow window) {
    return (window.rereads()
            ? "no rows at or after " + window.from() + " (lookback " + ingestion.lookback() + ")"
            : "no rows after " + window.after())
        + " in the source of "
        + ingestion.id()
        + "; nothing ingested";
  }

  /**
   * Why a JDBC ingestion with a lookback cannot run: its target lacks {@code missing}, some of the
   * key and incremental columns that recognise a row already ingested.
   */
  public static String jdbcLookbackColumnsMissing(JdbcIngestion ingestion, List<String> missing) {
    List<String> identity = new ArrayList<>(ingestion.keys());
    identity.add(ingestion.incrementalColumn());
    return "Ingestion "
        + ingestion.id()
        + ": lookback recognises the rows already ingested by "
        + String.join(", ", identity)
        + ", but target "
        + ingestion.target()
        + " has no column "
        + String.join(", ", missing)
        + "; add it to the target, or remove lookback ("
        + ingestion.target()
        + " unchanged)";
  }

  /**
   * What a JDBC ingestion says about the source rows whose incremental column has no value: no
   * window can hold them, so they are never read; empty when there are none.
   */
  public static String jdbcUnread(JdbcIngestion ingestion, long rowsWithoutValue) {
    if (rowsWithoutValue <= 0) {
      return "";
    }
    String column = ingestion.incrementalColumn();
    return "; "
        + rowsWithoutValue
        + " source rows have no "
        + column
        + " and are never read (no window on "
        + column
        + " holds a null): give them a value, or make "
        + column
        + " NOT NULL";
  }

  /**
   * Why an engine that does not run a team's own Spark job fails its task: the job, the engine,
   * where the job does run (local Spark through {@code spark-submit}, EMR Serverless, the rendered
   * Airflow DAG) and how to leave the task out.
   *
   * @param engine the engine's {@link Engine#name()}
   * @param leaveOut how to leave the task out of this engine's run
   */
  public static String sparkJobNotRun(String engine, SparkJob job, String leaveOut) {
    return "Spark job "
        + job.id()
        + " (a team's own entry point) is not run by the "
        + engine
        + " engine: it runs on local Spark (lakeplan run, through spark-submit), on EMR"
        + " Serverless (lakeplan run --on emr-serverless) and in the rendered Airflow DAG;"
        + " leave the task out of "
        + leaveOut;
  }

  /**
   * Why a task fails when a column it names is not in its table, the same in every engine: {@code
   * "Hard-delete column deleted_at is not a column of raw.orders (columns: order_id, status)"}.
   *
   * @param what what the column is for, capitalised as the message's start ({@code Hard-delete
   *     column}, {@code Sort column})
   */
  public static String notAColumn(String what, String column, TableId table, List<String> columns) {
    return what
        + " "
        + column
        + " is not a column of "
        + table
        + " (columns: "
        + String.join(", ", columns)
        + ")";
  }

  /** Why a SORT compaction fails when neither the task nor the table gives a sort order. */
  public static String compactWithoutSortOrder(TableId table) {
    return "Cannot compact "
        + table
        + " with strategy SORT: neither the task's sort-by nor the table has a sort order"
        + " (set sort-by on the compact task, or sort-by in the table definition)";
  }

  /** Why a compaction fails when a sort-by column is not in its table. */
  public static String compactSortColumnMissing(
      TableId table, String column, List<String> columns) {
    return "Cannot compact " + table + ": " + notAColumn("sort column", column, table, columns);
  }

  /**
   * Where a JDBC ingestion's window starts: after the store's watermark, unless the target's last
   * commit carries a later one (the run that committed it stopped before the store update) — then
   * the store is repaired first and the window starts after the committed one. Null for a first run
   * with no watermark anywhere.
   *
   * @param committed the watermark the target's last ingestion commit carries, or null
   * @param failure builds the engine's task failure when the store changed during the repair
   */
  public static Watermark jdbcWindowStart(
      JdbcIngestion ingestion,
      WatermarkStore store,
      Watermark committed,
      Function<String, ? extends RuntimeException> failure) {
    String key = ingestion.target().toString();
    Watermark stored = store.get(key).orElse(null);
    Watermark after = stored;
    boolean repaired = committed != null && (stored == null || committed.compareTo(stored) > 0);
    if (repaired) {
      LOG.warn(
          "Ingestion {}: table {} is ahead of the watermark store ({} > {}); repairing the store",
          ingestion.id(),
          key,
          committed,
          stored);
      if (!store.compareAndSet(key, stored, committed)) {
        throw failure.apply(
            "Watermark of " + key + " changed while repairing it; re-run the ingestion");
      }
      after = committed;
    }
    LOG.info(
        "Ingestion {} starts after {} (decided by {})",
        ingestion.id(),
        after == null ? "the beginning" : after,
        after == null
            ? "no watermark anywhere"
            : repaired ? "the table's last commit" : "the watermark store");
    return after;
  }

  /**
   * Moves the store's watermark of {@code key} to {@code upTo} after the data and its watermark are
   * committed, never backwards; a concurrent change is left for the next run, which repairs the
   * store from the table ({@link #jdbcWindowStart}).
   */
  public static void advanceStore(WatermarkStore store, String key, Watermark upTo) {
    Watermark current = store.get(key).orElse(null);
    if (current == null || upTo.compareTo(current) > 0) {
      if (!store.compareAndSet(key, current, upTo)) {
        LOG.warn(
            "Watermark of {} changed concurrently; the next run repairs it from the table", key);
      }
    }
  }

  /** The summary of a JDBC ingestion whose source has no incremental value at all. */
  public static String jdbcSourceEmpty(JdbcIngestion ingestion, String unread) {
    return "source of " + ingestion.id() + " is empty; nothing ingested" + unread;
  }

  /** Why a task fails on a table its plan should have created first. */
  public static String tableMissing(TableId table) {
    return "Table " + table + " does not exist (its create-table task must run first)";
  }

  /** The summary of a remove-old-metadata task. */
  public static String oldMetadataRemoved(TableId table, int removed, int keep) {
    return "removed "
        + removed
        + " previous metadata file(s) of "
        + table
        + "; keeping at most "
        + keep;
  }

  /** The summary of a rewrite-manifests task on a table without a snapshot. */
  public static String noManifests(TableId table) {
    return "no manifests to rewrite in " + table + " (no snapshot)";
  }

  /** The summary of a dry run of remove-orphans: what a real run would delete. */
  public static String orphansFound(TableId table, int found, java.time.Instant cutoff) {
    return "found "
        + found
        + " orphan file(s) older than "
        + cutoff
        + " in "
        + table
        + " (dry run: nothing deleted)";
  }

  /** The summary of remove-orphans. */
  public static String orphansDeleted(TableId table, int deleted, java.time.Instant cutoff) {
    return "deleted " + deleted + " orphan file(s) older than " + cutoff + " from " + table;
  }

  /** The summary of rewrite-manifests: {@code rewritten} manifests replaced by {@code added}. */
  public static String manifestsRewritten(TableId table, int rewritten, int added) {
    return rewritten == 0
        ? "no manifests to rewrite in " + table
        : "rewrote " + rewritten + " manifest(s) of " + table + " into " + added;
  }

  /** The summary of expire-snapshots: how many went, the cut-off and how many remain. */
  public static String snapshotsExpired(
      TableId table, int expired, java.time.Instant cutoff, int remaining) {
    return "expired "
        + expired
        + " snapshot(s) of "
        + table
        + " older than "
        + cutoff
        + "; "
        + remaining
        + " remain";
  }
}
