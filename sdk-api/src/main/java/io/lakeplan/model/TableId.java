package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * An Iceberg table in the catalog: a namespace and a table name, written {@code raw.orders}.
 *
 * <p>By convention the namespace is the lake layer ({@link Layer}); a use case may use any other
 * namespace. Parsing is lenient (any non-blank text around one dot) so that validation, not
 * parsing, reports unsafe names with their path.
 *
 * <p>Table identity is case-insensitive, as the catalogs Lakeplan writes to treat it: Glue (and
 * Hive) store database and table names in lower case, and Iceberg's {@code GlueCatalog} rejects
 * upper-case ones. A table id is therefore kept in lower case ({@link Locale#ROOT}): {@code
 * raw.Orders} and {@code raw.orders} are one table everywhere — validation, the plan, its assets
 * and pools, and every engine's catalog.
 */
public final class TableId implements Comparable<TableId> {
  private final String namespace;
  private final String name;

  /**
   * {@code namespace.name}, built once: plans sort and hash table ids many times (the planner's
   * maps and sets of tables), and building the text each time dominated those comparisons.
   */
  private final String qualified;

  private final int hash;

  private TableId(String namespace, String name) {
    this.namespace = namespace;
    this.name = name;
    this.qualified = namespace + "." + name;
    this.hash = Objects.hash(namespace, name);
  }

  /** A table in {@code namespace} named {@code name}, both kept in lower case. */
  public static TableId of(String namespace, String name) {
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid table namespace: '" + namespace + "' (must not be blank)");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Invalid table name: '" + name + "' (must not be blank)");
    }
    return new TableId(namespace.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
  }

  /** A table named {@code name} in the namespace of {@code layer}. */
  public static TableId of(Layer layer, String name) {
    return of(layer.namespace(), name);
  }

  /**
   * Parses {@code namespace.name}; the namespace is everything before the last dot.
   *
   * @throws IllegalArgumentException naming the text when it has no dot or a blank part
   */
  @JsonCreator
  public static TableId parse(String text) {
    int dot = text == null ? -1 : text.lastIndexOf('.');
    if (dot <= 0 || dot == text.length() - 1) {
      throw new IllegalArgumentException(
          "Invalid table: '" + text + "' (write it as namespace.name, e.g. raw.orders)");
    }
    return of(text.substring(0, dot), text.substring(dot + 1));
  }

  /** The catalog namespace, e.g. {@code raw}. */
  public String namespace() {
    return namespace;
  }

  /** The table name inside its namespace, e.g. {@code orders}. */
  public String name() {
    return name;
  }

  /** The layer this table's namespace names, or {@code null} when it names none. */
  public Layer layer() {
    return Layer.ofNamespace(namespace);
  }

  @JsonValue
  @Override
  public String toString() {
    return qualified;
  }

  @Override
  public int compareTo(TableId other) {
    return qualified.compareTo(other.qualified);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TableId that
        && namespace.equals(that.namespace)
        && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
