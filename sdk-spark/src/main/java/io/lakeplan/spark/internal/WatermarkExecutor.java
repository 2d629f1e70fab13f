package io.lakeplan.spark.internal;

import io.lakeplan.model.Migration;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.time.Duration;

/**
 * Records the maximum of a migration's watermark column, read from its Iceberg table as the
 * conversion left it, in the watermark store under the table id. The store keeps it monotonic; an
 * equal value is a no-op, and a store an ingestion moved on since keeps its value.
 */
final class WatermarkExecutor {

  private WatermarkExecutor() {}

  static TaskResult run(Context context, Migration migration) {
    String column = migration.watermarkColumn();
    if (column == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "no watermark column declared");
    }
    Tables.requireExists(context, migration.target().table());
    // the migration's rows: the table as its conversion left it
    Object max =
        context
            .spark
            .sql(
                "SELECT max("
                    + Sql.quote(column)
                    + ") FROM "
                    + Tables.asConverted(context, migration))
            .first()
            .get(0);
    CrashPoints.reach("max-read");
    TaskResult result =
        EngineSteps.recordWatermark(
            context.watermarks, migration.target().table(), column, max, TaskFailedException::new);
    CrashPoints.reach("after-store-write");
    return result;
  }

  static Watermark toWatermark(Object value, String column) {
    return EngineSteps.toWatermark(value, column, TaskFailedException::new);
  }
}
