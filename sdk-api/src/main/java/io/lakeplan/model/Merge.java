package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * An incremental upsert with Iceberg {@code MERGE INTO}: source rows matched by {@link #keys()}
 * update the target, others are inserted, and rows matching {@link #deleteWhen()} delete their
 * match. Only one source row per key counts: the greatest by {@link #orderBy()}, among equals (or
 * without it) the latest to arrive. Incremental merges read only source snapshots not yet merged,
 * so a re-run without new data changes nothing.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableMerge.class)
@JsonDeserialize(as = ImmutableMerge.class)
public abstract class Merge {
  /** The step id, unique in the use case. Required. */
  public abstract String id();

  /** The table merged into. Required. */
  public abstract TableId target();

  /** The source table; set this or {@link #sqlFile()}. */
  public abstract TableId source();

  /** A user-supplied SQL file with the whole statement; set this or {@link #source()}. */
  public abstract String sqlFile();

  /**
   * The key columns that match source and target rows. Required with a source table. Every source
   * row must have a value in each of them: a null key matches nothing (as in SQL), so a merge whose
   * source has rows without one fails before it writes anything, naming the rows' count and the
   * column.
   */
  public abstract List<String> keys();

  /**
   * The columns that order the versions of a key, within a run and across runs, compared in turn
   * (the second decides only between equal values of the first, and so on; e.g. {@code [updated_at,
   * lsn]}). Within a run, the source row with the greatest values wins (a null is older than any
   * value), and among equal values the latest arrival. Across runs, that row updates or deletes its
   * target row only when it is not older than the target row's values (kept in the target columns
   * filled from these columns, which the target must have): a change delivered late is skipped and
   * counted in the task's summary, so "latest wins" holds however the changes arrive. A target row
   * without a value in an order column is older than any change that has one. Empty (the default):
   * the latest arrival wins, and every change applies. A row's arrival is the data sequence number
   * of its file (the commit that added it), then the file's path, then its position in the file; so
   * duplicates of a key never fail a merge, and a full re-read of the same files keeps the row the
   * incremental reads kept. In YAML one column may be written without a list: {@code order-by:
   * updated_at}.
   */
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
  public abstract List<String> orderBy();

  /** Source rows that delete their matching target row, e.g. {@code op = 'D'}. */
  public abstract Condition deleteWhen();

  /**
   * What the target keeps of a key's versions. Default: {@link MergeHistory#SCD1}, the latest only.
   * With {@link MergeHistory#SCD2} every source row is a version of its key: the target keeps one
   * row per key and {@link #orderBy()} value (one order-by column, required), with three columns
   * Lakeplan fills — {@value #VALID_FROM} (the version's order value), {@value #VALID_TO} (the next
   * version's, or the delete's that ended it; null while current) and {@value #IS_CURRENT} — which
   * the target must declare. A delete closes the key's current version; a change delivered late
   * slots into the history in order, closing the version before it; a version with the order value
   * of an existing one replaces it (the later arrival wins, as in SCD1).
   */
  @Value.Default
  public MergeHistory history() {
    return MergeHistory.SCD1;
  }

  /** The SCD2 target column holding when a version became valid. */
  public static final String VALID_FROM = "valid_from";

  /** The SCD2 target column holding when a version stopped being valid (null while current). */
  public static final String VALID_TO = "valid_to";

  /** The SCD2 target column flagging a key's current version. */
  public static final String IS_CURRENT = "is_current";

  /**
   * How long a delete is remembered, so that a change older than the delete, arriving after it,
   * cannot bring the deleted row back. A delete (a source row matching {@link #deleteWhen()})
   * leaves a tombstone — its key and {@link #orderBy()} values — in table {@link
   * #tombstoneTable()}; a change for a key without a target row inserts only when it is not older
   * than the key's tombstone, and is otherwise skipped and counted with the late changes. The
   * target's {@code expire-snapshots} maintenance removes tombstones written longer ago than this.
   * Null (the default): 7 days for a merge with a delete condition and order-by columns (without
   * either there is nothing to remember or nothing to compare); {@code 0}: no tombstones.
   */
  public abstract Duration tombstoneRetention();

  /** The tombstone retention in effect: null when the merge keeps no tombstones. */
  public Duration effectiveTombstoneRetention() {
    // SCD2 history keeps the deletes itself
    if (deleteWhen() == null
        || orderBy().isEmpty()
        || target() == null
        || history() == MergeHistory.SCD2) {
      return null;
    }
    Duration retention = tombstoneRetention() == null ? Duration.ofDays(7) : tombstoneRetention();
    return retention.isZero() ? null : retention;
  }

  /** The table of this merge's tombstones: {@link #tombstoneTableOf} its target. */
  public TableId tombstoneTable() {
    return tombstoneTableOf(target());
  }

  /**
   * The tombstone table of merges into {@code target}: its name with {@code _tombstones}, in its
   * namespace.
   */
  public static TableId tombstoneTableOf(TableId target) {
    return TableId.of(target.namespace(), target.name() + "_tombstones");
  }

  /** Target column → source column, for columns named differently. */
  public abstract Map<String, String> columns();

  /** Whether only source snapshots not yet merged are read. Default: true. */
  @Value.Default
  public boolean incremental() {
    return true;
  }

  /** The source column that feeds target column {@code targetColumn}. */
  public String sourceColumn(String targetColumn) {
    return columns().getOrDefault(targetColumn, targetColumn);
  }

  /**
   * The target columns that keep {@link #orderBy()}'s values, in its order: of {@code
   * targetColumns}, the one fed by each order-by column (any case); empty without order-by columns,
   * null when the target keeps no column for one of them.
   */
  public List<String> orderByTargetColumns(List<String> targetColumns) {
    List<String> kept = new ArrayList<>();
    for (String order : orderBy()) {
      String column = targetColumnOf(order, targetColumns);
      if (column == null) {
        return null;
      }
      kept.add(column);
    }
    return kept;
  }

  /** Of {@code targetColumns}, the one fed by source column {@code source} (any case), or null. */
  public String targetColumnOf(String source, List<String> targetColumns) {
    for (String column : targetColumns) {
      if (sourceColumn(column).equalsIgnoreCase(source)) {
        return column;
      }
    }
    return null;
  }

  /** A builder of merges. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Merge}; every setter is named after its property. */
  public static final class Builder extends ImmutableMerge.Builder {
    /** Sets the target from its {@code namespace.name} text. */
    public Builder target(String table) {
      return target(TableId.parse(table));
    }

    /** Sets the source from its {@code namespace.name} text. */
    public Builder source(String table) {
      return source(TableId.parse(table));
    }

    /** Sets the order-by columns, compared in this order, e.g. {@code updated_at, lsn}. */
    public Builder orderBy(String... columns) {
      orderBy(Arrays.asList(columns));
      return this;
    }

    /** Parses and sets the delete condition, e.g. {@code op = 'D'}. */
    public Builder deleteWhen(String condition) {
      return deleteWhen(Condition.parse(condition));
    }
  }
}
