package io.lakeplan.spark.internal;

import io.lakeplan.model.TableId;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.MigrationInputs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.catalyst.parser.ParseException;

/** Iceberg table handles for the {@code lakeplan} catalog. */
final class Tables {
  private Tables() {}

  static boolean exists(Context context, TableId table) {
    return context.spark.catalog().tableExists(LakeplanCatalogNames.of(table));
  }

  static void requireExists(Context context, TableId table) {
    if (!exists(context, table)) {
      String catalog = catalogImplementation(context);
      if (catalog == null) {
        throw new TaskFailedException(EngineSteps.tableMissing(table));
      }
      // a remote catalog: the table (or its database) may exist, just not where this job looks
      throw new TaskFailedException(
          "Table "
              + table
              + " does not exist in "
              + catalog
              + " (region "
              + catalogSetting(context, "client.region", "from the runtime")
              + ", warehouse "
              + catalogSetting(context, "warehouse", "not set")
              + "): run its create-table task first; if it ran, check the environment's region,"
              + " endpoint-override and warehouse");
    }
  }

  /**
   * The simple class name of the {@code lakeplan} catalog's {@code catalog-impl} (e.g. {@code
   * GlueCatalog}), or null for a built-in {@code type} such as the local Hadoop catalog.
   */
  private static String catalogImplementation(Context context) {
    String implementation = catalogSetting(context, "catalog-impl", null);
    return implementation == null
        ? null
        : implementation.substring(implementation.lastIndexOf('.') + 1);
  }

  private static String catalogSetting(Context context, String key, String missing) {
    scala.Option<String> value =
        context.spark.conf().getOption("spark.sql.catalog." + LakeplanCatalog.NAME + "." + key);
    return value.isDefined() ? value.get() : missing;
  }

  /** The current Iceberg table (freshly loaded, so it sees the latest commit). */
  static Table load(Context context, TableId table) {
    try {
      Table loaded = Spark3Util.loadIcebergTable(context.spark, LakeplanCatalogNames.of(table));
      loaded.refresh();
      return loaded;
    } catch (ParseException | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new TaskFailedException("Cannot load table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The current snapshot id, or -1 for a table without snapshots. */
  static long currentSnapshotId(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    return snapshot == null ? -1 : snapshot.snapshotId();
  }

  static long summaryLong(Snapshot snapshot, String key) {
    if (snapshot == null) {
      return 0;
    }
    Map<String, String> summary = snapshot.summary();
    String value = summary == null ? null : summary.get(key);
    return value == null ? 0 : Long.parseLong(value);
  }

  /** The summaries of the current snapshot and its ancestors, newest first. */
  static List<Map<String, String>> summaries(Table table) {
    List<Map<String, String>> summaries = new ArrayList<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      summaries.add(snapshot.summary() == null ? Map.of() : snapshot.summary());
    }
    return summaries;
  }

  /**
   * The value of summary property {@code property} in the newest snapshot that has it, walking back
   * from the current snapshot through its ancestors; null when none has it.
   */
  static String latestSummaryValue(Table table, String property) {
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      String value = snapshot.summary() == null ? null : snapshot.summary().get(property);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * The newest value of every {@code lakeplan.*} snapshot summary property (merge source snapshots,
   * JDBC watermarks, Kafka batch ids) over the current snapshot and its ancestors. Maintenance
   * commits carry them forward, so expiring the snapshots that first recorded them loses nothing.
   */
  static Map<String, String> lakeplanSummary(Table table) {
    Map<String, String> properties = new LinkedHashMap<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (snapshot.summary() != null) {
        snapshot.summary().entrySet().stream()
            .filter(entry -> CommitProperties.isLakeplan(entry.getKey()))
            .forEach(entry -> properties.putIfAbsent(entry.getKey(), entry.getValue()));
      }
    }
    return properties;
  }

  /** What {@code table}'s history says about migration {@code migrationId}'s last conversion. */
  static MigrationInputs.History conversion(Table table, String migrationId) {
    List<MigrationInputs.Snapshot> ancestry = new ArrayList<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      ancestry.add(
          new MigrationInputs.Snapshot(
              snapshot.snapshotId(), snapshot.operation(), snapshot.summary()));
    }
    return MigrationInputs.history(
        migrationId,
        ancestry,
        table.properties().get(CommitProperties.migrationSource(migrationId)));
  }

  /**
   * The migration's table as its conversion left it, as SQL: at the conversion's snapshot while the
   * history has it, else as it is.
   */
  static String asConverted(Context context, io.lakeplan.model.Migration migration) {
    MigrationInputs.History history =
        conversion(load(context, migration.target().table()), migration.id());
    String table = Sql.table(migration.target().table());
    return history.conversionSnapshot() == null
        ? table
        : table + " VERSION AS OF " + history.conversionSnapshot();
  }
}
