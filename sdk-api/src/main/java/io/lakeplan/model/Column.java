package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/** A column of a declared table or record schema. */
@Value.Immutable
@JsonSerialize(as = ImmutableColumn.class)
@JsonDeserialize(as = ImmutableColumn.class)
public abstract class Column {
  /** The column name; must be a safe SQL identifier. Required. */
  public abstract String name();

  /** The column type. Required. */
  public abstract ColumnType type();

  /** Whether the column may never hold null. Default: false. */
  @Value.Default
  public boolean required() {
    return false;
  }

  /** A description for catalog users; may be null. */
  public abstract String doc();

  /** An optional column {@code name} of {@code type}. */
  public static Column of(String name, ColumnType type) {
    return builder().name(name).type(type).build();
  }

  /** A column {@code name} of the type written {@code type}, e.g. {@code decimal(10,2)}. */
  public static Column of(String name, String type) {
    return of(name, ColumnType.parse(type));
  }

  /** A builder of columns. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Column}; every setter is named after its property. */
  public static final class Builder extends ImmutableColumn.Builder {}
}
