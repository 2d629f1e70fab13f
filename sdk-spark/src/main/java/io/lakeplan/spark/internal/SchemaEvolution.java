package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.spi.SchemaChanges;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * A source's columns against its target's on Spark ({@link SchemaChanges} decides), and the columns
 * {@code append-new-columns} adds, which {@link SchemaCommit} commits with the rows written into
 * them.
 */
final class SchemaEvolution {

  private SchemaEvolution() {}

  /** What a source's columns change: the decision, and the columns to add with their types. */
  record Evolution(SchemaChanges.Decision changes, Map<String, ColumnType> added) {}

  /**
   * The columns of {@code source} against {@code target}'s, decided by {@code schemaChanges} before
   * anything is written.
   *
   * @throws TaskFailedException when the policy refuses the difference, or an added column's type
   *     has no Lakeplan type
   */
  static Evolution decide(SchemaChanges schemaChanges, StructType source, StructType target) {
    SchemaChanges.Decision changes =
        schemaChanges.decide(
            names(source), names(target), required(target), TaskFailedException::new);
    return new Evolution(changes, addedTypes(schemaChanges, changes, source));
  }

  /** The column names of {@code schema}, in order. */
  static List<String> names(StructType schema) {
    List<String> names = new ArrayList<>();
    for (StructField field : schema.fields()) {
      names.add(field.name());
    }
    return names;
  }

  /** The names of the columns of {@code schema} that may not hold null. */
  static List<String> required(StructType schema) {
    List<String> required = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (!field.nullable()) {
        required.add(field.name());
      }
    }
    return required;
  }

  /**
   * The Lakeplan type of each column {@code decision} adds, from its type in {@code source}.
   *
   * @throws TaskFailedException before anything is written, when a type has no Lakeplan type
   */
  static Map<String, ColumnType> addedTypes(
      SchemaChanges changes, SchemaChanges.Decision decision, StructType source) {
    Map<String, ColumnType> added = new LinkedHashMap<>();
    for (String column : decision.added()) {
      DataType type = source.apply(column).dataType();
      ColumnType columnType = columnType(type);
      if (columnType == null) {
        throw new TaskFailedException(
            changes.unsupportedType(column, type.sql().toLowerCase(java.util.Locale.ROOT)));
      }
      added.put(column, columnType);
    }
    return added;
  }

  /** The nearest Lakeplan type of a Spark type, or null when none holds its values. */
  static ColumnType columnType(DataType type) {
    if (type instanceof StringType) {
      return ColumnType.STRING;
    } else if (type instanceof IntegerType
        || type instanceof ShortType
        || type instanceof ByteType) {
      return ColumnType.INT;
    } else if (type instanceof LongType) {
      return ColumnType.LONG;
    } else if (type instanceof FloatType) {
      return ColumnType.FLOAT;
    } else if (type instanceof DoubleType) {
      return ColumnType.DOUBLE;
    } else if (type instanceof DecimalType decimal) {
      return ColumnType.decimal(Math.max(1, decimal.precision()), decimal.scale());
    } else if (type instanceof BooleanType) {
      return ColumnType.BOOLEAN;
    } else if (type instanceof DateType) {
      return ColumnType.DATE;
    } else if (type instanceof TimestampNTZType) {
      return ColumnType.TIMESTAMP;
    } else if (type instanceof TimestampType) {
      return ColumnType.TIMESTAMPTZ;
    } else if (type instanceof BinaryType) {
      return ColumnType.BINARY;
    }
    return null;
  }
}
