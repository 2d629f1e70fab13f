package io.lakeplan.spark.internal;

import io.lakeplan.model.Durations;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one maintenance operation on one table with Iceberg's Spark actions. Retention cut-offs are
 * the context's clock minus the operation's {@code older-than}. Commits made here (compaction,
 * manifest rewrite, hard delete) carry the table's {@code lakeplan.*} snapshot summary properties
 * forward (see {@link Tables#lakeplanSummary(Table)}), so expiring the snapshots that first
 * recorded a merge's source snapshot or an ingestion's watermark does not lose them.
 */
final class MaintenanceExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceExecutor.class);

  /** Rewrite option: a file group is rewritten only with at least this many files. */
  private static final String MIN_INPUT_FILES = "min-input-files";

  private MaintenanceExecutor() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask operation) {
    Sql.table(table);
    Tables.requireExists(context, table);
    switch (operation.kind()) {
      case EXPIRE_SNAPSHOTS:
        return expireSnapshots(context, table, (MaintenanceTask.ExpireSnapshots) operation);
      case REMOVE_OLD_METADATA:
        return removeOldMetadata(context, table, (MaintenanceTask.RemoveOldMetadata) operation);
      case COMPACT:
        return compact(context, table, (MaintenanceTask.Compact) operation);
      case REWRITE_MANIFESTS:
        return rewriteManifests(context, table);
      case REMOVE_ORPHANS:
        return removeOrphans(context, table, (MaintenanceTask.RemoveOrphans) operation);
      case HARD_DELETE:
        return HardDeleteAction.run(context, table, (MaintenanceTask.HardDelete) operation);
      default:
        throw new IllegalArgumentException("Unknown maintenance operation: " + operation.kind());
    }
  }

  // ---- expire-snapshots ----------------------------------------------------------------------

  static TaskResult expireSnapshots(
      Context context, TableId table, MaintenanceTask.ExpireSnapshots task) {
    Instant cutoff = context.clock.instant().minus(task.olderThan());
    Table iceberg = Tables.load(context, table);
    int before = count(iceberg.snapshots());
    long deletedDataFiles = 0;
    if (before > 0) {
      ExpireSnapshots.Result result =
          action(
              "Expiring snapshots of " + table,
              () ->
                  SparkActions.get(context.spark)
                      .expireSnapshots(iceberg)
                      .expireOlderThan(ceilMillis(cutoff))
                      .retainLast(task.retainLast())
                      .execute());
      deletedDataFiles = result.deletedDataFilesCount();
      CrashPoints.reach("after-commit");
    }
    int after = count(Tables.load(context, table).snapshots());
    return TaskResult.succeeded(
        0,
        deletedDataFiles,
        0,
        Duration.ZERO,
        "expired "
            + (before - after)
            + " snapshot(s) of "
            + table
            + " older than "
            + cutoff
            + "; "
            + after
            + " remain"
            + removeTombstones(context, table));
  }

  /**
   * Removes the tombstones of merges into {@code target} written longer ago than their retention
   * (the tombstone table's {@link Merges#TOMBSTONE_RETENTION}); says how many, or nothing.
   */
  private static String removeTombstones(Context context, TableId target) {
    TableId id = Merge.tombstoneTableOf(target);
    if (!Tables.exists(context, id)) {
      return "";
    }
    String retention = Tables.load(context, id).properties().get(Merges.TOMBSTONE_RETENTION);
    if (retention == null) {
      return "";
    }
    Duration kept = Duration.parse(retention);
    String cutoff =
        "TIMESTAMP_NTZ '"
            + LocalDateTime.ofInstant(context.clock.instant().minus(kept), ZoneOffset.UTC)
            + "'";
    String table = Sql.table(id);
    String old = Sql.quote(Merges.TOMBSTONE_WRITTEN) + " < " + cutoff;
    long removed =
        context.spark.sql("SELECT count(*) FROM " + table + " WHERE " + old).first().getLong(0);
    if (removed > 0) {
      context.spark.sql("DELETE FROM " + table + " WHERE " + old);
    }
    return Merges.tombstonesRemoved(removed, Durations.format(kept), id.toString());
  }

  // ---- remove-old-metadata -------------------------------------------------------------------

  static TaskResult removeOldMetadata(
      Context context, TableId table, MaintenanceTask.RemoveOldMetadata task) {
    Table iceberg = Tables.load(context, table);
    if (!(iceberg instanceof HasTableOperations)) {
      throw new TaskFailedException(
          "Cannot read the metadata log of " + table + " (" + iceberg.getClass().getName() + ")");
    }
    HasTableOperations operations = (HasTableOperations) iceberg;
    Set<String> before = metadataFiles(operations.operations().current());
    // the commit of these properties is itself the first commit that prunes the log
    action(
        "Setting the metadata retention of " + table,
        () -> {
          iceberg
              .updateProperties()
              .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
              .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(task.keep()))
              .commit();
          return null;
        });
    Set<String> after = metadataFiles(operations.operations().refresh());
    before.removeAll(after);
    before.forEach(file -> LOG.info("Removed metadata file of {}: {}", table, file));
    return TaskResult.succeeded(
        0,
        before.size(),
        0,
        Duration.ZERO,
        EngineSteps.oldMetadataRemoved(table, before.size(), task.keep()));
  }

  private static Set<String> metadataFiles(TableMetadata metadata) {
    Set<String> files = new LinkedHashSet<>();
    metadata.previousFiles().forEach(entry -> files.add(entry.file()));
    if (metadata.metadataFileLocation() != null) {
      files.add(metadata.metadataFileLocation());
    }
    return files;
  }

  // ---- compact -------------------------------------------------------------------------------

  static TaskResult compact(Context context, TableId table, MaintenanceTask.Compact task) {
    task.sortBy().forEach(field -> Sql.quote(field.column()));
    Table iceberg = Tables.load(context, table);
    SortOrder order = null;
    if (task.strategy() == MaintenanceTask.Compact.Strategy.SORT) {
      order = task.sortBy().isEmpty() ? iceberg.sortOrder() : sortOrder(iceberg, table, task);
      if (order.isUnsorted()) {
        throw new TaskFailedException(EngineSteps.compactWithoutSortOrder(table));
      }
    }
    if (iceberg.currentSnapshot() == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "nothing to compact in " + table);
    }
    SortOrder sortOrder = order;
    RewriteDataFiles.Result result =
        action(
            "Compacting " + table,
            () -> {
              RewriteDataFiles rewrite = SparkActions.get(context.spark).rewriteDataFiles(iceberg);
              rewrite = sortOrder == null ? rewrite.binPack() : rewrite.sort(sortOrder);
              rewrite =
                  rewrite
                      .option(
                          RewriteDataFiles.TARGET_FILE_SIZE_BYTES,
                          Long.toString(task.targetFileSize().bytes()))
                      .option(MIN_INPUT_FILES, Integer.toString(task.minInputFiles()));
              for (Map.Entry<String, String> carried : Tables.lakeplanSummary(iceberg).entrySet()) {
                rewrite = rewrite.snapshotProperty(carried.getKey(), carried.getValue());
              }
              return rewrite.execute();
            });
    if (result.rewrittenDataFilesCount() == 0) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "nothing to compact in " + table);
    }
    CrashPoints.reach("after-commit");
    Snapshot snapshot = Tables.load(context, table).currentSnapshot();
    return TaskResult.succeeded(
        0,
        result.addedDataFilesCount(),
        Tables.summaryLong(snapshot, "added-files-size"),
        Duration.ZERO,
        "rewrote "
            + result.rewrittenDataFilesCount()
            + " data files into "
            + result.addedDataFilesCount()
            + " in "
            + table
            + (sortOrder == null ? "" : " (sorted by " + describe(sortOrder) + ")"));
  }

  private static SortOrder sortOrder(Table iceberg, TableId table, MaintenanceTask.Compact task) {
    SortOrder.Builder builder = SortOrder.builderFor(iceberg.schema());
    for (SortField field : task.sortBy()) {
      Types.NestedField column = iceberg.schema().caseInsensitiveFindField(field.column());
      if (column == null) {
        throw new TaskFailedException(
            EngineSteps.compactSortColumnMissing(
                table,
                field.column(),
                iceberg.schema().columns().stream().map(Types.NestedField::name).toList()));
      }
      NullOrder nulls = field.nullsFirst() ? NullOrder.NULLS_FIRST : NullOrder.NULLS_LAST;
      builder =
          field.descending()
              ? builder.desc(column.name(), nulls)
              : builder.asc(column.name(), nulls);
    }
    return builder.build();
  }

  private static String describe(SortOrder order) {
    return order.fields().stream()
        .map(
            field ->
                field.transform().isIdentity()
                    ? order.schema().findColumnName(field.sourceId())
                        + " "
                        + field.direction().name().toLowerCase(Locale.ROOT)
                    : field.toString())
        .collect(Collectors.joining(", "));
  }

  // ---- rewrite-manifests ---------------------------------------------------------------------

  static TaskResult rewriteManifests(Context context, TableId table) {
    Table iceberg = Tables.load(context, table);
    if (iceberg.currentSnapshot() == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, EngineSteps.noManifests(table));
    }
    RewriteManifests.Result result =
        action(
            "Rewriting the manifests of " + table,
            () -> {
              RewriteManifests rewrite = SparkActions.get(context.spark).rewriteManifests(iceberg);
              for (Map.Entry<String, String> carried : Tables.lakeplanSummary(iceberg).entrySet()) {
                rewrite = rewrite.snapshotProperty(carried.getKey(), carried.getValue());
              }
              return rewrite.execute();
            });
    int rewritten = count(result.rewrittenManifests());
    int added = count(result.addedManifests());
    return TaskResult.succeeded(
        0,
        added,
        0,
        Duration.ZERO,
        rewritten == 0
            ? "no manifests to rewrite in " + table
            : "rewrote " + rewritten + " manifest(s) of " + table + " into " + added);
  }

  // ---- remove-orphans ------------------------------------------------------------------------

  static TaskResult removeOrphans(
      Context context, TableId table, MaintenanceTask.RemoveOrphans task) {
    Instant cutoff = context.clock.instant().minus(task.olderThan());
    Table iceberg = Tables.load(context, table);
    DeleteOrphanFiles.Result result =
        action(
            "Finding orphan files of " + table,
            () -> {
              DeleteOrphanFiles delete =
                  SparkActions.get(context.spark)
                      .deleteOrphanFiles(iceberg)
                      .olderThan(ceilMillis(cutoff))
                      // an object store (S3FileIO) is listed by its FileIO, as the table's own
                      // files are written; a Hadoop file system by Spark's distributed listing
                      .usePrefixListing(
                          iceberg.io() instanceof SupportsPrefixOperations
                              && !(iceberg.io() instanceof HadoopFileIO));
              if (task.dryRun()) {
                delete = delete.deleteWith(location -> {});
              }
              return delete.execute();
            });
    CrashPoints.reach("after-delete");
    List<String> orphans = new ArrayList<>();
    result.orphanFileLocations().forEach(orphans::add);
    for (String orphan : orphans) {
      LOG.info(
          "{} orphan file of {}: {}", task.dryRun() ? "Would delete" : "Deleted", table, orphan);
    }
    if (task.dryRun()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.orphansFound(table, orphans.size(), cutoff));
    }
    return TaskResult.succeeded(
        0,
        orphans.size(),
        0,
        Duration.ZERO,
        EngineSteps.orphansDeleted(table, orphans.size(), cutoff));
  }

  /** Snapshot ids that refs name: every ref, or every ref but {@code main} when not current. */
  static Set<Long> refHeads(Table iceberg, boolean includeMain) {
    Set<Long> heads = new HashSet<>();
    for (Map.Entry<String, SnapshotRef> ref : iceberg.refs().entrySet()) {
      if (includeMain || !ref.getKey().equals(SnapshotRef.MAIN_BRANCH)) {
        heads.add(ref.getValue().snapshotId());
      }
    }
    if (includeMain && iceberg.currentSnapshot() != null) {
      heads.add(iceberg.currentSnapshot().snapshotId());
    }
    return heads;
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Runs an Iceberg action, turning its failure into a one-line task failure. */
  static <T> T action(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (TaskFailedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new TaskFailedException(what + " failed: " + Failures.rootMessage(e), e);
    }
  }

  static long count(Context context, String sql) {
    return context.spark.sql(sql).first().getLong(0);
  }

  private static int count(Iterable<?> items) {
    int count = 0;
    for (Object ignored : items) {
      count++;
    }
    return count;
  }

  /** Epoch milliseconds of the first millisecond not before {@code instant}. */
  static long ceilMillis(Instant instant) {
    Instant truncated = instant.truncatedTo(ChronoUnit.MILLIS);
    return (truncated.equals(instant) ? truncated : truncated.plusMillis(1)).toEpochMilli();
  }
}
