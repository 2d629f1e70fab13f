package io.lakeplan.testkit.internal;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeWrapper;

/**
 * Rewrites small data files into files of the target size, bin-packed or sorted, with Iceberg's
 * rewrite, leaving alone groups of fewer than {@code min-input-files} files.
 */
final class CompactTask {

  /** Iceberg's default smallest file a compaction leaves alone: 75% of the target size. */
  private static final double MIN_FILE_RATIO = 0.75;

  private CompactTask() {}

  static TaskResult run(Lake lake, Table table, TableId id, MaintenanceTask.Compact compact) {
    long target = compact.targetFileSize().bytes();
    long small = (long) (target * MIN_FILE_RATIO);
    Map<StructLikeWrapper, List<DataFile>> byPartition = new LinkedHashMap<>();
    for (DataFile file : lake.dataFiles(table)) {
      if (file.fileSizeInBytes() < small) {
        StructLikeWrapper key =
            StructLikeWrapper.forType(table.specs().get(file.specId()).partitionType())
                .set(file.partition());
        byPartition.computeIfAbsent(key, ignored -> new ArrayList<>()).add(file);
      }
    }
    Comparator<Record> order = order(compact, table, id);
    List<DataFile> removed = new ArrayList<>();
    List<Record> rows = new ArrayList<>();
    for (List<DataFile> files : byPartition.values()) {
      long bytes = files.stream().mapToLong(DataFile::fileSizeInBytes).sum();
      // Iceberg's rules: enough files, or more data than one target file
      if (files.size() < 2 || (files.size() < compact.minInputFiles() && bytes <= target)) {
        continue;
      }
      removed.addAll(files);
      for (DataFile file : files) {
        rows.addAll(lake.read(table.io(), file.location(), table.schema()));
      }
    }
    if (removed.isEmpty()) {
      return TaskResult.succeeded(0, 0, 0, Duration.ZERO, "nothing to compact in " + id);
    }
    if (order != null) {
      rows.sort(order);
    }
    List<DataFile> added = lake.write(table, rows);
    RewriteFiles rewrite = Lake.inline(table.newRewrite());
    Lake.lakeplanProperties(table).forEach(rewrite::set);
    removed.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    rewrite.commit();
    lake.committed(table);
    return TaskResult.succeeded(
        rows.size(),
        added.size(),
        added.stream().mapToLong(DataFile::fileSizeInBytes).sum(),
        Duration.ZERO,
        "rewrote " + removed.size() + " data files into " + added.size() + " in " + id);
  }

  /** The row order of a SORT compaction, or null for BINPACK. */
  private static Comparator<Record> order(
      MaintenanceTask.Compact compact, Table table, TableId id) {
    if (compact.strategy() != MaintenanceTask.Compact.Strategy.SORT) {
      return null;
    }
    List<SortField> fields = compact.sortBy();
    if (fields.isEmpty()) {
      SortOrder tableOrder = table.sortOrder();
      if (tableOrder.isUnsorted()) {
        throw new TaskFailure(EngineSteps.compactWithoutSortOrder(id));
      }
      fields = new ArrayList<>();
      for (org.apache.iceberg.SortField field : tableOrder.fields()) {
        String column = table.schema().findColumnName(field.sourceId());
        fields.add(
            SortField.of(
                column,
                field.direction() == org.apache.iceberg.SortDirection.DESC,
                field.nullOrder() == org.apache.iceberg.NullOrder.NULLS_FIRST));
      }
    }
    Comparator<Record> comparator = null;
    for (SortField field : fields) {
      Types.NestedField column = table.schema().caseInsensitiveFindField(field.column());
      if (column == null) {
        throw new TaskFailure(
            EngineSteps.compactSortColumnMissing(id, field.column(), Values.names(table.schema())));
      }
      String name = column.name();
      Comparator<Object> values = MigrationTasks::compareValues;
      if (field.descending()) {
        values = values.reversed();
      }
      Comparator<Object> withNulls =
          field.nullsFirst() ? Comparator.nullsFirst(values) : Comparator.nullsLast(values);
      Comparator<Record> next = Comparator.comparing(record -> record.getField(name), withNulls);
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    return comparator;
  }
}
