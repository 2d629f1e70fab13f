package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** Where a migration reads historical data: a file-system path or a Hive table, never both. */
@Value.Immutable
@JsonSerialize(as = ImmutableMigrationSource.class)
@JsonDeserialize(as = ImmutableMigrationSource.class)
public abstract class MigrationSource {
  /** A Hadoop file-system URI, e.g. {@code hdfs://namenode:8020/data/orders}; or null. */
  public abstract String path();

  /** A Hive table, {@code db.table}; or null. */
  public abstract String hiveTable();

  /** The format of the files. Default: PARQUET. */
  @Value.Default
  public FileFormat format() {
    return FileFormat.PARQUET;
  }

  /** A source at {@code path} in {@code format}. */
  public static MigrationSource path(String path, FileFormat format) {
    return builder().path(path).format(format).build();
  }

  /** A builder of sources. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link MigrationSource}; every setter is named after its property. */
  public static final class Builder extends ImmutableMigrationSource.Builder {}
}
