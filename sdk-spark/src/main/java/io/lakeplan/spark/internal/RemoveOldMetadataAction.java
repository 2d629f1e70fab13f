package io.lakeplan.spark.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most {@code keep} previous metadata files of a table: sets Iceberg's metadata retention
 * properties, whose commit is itself the first that prunes the log, and counts what went.
 */
final class RemoveOldMetadataAction {

  private static final Logger LOG = LoggerFactory.getLogger(RemoveOldMetadataAction.class);

  private RemoveOldMetadataAction() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask.RemoveOldMetadata task) {
    Table iceberg = Tables.load(context, table);
    if (!(iceberg instanceof HasTableOperations)) {
      throw new TaskFailedException(
          "Cannot read the metadata log of " + table + " (" + iceberg.getClass().getName() + ")");
    }
    HasTableOperations operations = (HasTableOperations) iceberg;
    Set<String> before = metadataFiles(operations.operations().current());
    // the commit of these properties is itself the first commit that prunes the log
    MaintenanceExecutor.action(
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
}
