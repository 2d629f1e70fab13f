package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * A batch extraction of one table or query from a JDBC database into an Iceberg table. With an
 * incremental column, each run reads the window {@code (last watermark, upper bound captured at
 * start]}; the first run after a migration starts strictly after the migration watermark. With a
 * {@link #lookback()}, each run reads {@code [last watermark - lookback, upper bound]} instead and
 * skips the rows already in the target, so that rows committed late with a value at or below the
 * watermark are read too.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableJdbcIngestion.class)
@JsonDeserialize(as = ImmutableJdbcIngestion.class)
public abstract class JdbcIngestion {
  /** The step id, unique in the use case. Required. */
  public abstract String id();

  /** The database. Required. */
  public abstract JdbcConnection connection();

  /** The source table, {@code schema.table}; set this or {@link #query()}. */
  public abstract String table();

  /** A source query; set this or {@link #table()}. */
  public abstract String query();

  /** The column whose maximum is the watermark; null reads everything every run. */
  public abstract String incrementalColumn();

  /**
   * How far before the last watermark each run reads again; null (the default) for none.
   *
   * <p>Without a lookback a run reads {@code (last watermark, upper bound]}: a row committed after
   * a run with an incremental value at or below that run's watermark (two rows in the same second,
   * a long transaction committing late, a sequence value taken before a commit that came later) is
   * never read. With one, a run reads {@code [last watermark - lookback, upper bound]} (the start
   * included, so even a lookback of zero reads the rows equal to the watermark again) and skips
   * every row whose {@link #keys()} and incremental value are already in the target, in append and
   * merge mode alike; so a lookback needs {@link #keys()} and a target that keeps the key and
   * incremental columns. Set it to the longest time (or number of the column's units) a row can
   * take to commit after its value was taken. A {@link Lookback.Kind#DURATION duration} for a
   * timestamp or date column, an {@link Lookback.Kind#AMOUNT amount} for an integer or decimal one;
   * the first run after a migration looks back from the migration's watermark the same way. Must
   * not be negative; needs {@link #incrementalColumn()}.
   */
  public abstract Lookback lookback();

  /** Parallel range reads; null for a single query. */
  public abstract PartitionedRead partitionedRead();

  /** Rows fetched per round trip. Default: 10000. */
  @Value.Default
  public int fetchSize() {
    return 10_000;
  }

  /** The Iceberg table written. Required. */
  public abstract TableId target();

  /** Append, or merge by {@link #keys()}. Default: APPEND. */
  @Value.Default
  public WriteMode writeMode() {
    return WriteMode.APPEND;
  }

  /**
   * The key columns: what a MERGE write matches on, and with a {@link #lookback()} what (with the
   * incremental value) recognises a row already ingested. Required for either.
   */
  public abstract List<String> keys();

  /**
   * What a run does when the source table or query brings columns the target lacks: fail before
   * writing (the default), add them to the target in the run's commit ({@code append-new-columns}),
   * or drop them ({@code ignore}). Change it when the source is expected to grow. The source's
   * columns are compared with the target's by name, ignoring case.
   */
  @Value.Default
  public SchemaChangePolicy onSchemaChange() {
    return SchemaChangePolicy.FAIL;
  }

  /** A builder of JDBC ingestions. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JdbcIngestion}; every setter is named after its property. */
  public static final class Builder extends ImmutableJdbcIngestion.Builder {
    /** Sets the target from its {@code namespace.name} text. */
    public Builder target(String table) {
      return target(TableId.parse(table));
    }

    /** Sets a {@link Lookback#of(java.time.Duration) duration lookback}. */
    public Builder lookback(java.time.Duration lookback) {
      return lookback(Lookback.of(lookback));
    }

    /** Sets an {@link Lookback#ofAmount(long) amount lookback} of the column's units. */
    public Builder lookback(long lookback) {
      return lookback(Lookback.ofAmount(lookback));
    }

    /** Configures the connection with {@code spec}. */
    public Builder connection(Consumer<JdbcConnection.Builder> spec) {
      JdbcConnection.Builder builder = JdbcConnection.builder();
      spec.accept(builder);
      return connection(builder.build());
    }
  }
}
