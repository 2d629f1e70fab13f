package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;

/**
 * An Iceberg table Lakeplan creates and keeps: its schema, partition spec, sort order and
 * properties. Creating it is idempotent; drift between this definition and an existing table is
 * reported, never applied silently.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableTableDefinition.class)
@JsonDeserialize(as = ImmutableTableDefinition.class)
public abstract class TableDefinition {
  /** The property that turns on Iceberg's object-store file layout (hashed path prefixes). */
  public static final String OBJECT_STORAGE_PROPERTY = "write.object-storage.enabled";

  /** The table. Required. */
  public abstract TableId table();

  /** The columns, in order. At least one is required. */
  public abstract List<Column> columns();

  /** The partition spec; empty for an unpartitioned table. */
  public abstract List<PartitionField> partitionBy();

  /** The sort order data files are written in; empty for none. */
  public abstract List<SortField> sortBy();

  /** Extra Iceberg table properties, e.g. {@code write.parquet.compression-codec}. */
  public abstract Map<String, String> properties();

  /** The Iceberg format version, 1–3. Default: 2 (row-level deletes, needed by merges). */
  @Value.Default
  public int formatVersion() {
    return 2;
  }

  /**
   * Whether files are laid out for object stores (hashed prefixes spread S3 request load). Default:
   * true; turn it off only for tables read by tools that expect Hive-style paths.
   */
  @Value.Default
  public boolean objectStorageLayout() {
    return true;
  }

  /**
   * True when a system outside this workspace writes the table (another team's job, a tool):
   * Lakeplan creates it if it is missing, and validation accepts readers of it that nothing in the
   * workspace writes. Null (the default) means false.
   */
  public abstract Boolean external();

  /** Whether {@link #external()} is true. */
  public boolean isExternal() {
    return Boolean.TRUE.equals(external());
  }

  /** The properties the table is created with: {@link #properties()} plus the layout setting. */
  public Map<String, String> effectiveProperties() {
    Map<String, String> effective = new LinkedHashMap<>();
    effective.put(OBJECT_STORAGE_PROPERTY, Boolean.toString(objectStorageLayout()));
    effective.putAll(properties());
    return effective;
  }

  /** The declared column named {@code name}, or {@code null}. */
  public Column column(String name) {
    for (Column column : columns()) {
      if (column != null && column.name() != null && column.name().equals(name)) {
        return column;
      }
    }
    return null;
  }

  /** A builder of table definitions. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TableDefinition}; every setter is named after its property. */
  public static final class Builder extends ImmutableTableDefinition.Builder {
    /** Sets the table from its {@code namespace.name} text. */
    public Builder table(String table) {
      return table(TableId.parse(table));
    }

    /**
     * Appends an optional column of the type written {@code type}, as in a use-case file: {@code
     * long}, {@code decimal(10,2)}, {@code timestamptz}, …
     *
     * @throws IllegalArgumentException naming {@code type} when it is not a column type
     */
    public Builder column(String name, String type) {
      return addColumn(Column.of(name, type));
    }

    /**
     * Appends an optional column of {@code type}, e.g. {@link ColumnType#LONG} or {@link
     * ColumnType#decimal(int, int)}: the typed form of {@link #column(String, String)}, for types
     * computed in code rather than written out.
     */
    public Builder column(String name, ColumnType type) {
      return addColumn(Column.of(name, type));
    }

    /**
     * Appends a required (not null) column of the type written {@code type}.
     *
     * @throws IllegalArgumentException naming {@code type} when it is not a column type
     */
    public Builder requiredColumn(String name, String type) {
      return addColumn(
          Column.builder().name(name).type(ColumnType.parse(type)).required(true).build());
    }

    /**
     * Appends a required (not null) column of {@code type}: the typed form of {@link
     * #requiredColumn(String, String)}. Writes to the table fail on a null in it.
     */
    public Builder requiredColumn(String name, ColumnType type) {
      return addColumn(Column.builder().name(name).type(type).required(true).build());
    }

    /** Replaces the partition spec with fields written like {@code day(order_ts)}. */
    public Builder partitionBy(String... fields) {
      return partitionBy(Arrays.stream(fields).map(PartitionField::parse).toList());
    }

    /** Replaces the sort order with fields written like {@code order_ts desc}. */
    public Builder sortBy(String... fields) {
      return sortBy(Arrays.stream(fields).map(SortField::parse).toList());
    }
  }
}
