package io.lakeplan.spark.internal;

import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.spark.actions.SparkActions;

/** Rewrites a table's manifests with Iceberg's Spark action, carrying its summary properties. */
final class RewriteManifestsAction {

  private RewriteManifestsAction() {}

  static TaskResult run(Context context, TableId table) {
    Table iceberg = Tables.load(context, table);
    if (iceberg.currentSnapshot() == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, EngineSteps.noManifests(table));
    }
    RewriteManifests.Result result =
        MaintenanceExecutor.action(
            "Rewriting the manifests of " + table,
            () -> {
              RewriteManifests rewrite = SparkActions.get(context.spark).rewriteManifests(iceberg);
              for (Map.Entry<String, String> carried : Tables.lakeplanSummary(iceberg).entrySet()) {
                rewrite = rewrite.snapshotProperty(carried.getKey(), carried.getValue());
              }
              return rewrite.execute();
            });
    int rewritten = MaintenanceExecutor.count(result.rewrittenManifests());
    int added = MaintenanceExecutor.count(result.addedManifests());
    return TaskResult.succeeded(
        0, added, 0, Duration.ZERO, EngineSteps.manifestsRewritten(table, rewritten, added));
  }
}
