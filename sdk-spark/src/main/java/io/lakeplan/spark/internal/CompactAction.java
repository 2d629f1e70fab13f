package io.lakeplan.spark.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.types.Types;

/**
 * Rewrites a table's small data files into files of the target size (bin-pack, or sorted by the
 * task's or the table's sort order) with Iceberg's Spark action, carrying the table's {@code
 * lakeplan.*} summary properties into the commit.
 */
final class CompactAction {

  /** Rewrite option: a file group is rewritten only with at least this many files. */
  private static final String MIN_INPUT_FILES = "min-input-files";

  private CompactAction() {}

  static TaskResult run(Context context, TableId table, MaintenanceTask.Compact task) {
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
        MaintenanceExecutor.action(
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
}
