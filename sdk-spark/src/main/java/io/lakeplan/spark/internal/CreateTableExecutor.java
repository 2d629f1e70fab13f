package io.lakeplan.spark.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spi.TableLayoutDrift;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Creates an Iceberg table from its definition, or checks that an existing one still matches it
 * (columns, partitioning, sort order, format version, properties): drift is reported, never
 * applied.
 */
final class CreateTableExecutor {

  private CreateTableExecutor() {}

  static TaskResult run(Context context, TableDefinition definition) {
    String table = Sql.table(definition.table());
    if (context.spark.catalog().tableExists(LakeplanCatalogNames.of(definition.table()))) {
      List<String> drift =
          new ArrayList<>(
              TableLayoutDrift.columns(definition, columns(context.spark.table(table).schema())));
      drift.addAll(TableLayouts.drift(definition, Tables.load(context, definition.table())));
      if (!drift.isEmpty()) {
        throw new TaskFailedException(TableLayoutDrift.failure(definition, drift));
      }
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "table " + definition.table() + " exists and matches");
    }
    context.spark.sql("CREATE NAMESPACE IF NOT EXISTS " + Sql.namespace(definition.table()));
    create(context, definition);
    CrashPoints.reach("after-commit");
    return TaskResult.succeeded(
        0,
        0,
        0,
        Duration.ZERO,
        "created table "
            + definition.table()
            + " ("
            + definition.columns().size()
            + " columns, format v"
            + definition.formatVersion()
            + ")");
  }

  /**
   * Creates the table with its schema, partitioning, sort order and properties in one catalog
   * commit, so a job killed while creating it leaves either no table or the whole table (a {@code
   * CREATE TABLE} followed by {@code WRITE ORDERED BY} would leave one without its sort order).
   */
  private static void create(Context context, TableDefinition definition) {
    Schema schema = SparkSchemaUtil.convert(StructType.fromDDL(columnsDdl(definition)));
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(TableProperties.FORMAT_VERSION, Integer.toString(definition.formatVersion()));
    properties.putAll(definition.effectiveProperties());
    Catalog catalog = Spark3Util.loadIcebergCatalog(context.spark, LakeplanCatalog.NAME);
    try {
      catalog
          .buildTable(
              TableIdentifier.of(definition.table().namespace(), definition.table().name()), schema)
          .withPartitionSpec(spec(definition, schema))
          .withSortOrder(sortOrder(definition, schema))
          .withProperties(properties)
          .create();
    } catch (AlreadyExistsException e) {
      // another run created it between the check and here: report what that table is
      throw new TaskFailedException(
          "Table " + definition.table() + " was created concurrently; run the task again", e);
    }
    // only a created table can be refreshed: on a failed create this would hide the cause
    context.spark.catalog().refreshTable(LakeplanCatalogNames.of(definition.table()));
  }

  /** The columns as Spark DDL, every identifier validated and quoted. */
  static String columnsDdl(TableDefinition definition) {
    List<String> columns = new ArrayList<>();
    for (Column column : definition.columns()) {
      columns.add(
          Sql.quote(column.name())
              + " "
              + Sql.type(column.type())
              + (column.required() ? " NOT NULL" : ""));
    }
    return String.join(", ", columns);
  }

  private static PartitionSpec spec(TableDefinition definition, Schema schema) {
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionField field : definition.partitionBy()) {
      String column = schema.caseInsensitiveFindField(field.column()).name();
      switch (field.transform()) {
        case IDENTITY -> builder.identity(column);
        case YEAR -> builder.year(column);
        case MONTH -> builder.month(column);
        case DAY -> builder.day(column);
        case HOUR -> builder.hour(column);
        case BUCKET -> builder.bucket(column, field.width());
        case TRUNCATE -> builder.truncate(column, field.width());
        default -> throw new IllegalArgumentException("Unsupported partition transform: " + field);
      }
    }
    return builder.build();
  }

  private static SortOrder sortOrder(TableDefinition definition, Schema schema) {
    if (definition.sortBy().isEmpty()) {
      return SortOrder.unsorted();
    }
    SortOrder.Builder builder = SortOrder.builderFor(schema);
    for (SortField field : definition.sortBy()) {
      builder.sortBy(
          schema.caseInsensitiveFindField(field.column()).name(),
          field.descending() ? SortDirection.DESC : SortDirection.ASC,
          field.nullsFirst() ? NullOrder.NULLS_FIRST : NullOrder.NULLS_LAST);
    }
    return builder.build();
  }

  /** An existing table's columns in Lakeplan's types, for {@link TableLayoutDrift#columns}. */
  static List<TableLayoutDrift.ExistingColumn> columns(StructType schema) {
    List<TableLayoutDrift.ExistingColumn> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      ColumnType type = SchemaEvolution.columnType(field.dataType());
      columns.add(
          new TableLayoutDrift.ExistingColumn(
              field.name(),
              type != null ? type.toString() : field.dataType().sql().toLowerCase(Locale.ROOT),
              !field.nullable()));
    }
    return columns;
  }
}
