package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.model.TableDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads a migration's data (its landing folder when it has one, else its source) and shapes it to
 * the target definition: the declared columns, cast to the declared types. Schema problems are
 * found before any data is read and reported all at once, naming the columns.
 */
final class SourceReader {

  private SourceReader() {}

  /** Where the migration's data is read from: landing when set, else the source path. */
  static String location(Context context, Migration migration) {
    String path = migration.landing() != null ? migration.landing() : migration.source().path();
    return context.resolve(path);
  }

  /** The raw data, as stored. */
  static Dataset<Row> raw(Context context, Migration migration) {
    if (migration.source().hiveTable() != null && migration.landing() == null) {
      return context.spark.table(migration.source().hiveTable());
    }
    String location = location(context, migration);
    Path path = new Path(location);
    try {
      if (!path.getFileSystem(context.spark.sparkContext().hadoopConfiguration()).exists(path)) {
        throw new TaskFailedException(
            "Input path of migration " + migration.id() + " does not exist: " + location);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + location, e);
    }
    FileFormat format = migration.source().format();
    var reader = context.spark.read().format(format.name().toLowerCase(Locale.ROOT));
    if (format == FileFormat.CSV) {
      reader = reader.option("header", "true");
    }
    try {
      return reader.load(location);
    } catch (Exception e) {
      throw new TaskFailedException(
          "Cannot read " + location + " as " + format + ": " + Failures.rootMessage(e), e);
    }
  }

  /**
   * The data as the target declares it, by the value rules: a value its column cannot hold
   * unchanged stops the job that reads it ({@link ValueChecks}, then {@link #refusal}).
   *
   * @throws TaskFailedException naming every missing column and every column whose stored type
   *     cannot be cast to the declared one
   */
  static Dataset<Row> shaped(
      Context context, Migration migration, Dataset<Row> raw, List<Column> columns) {
    List<String> projection = new ArrayList<>();
    for (ValueChecks.Conversion conversion : conversions(context, migration, raw, columns)) {
      projection.add(conversion.sql() + " AS " + Sql.quote(conversion.column()));
    }
    return raw.selectExpr(projection.toArray(String[]::new));
  }

  /** The failure of a conversion a refused value stopped: how many values of which columns. */
  static TaskFailedException refusal(Context context, Migration migration, Throwable cause) {
    Dataset<Row> raw = raw(context, migration);
    return ValueChecks.refusal(
        raw,
        conversions(context, migration, raw),
        "The input of migration " + migration.id(),
        cause);
  }

  /**
   * Each target column from its input column.
   *
   * @throws TaskFailedException naming every missing column and every column whose stored type
   *     cannot be cast to the declared one
   */
  static List<ValueChecks.Conversion> conversions(
      Context context, Migration migration, Dataset<Row> raw) {
    return conversions(context, migration, raw, migration.target().columns());
  }

  /**
   * Each of {@code columns} from its input column; null when the input has none ({@link
   * io.lakeplan.spi.SchemaChanges} decided before whether it may lack it).
   *
   * @throws TaskFailedException naming every column whose stored type cannot be cast to the
   *     declared one
   */
  static List<ValueChecks.Conversion> conversions(
      Context context, Migration migration, Dataset<Row> raw, List<Column> columns) {
    TableDefinition target = migration.target();
    Map<String, StructField> fields = new LinkedHashMap<>();
    for (StructField field : raw.schema().fields()) {
      fields.put(field.name().toLowerCase(Locale.ROOT), field);
    }
    List<String> problems = new ArrayList<>();
    List<ValueChecks.Conversion> conversions = new ArrayList<>();
    for (Column column : columns) {
      String type = Sql.type(column.type());
      StructField field = fields.get(column.name().toLowerCase(Locale.ROOT));
      DataType declared = DataType.fromDDL(type);
      if (field == null) {
        conversions.add(
            new ValueChecks.Conversion(
                column.name(), "CAST(NULL AS " + declared.sql() + ")", declared, declared, null));
        continue;
      }
      if (!Cast.canAnsiCast(field.dataType(), declared)) {
        problems.add(
            "column "
                + column.name()
                + " is "
                + field.dataType().sql().toLowerCase(Locale.ROOT)
                + " in the input and cannot become "
                + type);
        continue;
      }
      conversions.add(
          ValueChecks.conversion(
              context.spark, column.name(), Sql.quote(field.name()), field.dataType(), declared));
    }
    if (!problems.isEmpty()) {
      throw new TaskFailedException(
          "Schema mismatch between "
              + location(context, migration)
              + " and "
              + target.table()
              + ": "
              + String.join("; ", problems));
    }
    return conversions;
  }

  /** The required columns of the target, quoted. */
  static List<String> requiredColumns(TableDefinition target) {
    List<String> required = new ArrayList<>();
    for (Column column : target.columns()) {
      if (column.required()) {
        required.add(column.name());
      }
    }
    return required;
  }
}
