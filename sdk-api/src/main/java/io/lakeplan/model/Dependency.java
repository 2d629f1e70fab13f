package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A declared dependency on work outside this use case: another DAG ({@code
 * dag:customers.ingestion}) or a table ({@code table:raw.customers}), which resolves to the DAGs
 * that write it. Lakeplan also infers table dependencies from lineage; declare one only where
 * lineage cannot see it.
 */
public final class Dependency implements Comparable<Dependency> {
  /** What a dependency points at. */
  public enum Kind {
    DAG,
    TABLE
  }

  private final Kind kind;
  private final String target;

  private Dependency(Kind kind, String target) {
    this.kind = kind;
    this.target = target;
  }

  /** A dependency on DAG {@code dagId}. */
  public static Dependency onDag(String dagId) {
    if (dagId == null || dagId.isBlank()) {
      throw new IllegalArgumentException("Invalid dependency: blank DAG id");
    }
    return new Dependency(Kind.DAG, dagId);
  }

  /** A dependency on whatever writes {@code table}. */
  public static Dependency onTable(TableId table) {
    return new Dependency(Kind.TABLE, table.toString());
  }

  /** Parses {@code dag:ID} or {@code table:NAMESPACE.NAME}. */
  @JsonCreator
  public static Dependency parse(String text) {
    if (text != null && text.startsWith("dag:")) {
      return onDag(text.substring(4));
    }
    if (text != null && text.startsWith("table:")) {
      return onTable(TableId.parse(text.substring(6)));
    }
    throw new IllegalArgumentException(
        "Invalid dependency: '" + text + "' (write dag:ID or table:namespace.name)");
  }

  /** Whether this points at a DAG or a table. */
  public Kind kind() {
    return kind;
  }

  /** The DAG id, or the table as {@code namespace.name}. */
  public String target() {
    return target;
  }

  /** The table of a table dependency; {@code null} for a DAG dependency. */
  public TableId table() {
    return kind == Kind.TABLE ? TableId.parse(target) : null;
  }

  @JsonValue
  @Override
  public String toString() {
    return (kind == Kind.DAG ? "dag:" : "table:") + target;
  }

  @Override
  public int compareTo(Dependency other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Dependency that && kind == that.kind && target.equals(that.target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, target);
  }
}
