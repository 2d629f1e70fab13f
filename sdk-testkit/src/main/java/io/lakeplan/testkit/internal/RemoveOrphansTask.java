package io.lakeplan.testkit.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.Table;

/**
 * Deletes the files under a table's location that no snapshot references and that were written
 * before the cut-off; a dry run only counts them.
 */
final class RemoveOrphansTask {

  private RemoveOrphansTask() {}

  static TaskResult run(Lake lake, Table table, TableId id, MaintenanceTask.RemoveOrphans orphans) {
    Instant cutoff = lake.now().minus(orphans.olderThan());
    Set<String> referenced = lake.referencedFiles(table);
    String prefix = table.location() + "/";
    List<String> found = new ArrayList<>();
    lake.writtenFiles()
        .forEach(
            (location, created) -> {
              if (location.startsWith(prefix)
                  && !referenced.contains(location)
                  && created.isBefore(cutoff)
                  && lake.fileExists(location)) {
                found.add(location);
              }
            });
    if (orphans.dryRun()) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, EngineSteps.orphansFound(id, found.size(), cutoff));
    }
    for (String location : found) {
      table.io().deleteFile(location);
      lake.forget(location);
    }
    return TaskResult.succeeded(
        0, found.size(), 0, Duration.ZERO, EngineSteps.orphansDeleted(id, found.size(), cutoff));
  }
}
