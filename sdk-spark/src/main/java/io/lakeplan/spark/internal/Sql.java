package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.Identifiers;
import io.lakeplan.model.TableId;
import io.lakeplan.spark.LakeplanCatalog;

/** Safe SQL text: every identifier is validated before it is back-quoted. */
final class Sql {

  private Sql() {}

  /**
   * {@code name} back-quoted.
   *
   * @throws IllegalArgumentException naming the identifier when it is not a plain SQL identifier
   */
  static String quote(String name) {
    if (!Identifiers.isSafeSqlIdentifier(name)) {
      throw new IllegalArgumentException(
          "Unsafe SQL identifier: '"
              + name
              + "' (must match [A-Za-z_][A-Za-z0-9_]*, at most 128 characters)");
    }
    return "`" + name + "`";
  }

  /** The table's fully qualified, quoted name in the {@code lakeplan} catalog. */
  static String table(TableId table) {
    return LakeplanCatalog.NAME + "." + quote(table.namespace()) + "." + quote(table.name());
  }

  /** The table's quoted namespace in the {@code lakeplan} catalog. */
  static String namespace(TableId table) {
    return LakeplanCatalog.NAME + "." + quote(table.namespace());
  }

  /** A SQL string literal; backslashes and quotes are escaped. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The Spark SQL type of a model column type. */
  static String type(ColumnType type) {
    switch (type.kind()) {
      case BOOLEAN:
        return "boolean";
      case INT:
        return "int";
      case LONG:
        return "bigint";
      case FLOAT:
        return "float";
      case DOUBLE:
        return "double";
      case DECIMAL:
        return "decimal(" + type.precision() + "," + type.scale() + ")";
      case DATE:
        return "date";
      case TIMESTAMP:
        // Iceberg's timestamp without zone
        return "timestamp_ntz";
      case TIMESTAMPTZ:
        return "timestamp";
      case STRING:
        return "string";
      case BINARY:
        return "binary";
      default:
        throw new IllegalArgumentException("Unsupported column type: " + type);
    }
  }
}
