package io.lakeplan.spark.internal;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.JdbcWindow;
import io.lakeplan.spi.Watermark;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of a JDBC window read again ({@link JdbcWindow#rereads()}) marked with whether the
 * target already holds them: a left join of the window on the target's keys and incremental values
 * in the window's range. The target is read through a filter on its incremental column, so Iceberg
 * reads only the files whose values fall in the range (partitions and column bounds): the read
 * grows with the lookback, not with the table.
 */
final class JdbcLookback {

  /** The boolean column saying a row of the window is already in the target. */
  static final String INGESTED = "lakeplan_ingested";

  private static final String KEY = "lakeplan_key_";
  private static final String INCREMENTAL = "lakeplan_incremental";

  private JdbcLookback() {}

  /**
   * {@code window} (the source rows as the target's columns) with the column {@link #INGESTED}.
   *
   * @throws TaskFailedException naming the missing columns when the target lacks a key or the
   *     incremental column
   */
  static Dataset<Row> marked(
      Context context, JdbcIngestion ingestion, Dataset<Row> window, JdbcWindow range) {
    String target = Sql.table(ingestion.target());
    Dataset<Row> table = context.spark.table(target);
    StructType schema = table.schema();
    List<String> missing = new ArrayList<>();
    List<Column> identity = new ArrayList<>();
    List<String> keys = ingestion.keys();
    for (int i = 0; i < keys.size(); i++) {
      if (field(schema, keys.get(i)) == null) {
        missing.add(keys.get(i));
      } else {
        identity.add(col(Sql.quote(keys.get(i))).as(KEY + i));
      }
    }
    StructField incremental = field(schema, ingestion.incrementalColumn());
    if (incremental == null) {
      missing.add(ingestion.incrementalColumn());
    }
    if (!missing.isEmpty()) {
      throw new TaskFailedException(EngineSteps.jdbcLookbackColumnsMissing(ingestion, missing));
    }
    Column column = col(Sql.quote(incremental.name()));
    identity.add(column.as(INCREMENTAL));
    Dataset<Row> ingested =
        table
            .where(
                column
                    .geq(lit(lower(range.from(), incremental.dataType())))
                    .and(column.leq(lit(upper(range.upTo(), incremental.dataType())))))
            .select(identity.toArray(Column[]::new))
            .distinct()
            .withColumn(INGESTED, lit(true));
    Column matches = window.col(Sql.quote(incremental.name())).equalTo(col(INCREMENTAL));
    for (int i = 0; i < keys.size(); i++) {
      matches = matches.and(window.col(Sql.quote(keys.get(i))).equalTo(col(KEY + i)));
    }
    List<Column> columns = new ArrayList<>();
    for (String name : window.columns()) {
      columns.add(window.col(Sql.quote(name)));
    }
    columns.add(coalesce(col(INGESTED), lit(false)).as(INGESTED));
    return window.join(ingested, matches, "left").select(columns.toArray(Column[]::new));
  }

  private static StructField field(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(name)) {
        return field;
      }
    }
    return null;
  }

  /**
   * The first value of the range as a literal of the column's type, so that the comparison reaches
   * Iceberg's scan without a cast on the column: a date column starts at the first whole day.
   */
  private static Object lower(Watermark from, DataType type) {
    if (type.equals(DataTypes.DateType)) {
      LocalDateTime time = LocalDateTime.ofInstant(from.asInstant(), ZoneOffset.UTC);
      LocalDate day = time.toLocalDate();
      return time.toLocalTime().equals(LocalTime.MIDNIGHT) ? day : day.plusDays(1);
    }
    return literal(from, type);
  }

  /** The last value of the range as a literal of the column's type (a date: its day). */
  private static Object upper(Watermark upTo, DataType type) {
    if (type.equals(DataTypes.DateType)) {
      return LocalDateTime.ofInstant(upTo.asInstant(), ZoneOffset.UTC).toLocalDate();
    }
    return literal(upTo, type);
  }

  private static Object literal(Watermark value, DataType type) {
    switch (value.type()) {
      case TIMESTAMP:
        // Lakeplan timestamps are UTC wall-clock times, and the session's zone is UTC
        return type.equals(DataTypes.TimestampType)
            ? value.asInstant()
            : LocalDateTime.ofInstant(value.asInstant(), ZoneOffset.UTC);
      case LONG:
        return value.asLong();
      default:
        return value.asDecimal();
    }
  }
}
