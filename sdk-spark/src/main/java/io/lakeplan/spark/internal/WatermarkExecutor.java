package io.lakeplan.spark.internal;

import io.lakeplan.model.Migration;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.time.Duration;

/**
 * Records the maximum of a migration's watermark column, read from its Iceberg table, in the
 * watermark store under the table id. The store keeps it monotonic; an equal value is a no-op.
 */
final class WatermarkExecutor {

  private WatermarkExecutor() {}

  static TaskResult run(Context context, Migration migration) {
    String column = migration.watermarkColumn();
    if (column == null) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "no watermark column declared");
    }
    Tables.requireExists(context, migration.target().table());
    Object max =
        context
            .spark
            .table(Sql.table(migration.target().table()))
            .selectExpr("max(" + Sql.quote(column) + ")")
            .first()
            .get(0);
    String key = migration.target().table().toString();
    if (max == null) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "table " + key + " has no " + column + " values; no watermark");
    }
    Watermark next = toWatermark(max, column);
    Watermark current = context.watermarks.get(key).orElse(null);
    if (next.equals(current)) {
      return TaskResult.succeeded(
          0, 0, 0, Duration.ZERO, "watermark of " + key + " already at " + next);
    }
    if (!context.watermarks.compareAndSet(key, current, next)) {
      throw new TaskFailedException(
          "Watermark of " + key + " changed concurrently (expected " + current + "); re-run");
    }
    return TaskResult.succeeded(
        0,
        0,
        0,
        Duration.ZERO,
        "watermark of "
            + key
            + " moved from "
            + (current == null ? "none" : current)
            + " to "
            + next);
  }

  static Watermark toWatermark(Object value, String column) {
    try {
      return Watermark.ofValue(value);
    } catch (IllegalArgumentException e) {
      throw new TaskFailedException(
          "Watermark column "
              + column
              + " has values of type "
              + value.getClass().getSimpleName()
              + " (must be a timestamp, date, integer or decimal column)");
    }
  }
}
