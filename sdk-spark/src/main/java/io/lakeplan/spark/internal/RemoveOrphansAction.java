package io.lakeplan.spark.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.spark.actions.SparkActions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the files under a table's location that no metadata references and that were last
 * modified before the cut-off (so a write in progress keeps its files); a dry run only lists them.
 */
final class RemoveOrphansAction {

  private static final Logger LOG = LoggerFactory.getLogger(RemoveOrphansAction.class);

  private RemoveOrphansAction() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask.RemoveOrphans task) {
    Instant cutoff = context.clock.instant().minus(task.olderThan());
    Table iceberg = Tables.load(context, table);
    DeleteOrphanFiles.Result result =
        MaintenanceExecutor.action(
            "Finding orphan files of " + table,
            () -> {
              DeleteOrphanFiles delete =
                  SparkActions.get(context.spark)
                      .deleteOrphanFiles(iceberg)
                      .olderThan(MaintenanceExecutor.ceilMillis(cutoff))
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
}
