package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * A batch extraction of one table or query from a JDBC database into an Iceberg table. With an
 * incremental column, each run reads the window {@code (last watermark, upper bound captured at
 * start]}; the first run after a migration starts strictly after the migration watermark.
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

  /** The key columns of a MERGE write. */
  public abstract List<String> keys();

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

    /** Configures the connection with {@code spec}. */
    public Builder connection(Consumer<ImmutableJdbcConnection.Builder> spec) {
      ImmutableJdbcConnection.Builder builder = JdbcConnection.builder();
      spec.accept(builder);
      return connection(builder.build());
    }
  }
}
