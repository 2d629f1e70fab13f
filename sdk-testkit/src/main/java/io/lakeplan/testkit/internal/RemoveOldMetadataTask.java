package io.lakeplan.testkit.internal;

import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.Set;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;

/**
 * Keeps at most {@code keep} previous metadata files: sets Iceberg's metadata retention, whose
 * commit is the first to prune the log, and counts the files that went by set difference (as the
 * Spark engine does).
 */
final class RemoveOldMetadataTask {

  private RemoveOldMetadataTask() {}

  static TaskResult run(Table table, TableId id, int keep) {
    org.apache.iceberg.TableOperations operations =
        ((org.apache.iceberg.HasTableOperations) table).operations();
    Set<String> before = metadataFiles(operations.current());
    // the commit of these properties is itself the first commit that prunes the log (none when
    // they are set already)
    table
        .updateProperties()
        .set(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
        .set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, Integer.toString(keep))
        .commit();
    table.refresh();
    before.removeAll(metadataFiles(operations.refresh()));
    int removed = before.size();
    return TaskResult.succeeded(
        0, removed, 0, Duration.ZERO, EngineSteps.oldMetadataRemoved(id, removed, keep));
  }

  /** The metadata files a table version knows: its log and itself. */
  private static Set<String> metadataFiles(org.apache.iceberg.TableMetadata metadata) {
    Set<String> files = new java.util.LinkedHashSet<>();
    metadata.previousFiles().forEach(entry -> files.add(entry.file()));
    if (metadata.metadataFileLocation() != null) {
      files.add(metadata.metadataFileLocation());
    }
    return files;
  }
}
