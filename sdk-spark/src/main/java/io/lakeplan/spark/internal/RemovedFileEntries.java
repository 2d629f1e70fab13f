package io.lakeplan.spark.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.iceberg.Accessor;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataTask;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.MetadataTableType;
import org.apache.iceberg.MetadataTableUtils;
import org.apache.iceberg.RewriteManifests;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The entries of removed data files that a table's manifests keep. When a commit removes a data
 * file, Iceberg writes the file's entry with status DELETED — its column bounds included, which are
 * values of the rows it held — into the manifests of that snapshot, and later commits carry those
 * manifests forward as they are. A hard delete rewrites the current snapshot's data manifests that
 * hold such entries (Iceberg's manifest rewrite keeps only live entries) and proves, reading the
 * entries through Iceberg's {@code entries} metadata table, that no retained snapshot reaches one
 * whose file could have held a deleted row.
 *
 * <p>Iceberg core's rewrite is used rather than the Spark action: the action leaves a lone manifest
 * and manifests of earlier partition specs alone, and those may be the ones keeping the entries.
 */
final class RemovedFileEntries {

  /** The entries table's status of a removed file's entry. */
  private static final int DELETED = 2;

  /** Which removed files count: by their bounds, null counts and row count. */
  interface Bounds {
    boolean mayHoldOldRows(
        Map<Integer, ByteBuffer> lowerBounds, Map<Integer, Long> nullValueCounts, long records);
  }

  private RemovedFileEntries() {}

  /** Whether a data manifest of {@code snapshot} keeps an entry of a removed file. */
  static boolean kept(Table table, Snapshot snapshot) {
    return snapshot != null
        && snapshot.dataManifests(table.io()).stream().anyMatch(ManifestFile::hasDeletedFiles);
  }

  /**
   * Rewrites the current snapshot's data manifests that keep entries of removed files into
   * manifests of their live entries, committing {@code summary} with the new snapshot; returns
   * whether it committed.
   */
  static boolean dropFromCurrent(Table table, Map<String, String> summary) {
    if (!kept(table, table.currentSnapshot())) {
      return false;
    }
    RewriteManifests rewrite =
        table
            .rewriteManifests()
            // one group: the rewrite writes one manifest per partition spec, split at the
            // table's target manifest size
            .clusterBy(DataFile::specId)
            .rewriteIf(
                manifest ->
                    manifest.content() == ManifestContent.DATA && manifest.hasDeletedFiles());
    summary.forEach(rewrite::set);
    rewrite.commit();
    return true;
  }

  /**
   * Per data manifest of {@code snapshot} that keeps entries of removed files, how many of them
   * {@code bounds} counts (manifests with none left out); {@code known} caches counts by manifest
   * across snapshots.
   */
  static Map<String, Long> count(
      Table table, Snapshot snapshot, Bounds bounds, Map<String, Long> known) {
    Set<String> holding =
        snapshot.dataManifests(table.io()).stream()
            .filter(ManifestFile::hasDeletedFiles)
            .map(ManifestFile::path)
            .collect(Collectors.toCollection(LinkedHashSet::new));
    Map<String, Long> counts = new LinkedHashMap<>();
    if (holding.isEmpty()) {
      return counts;
    }
    Set<String> unread =
        holding.stream().filter(path -> !known.containsKey(path)).collect(Collectors.toSet());
    if (!unread.isEmpty()) {
      Map<String, Long> read = read(table, snapshot, unread, bounds);
      for (String manifest : unread) {
        if (!read.containsKey(manifest)) {
          // a manifest the proof did not read proves nothing
          throw new IllegalStateException(
              "the entries table of snapshot "
                  + snapshot.snapshotId()
                  + " did not list its manifest "
                  + manifest);
        }
      }
      known.putAll(read);
    }
    for (String manifest : holding) {
      long count = known.getOrDefault(manifest, 0L);
      if (count > 0) {
        counts.put(manifest, count);
      }
    }
    return counts;
  }

  /** Counts the removed-file entries of {@code manifests} (reached from {@code snapshot}). */
  @SuppressWarnings("unchecked") // the entries table's types: map<int, binary>, map<int, long>
  private static Map<String, Long> read(
      Table table, Snapshot snapshot, Set<String> manifests, Bounds bounds) {
    Table entries =
        MetadataTableUtils.createMetadataTableInstance(table, MetadataTableType.ENTRIES);
    TableScan scan =
        entries
            .newScan()
            .useSnapshot(snapshot.snapshotId())
            .select(
                "status",
                "data_file.record_count",
                "data_file.lower_bounds",
                "data_file.null_value_counts");
    Schema schema = scan.schema();
    Accessor<StructLike> status = accessor(schema, "status");
    Accessor<StructLike> records = accessor(schema, "data_file.record_count");
    Accessor<StructLike> lower = accessor(schema, "data_file.lower_bounds");
    Accessor<StructLike> nulls = accessor(schema, "data_file.null_value_counts");
    Map<String, Long> counts = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = scan.planFiles()) {
      for (FileScanTask task : tasks) {
        // one task per manifest, named by the manifest's location
        String manifest = task.file().location();
        if (!manifests.contains(manifest)) {
          continue;
        }
        long count = 0;
        try (CloseableIterable<StructLike> rows = ((DataTask) task).rows()) {
          for (StructLike row : rows) {
            if (((Number) status.get(row)).intValue() == DELETED
                && bounds.mayHoldOldRows(
                    (Map<Integer, ByteBuffer>) lower.get(row),
                    (Map<Integer, Long>) nulls.get(row),
                    ((Number) records.get(row)).longValue())) {
              count++;
            }
          }
        }
        counts.put(manifest, count);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifests of " + table.name(), e);
    }
    return counts;
  }

  private static Accessor<StructLike> accessor(Schema schema, String name) {
    return schema.accessorForField(schema.findField(name).fieldId());
  }
}
