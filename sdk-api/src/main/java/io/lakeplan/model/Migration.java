package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * Moves one historical data set into an Iceberg table: create the table, copy the files to a
 * landing area (when a landing location is set), convert them into the table, reconcile source and
 * target, and record the migration watermark that ingestion starts after.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableMigration.class)
@JsonDeserialize(as = ImmutableMigration.class)
public abstract class Migration {
  /** The step id, unique in the use case; task ids derive from it. Required. */
  public abstract String id();

  /** Where the historical data is. Required. */
  public abstract MigrationSource source();

  /**
   * Where files are copied before conversion (e.g. an S3 prefix); null to convert straight from the
   * source.
   */
  public abstract String landing();

  /** The Iceberg table the data lands in. Required. */
  public abstract TableDefinition target();

  /** How data is converted. Default: REWRITE. */
  @Value.Default
  public ConversionMode mode() {
    return ConversionMode.REWRITE;
  }

  /**
   * The column whose maximum is recorded as the migration watermark, so that ingestion continues
   * strictly after it; null when the table gets no ingestion.
   */
  public abstract String watermarkColumn();

  /** How source and target are reconciled after conversion. Default: FULL. */
  @Value.Default
  public ReconcileLevel reconcile() {
    return ReconcileLevel.FULL;
  }

  /**
   * What a run does when the input (its files or Hive table) brings columns the target lacks: fail
   * before writing (the default), add them to the target in the run's commit ({@code
   * append-new-columns}), or drop them ({@code ignore}). Change it when the source is expected to
   * grow. Mode add-files registers files as they are and takes only fail or ignore.
   */
  @Value.Default
  public SchemaChangePolicy onSchemaChange() {
    return SchemaChangePolicy.FAIL;
  }

  /** A builder of migrations. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Migration}; every setter is named after its property. */
  public static final class Builder extends ImmutableMigration.Builder {
    /** Reads {@code format} files under the file-system URI {@code path}. */
    public Builder fromPath(String path, FileFormat format) {
      return source(MigrationSource.path(path, format));
    }

    /** Reads the Hive table {@code table}, stored as {@code format}. */
    public Builder fromHiveTable(String table, FileFormat format) {
      return source(MigrationSource.builder().hiveTable(table).format(format).build());
    }

    /** Defines the target table {@code table} with {@code spec}. */
    public Builder target(String table, Consumer<TableDefinition.Builder> spec) {
      TableDefinition.Builder builder = TableDefinition.builder().table(table);
      spec.accept(builder);
      return target(builder.build());
    }
  }
}
