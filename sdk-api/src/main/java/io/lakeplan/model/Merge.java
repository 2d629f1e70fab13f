package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * An incremental upsert with Iceberg {@code MERGE INTO}: source rows matched by {@link #keys()}
 * update the target, others are inserted, and rows matching {@link #deleteWhen()} delete their
 * match. With an ordering column, only the latest source row per key counts. Incremental merges
 * read only source snapshots not yet merged, so a re-run without new data changes nothing.
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

  /** The key columns that match source and target rows. Required with a source table. */
  public abstract List<String> keys();

  /** The column that orders duplicates of a key: the greatest wins. Null: no dedupe. */
  public abstract String orderBy();

  /** Source rows that delete their matching target row, e.g. {@code op = 'D'}. */
  public abstract Condition deleteWhen();

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

    /** Parses and sets the delete condition, e.g. {@code op = 'D'}. */
    public Builder deleteWhen(String condition) {
      return deleteWhen(Condition.parse(condition));
    }
  }
}
