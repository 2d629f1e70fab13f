package io.lakeplan.spark.internal;

import io.lakeplan.model.Merge;
import io.lakeplan.spi.Merges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * An SCD2 merge on Spark ({@link Merge#history()}): the history of every key the run's changes
 * touch is rebuilt from the target's rows of those keys and the changes, and replaces those rows in
 * one {@code MERGE}, matched by key and {@code valid_from}.
 *
 * <p>A key's history is a list of events ordered by their order value: each version (a target row,
 * or a change that does not delete) and each delete (a change that deletes, or recovered from a
 * target row closed by no later version). Of events at the same order value the run's changes win,
 * and among them the latest arrival. Each version is then valid until the next event.
 */
final class HistoryMerge {

  private static final String AT = "__lakeplan_at";
  private static final String DELETES = "__lakeplan_deletes";
  private static final String SIDE = "__lakeplan_side";
  private static final String UNTIL = "__lakeplan_until";
  private static final String KEEP = "__lakeplan_keep";
  private static final String UNDATED = "lakeplan: scd2 source row without an order value";

  private HistoryMerge() {}

  /**
   * Rebuilds and commits the histories {@code changes} touch; returns the summary's history part.
   *
   * @param changes every source row of the run with its arrival columns and converted values
   * @param values target column → its value in a row of {@code changes} ({@code s.}-prefixed)
   */
  static String run(
      Context context,
      Merge merge,
      StructField[] targetFields,
      String changes,
      Map<String, String> values,
      String property,
      long sourceSnapshot) {
    String target = Sql.table(merge.target());
    List<String> columns = new ArrayList<>();
    for (StructField field : targetFields) {
      if (!Merges.isHistoryColumn(merge, field.name())) {
        columns.add(field.name());
      }
    }
    List<String> keys = new ArrayList<>();
    for (String key : merge.keys()) {
      keys.add(Sql.quote(exact(key, columns)));
    }
    String orderValue =
        values.get(exact(merge.targetColumnOf(merge.orderBy().get(0), columns), columns));
    String from = Sql.quote(Merge.VALID_FROM);
    String to = Sql.quote(Merge.VALID_TO);
    String current = Sql.quote(Merge.IS_CURRENT);
    String partition = String.join(", ", keys);

    List<String> changed = new ArrayList<>();
    List<String> versions = new ArrayList<>();
    List<String> deleteEvents = new ArrayList<>();
    for (String column : columns) {
      String quoted = Sql.quote(column);
      changed.add(values.get(column) + " AS " + quoted);
      versions.add(quoted);
      deleteEvents.add(keys.contains(quoted) ? quoted : "NULL AS " + quoted);
    }
    String deleting =
        merge.deleteWhen() == null
            ? "FALSE"
            : "coalesce(" + merge.deleteWhen().toSql(name -> "s." + Sql.quote(name)) + ", FALSE)";
    String versionList = String.join(", ", versions);
    String ctes =
        "WITH changed AS (SELECT "
            + String.join(", ", changed)
            + ", CASE WHEN "
            + orderValue
            + " IS NULL THEN raise_error('"
            + UNDATED
            + "') ELSE "
            + orderValue
            + " END AS "
            + AT
            + ", "
            + deleting
            + " AS "
            + DELETES
            + ", s."
            + MergeSource.FILE_ORDER
            + ", s."
            + MergeSource.POSITION
            + " FROM ("
            + changes
            + ") AS s), existing AS (SELECT t.* FROM "
            + target
            + " AS t LEFT SEMI JOIN (SELECT DISTINCT "
            + partition
            + " FROM changed) AS k ON "
            + on("t", "k", keys)
            // the key's events: its versions in the target, the deletes that closed one with no
            // later version, and the run's changes
            + "), events AS (SELECT "
            + versionList
            + ", "
            + from
            + " AS "
            + AT
            + ", FALSE AS "
            + DELETES
            + ", 0 AS "
            + SIDE
            + ", 0L AS "
            + MergeSource.FILE_ORDER
            + ", 0L AS "
            + MergeSource.POSITION
            + " FROM existing UNION ALL SELECT "
            + String.join(", ", deleteEvents)
            + ", "
            + to
            + ", TRUE, 0, 0L, 0L FROM (SELECT *, lead("
            + from
            + ") OVER (PARTITION BY "
            + partition
            + " ORDER BY "
            + from
            + ") AS "
            + UNTIL
            + " FROM existing) WHERE "
            + to
            + " IS NOT NULL AND ("
            + UNTIL
            + " IS NULL OR "
            + UNTIL
            + " <> "
            + to
            + ") UNION ALL SELECT "
            + versionList
            + ", "
            + AT
            + ", "
            + DELETES
            + ", 1, "
            + MergeSource.FILE_ORDER
            + ", "
            + MergeSource.POSITION
            + " FROM changed"
            // of events at one order value: the run's changes, among them the latest arrival
            + "), winners AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY "
            + partition
            + ", "
            + AT
            + " ORDER BY "
            + SIDE
            + " DESC, "
            + MergeSource.FILE_ORDER
            + " DESC, "
            + MergeSource.POSITION
            + " DESC) AS "
            + MergeSource.RANK
            + " FROM events) WHERE "
            + MergeSource.RANK
            + " = 1), rebuilt AS (SELECT "
            + versionList
            + ", "
            + AT
            + " AS "
            + from
            + ", "
            + UNTIL
            + " AS "
            + to
            + ", "
            + UNTIL
            + " IS NULL AS "
            + current
            + ", "
            + DELETES
            + " FROM (SELECT *, lead("
            + AT
            + ") OVER (PARTITION BY "
            + partition
            + " ORDER BY "
            + AT
            + ") AS "
            + UNTIL
            + " FROM winners)) ";
    List<String> allColumns = new ArrayList<>(versions);
    allColumns.addAll(List.of(from, to, current));
    String all = String.join(", ", allColumns);
    Row counts;
    try {
      counts =
          context
              .spark
              .sql(
                  ctes
                      + "SELECT count(DISTINCT "
                      + partition
                      + "), count(*), count_if("
                      + current
                      + ") FROM rebuilt WHERE NOT "
                      + DELETES)
              .first();
    } catch (RuntimeException e) {
      if (Failures.rootMessage(e).contains(UNDATED)) {
        long undated =
            context
                .spark
                .sql("SELECT count_if(" + orderValue + " IS NULL) FROM (" + changes + ") AS s")
                .first()
                .getLong(0);
        throw new TaskFailedException(
            Merges.undatedVersions(merge, undated, merge.orderBy().get(0)), e);
      }
      throw e;
    }
    // the touched keys' rows: the rebuilt ones upserted by key and valid_from, the others deleted
    String statement =
        "MERGE INTO "
            + target
            + " AS t USING ("
            + ctes
            + "SELECT "
            + all
            + ", TRUE AS "
            + KEEP
            + " FROM rebuilt WHERE NOT "
            + DELETES
            + " UNION ALL SELECT "
            + prefixed("e", allColumns)
            + ", FALSE FROM existing AS e LEFT ANTI JOIN (SELECT * FROM rebuilt WHERE NOT "
            + DELETES
            + ") AS r ON "
            + on("e", "r", keys)
            + " AND e."
            + from
            + " = r."
            + from
            + ") AS s ON "
            + on("t", "s", keys)
            + " AND t."
            + from
            + " = s."
            + from
            + " WHEN MATCHED AND NOT s."
            + KEEP
            + " THEN DELETE WHEN MATCHED THEN UPDATE SET "
            + assignments(allColumns)
            + " WHEN NOT MATCHED AND s."
            + KEEP
            + " THEN INSERT ("
            + all
            + ") VALUES ("
            + prefixed("s", allColumns)
            + ")";
    CommitMetadata.withCommitProperties(
        Map.of(property, Long.toString(sourceSnapshot)),
        () -> context.spark.sql(statement),
        RuntimeException.class);
    return Merges.historySummary(counts.getLong(0), counts.getLong(1), counts.getLong(2));
  }

  private static String exact(String name, List<String> columns) {
    for (String column : columns) {
      if (column.equalsIgnoreCase(name)) {
        return column;
      }
    }
    return name;
  }

  private static String on(String left, String right, List<String> keys) {
    List<String> equal = new ArrayList<>();
    for (String key : keys) {
      equal.add(left + "." + key + " = " + right + "." + key);
    }
    return String.join(" AND ", equal);
  }

  private static String prefixed(String alias, List<String> columns) {
    List<String> prefixed = new ArrayList<>();
    for (String column : columns) {
      prefixed.add(alias + "." + column);
    }
    return String.join(", ", prefixed);
  }

  private static String assignments(List<String> columns) {
    List<String> set = new ArrayList<>();
    for (String column : columns) {
      set.add("t." + column + " = s." + column);
    }
    return String.join(", ", set);
  }
}
