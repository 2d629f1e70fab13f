package io.lakeplan.testkit.internal;

import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/** Rewrites a table's manifests with Iceberg's own rewrite, carrying its summary properties. */
final class RewriteManifestsTask {

  private RewriteManifestsTask() {}

  static TaskResult run(Lake lake, Table table, TableId id) {
    if (table.currentSnapshot() == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, EngineSteps.noManifests(id));
    }
    org.apache.iceberg.RewriteManifests rewrite =
        // without a clustering, core keeps every manifest; one cluster per partition spec
        // rewrites them into as few as their size allows, as Spark's action does
        Lake.inline(table.rewriteManifests())
            .rewriteIf(manifest -> true)
            .clusterBy(file -> file.specId());
    Lake.lakeplanProperties(table).forEach(rewrite::set);
    rewrite.commit();
    lake.committed(table);
    Snapshot snapshot = table.currentSnapshot();
    int added = (int) Lake.summaryLong(snapshot, "manifests-created");
    return TaskResult.succeeded(
        0,
        added,
        0,
        Duration.ZERO,
        EngineSteps.manifestsRewritten(
            id, (int) Lake.summaryLong(snapshot, "manifests-replaced"), added));
  }
}
