package io.lakeplan.spark.internal;

import io.lakeplan.model.Merge;
import io.lakeplan.spi.Merges;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;

/**
 * A merge's tombstones on Spark ({@link Merges}): the deletes it applies are remembered in {@link
 * Merge#tombstoneTable()} (key and order values, and when), committed before the target's {@code
 * MERGE}; the merge's source then carries each key's tombstone so that its insert clause can skip a
 * change older than the delete.
 */
final class Tombstones {

  /** The merge source's column saying its key has no tombstone. */
  static final String MISSING = "__lakeplan_no_tombstone";

  private static final String ORDER = "__lakeplan_tombstone_";

  private Tombstones() {}

  /**
   * Commits a tombstone for each delete of {@code using} (the merge's source query, one row per
   * key) newer than its key's; creates the table with the first delete and records the retention on
   * it.
   *
   * @param values target column → its value in a row of {@code changes} (as the target column's
   *     type)
   * @param orderColumns the target's order columns
   */
  static void write(
      Context context,
      Merge merge,
      StructField[] targetFields,
      String changes,
      Map<String, String> values,
      List<String> orderColumns) {
    List<String> columns = new ArrayList<>();
    List<String> select = new ArrayList<>();
    List<String> definitions = new ArrayList<>();
    for (String name : Merges.tombstoneColumns(merge, orderColumns)) {
      StructField field = field(targetFields, name);
      columns.add(field.name());
      select.add(values.get(field.name()) + " AS " + Sql.quote(field.name()));
      definitions.add(Sql.quote(field.name()) + " " + field.dataType().sql());
    }
    LocalDateTime now = LocalDateTime.ofInstant(context.clock.instant(), ZoneOffset.UTC);
    select.add("TIMESTAMP_NTZ '" + now + "' AS " + Sql.quote(Merges.TOMBSTONE_WRITTEN));
    definitions.add(Sql.quote(Merges.TOMBSTONE_WRITTEN) + " TIMESTAMP_NTZ");
    // every delete of the run, the newest per key: no dedupe of the whole source is needed, as a
    // delete older than its key's winner only remembers what that winner already supersedes
    List<String> keys = new ArrayList<>();
    for (String column : columns.subList(0, merge.keys().size())) {
      keys.add(Sql.quote(column));
    }
    List<String> newestFirst = new ArrayList<>();
    for (String column : orderColumns) {
      newestFirst.add(Sql.quote(field(targetFields, column).name()) + " DESC NULLS LAST");
    }
    String runDeletes =
        "SELECT "
            + String.join(", ", select)
            + " FROM ("
            + changes
            + ") AS s WHERE "
            + merge.deleteWhen().toSql(name -> "s." + Sql.quote(name));
    String deletes =
        "SELECT * EXCEPT ("
            + MergeSource.RANK
            + ") FROM (SELECT *, row_number() OVER (PARTITION BY "
            + String.join(", ", keys)
            + " ORDER BY "
            + String.join(", ", newestFirst)
            + ") AS "
            + MergeSource.RANK
            + " FROM ("
            + runDeletes
            + ")) WHERE "
            + MergeSource.RANK
            + " = 1";
    String table = Sql.table(merge.tombstoneTable());
    String retention = merge.effectiveTombstoneRetention().toString();
    context.spark.sql(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " ("
            + String.join(", ", definitions)
            + ") USING iceberg");
    if (!retention.equals(
        Tables.load(context, merge.tombstoneTable())
            .properties()
            .get(Merges.TOMBSTONE_RETENTION))) {
      context.spark.sql(
          "ALTER TABLE "
              + table
              + " SET TBLPROPERTIES ('"
              + Merges.TOMBSTONE_RETENTION
              + "' = '"
              + retention
              + "')");
    }
    // a run without deletes commits nothing here (a filter over the run's rows finds out)
    if (context.spark.sql(runDeletes).isEmpty()) {
      return;
    }
    List<String> on = new ArrayList<>();
    for (String key : columns.subList(0, merge.keys().size())) {
      on.add("t." + Sql.quote(key) + " = s." + Sql.quote(key));
    }
    List<String> order = new ArrayList<>();
    for (String column : orderColumns) {
      order.add(field(targetFields, column).name());
    }
    // only a newer delete replaces a tombstone, and its time with it
    String newer =
        "NOT "
            + MergeExecutor.fresh(
                MergeExecutor.targetValues(order, "t."), MergeExecutor.targetValues(order, "s."));
    // the deletes as SQL text, not a view of a Dataset: Iceberg's MERGE cannot plan a source view
    // whose plan reads metadata columns (_file, _pos)
    context.spark.sql(
        "MERGE INTO "
            + table
            + " AS t USING ("
            + deletes
            + ") AS s ON "
            + String.join(" AND ", on)
            + " WHEN MATCHED AND "
            + newer
            + " THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  /**
   * {@code using} with each row's key's tombstone: its order values ({@link #values}) and {@link
   * #MISSING} when it has none.
   */
  static String joined(Merge merge, String using, List<String> orderColumns) {
    List<String> select = new ArrayList<>();
    select.add("u.*");
    for (int i = 0; i < orderColumns.size(); i++) {
      select.add("b." + Sql.quote(orderColumns.get(i)) + " AS " + ORDER + i);
    }
    List<String> on = new ArrayList<>();
    for (String key : merge.keys()) {
      on.add("u." + Sql.quote(merge.sourceColumn(key)) + " = b." + Sql.quote(key));
    }
    select.add("b." + Sql.quote(merge.keys().get(0)) + " IS NULL AS " + MISSING);
    return "SELECT "
        + String.join(", ", select)
        + " FROM ("
        + using
        + ") AS u LEFT JOIN "
        + Sql.table(merge.tombstoneTable())
        + " AS b ON "
        + String.join(" AND ", on);
  }

  /** The tombstone's order values in {@link #joined}'s rows, as {@code s.} columns. */
  static List<String> values(List<String> orderColumns) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < orderColumns.size(); i++) {
      values.add("s." + ORDER + i);
    }
    return values;
  }

  private static StructField field(StructField[] fields, String name) {
    for (StructField field : fields) {
      if (field.name().equalsIgnoreCase(name)) {
        return field;
      }
    }
    throw new IllegalStateException("No target column " + name);
  }
}
