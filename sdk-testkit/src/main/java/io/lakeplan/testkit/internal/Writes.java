package io.lakeplan.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.StructLikeSet;

/**
 * Commits of the in-memory engine, each one Iceberg snapshot with Lakeplan's summary properties.
 */
final class Writes {

  private Writes() {}

  /** Appends {@code records} in one commit; returns the new snapshot, or null if none was made. */
  static Snapshot append(
      Lake lake, Table table, List<Record> records, Map<String, String> properties) {
    List<DataFile> files = lake.write(table, records);
    AppendFiles append = Lake.inline(table.newAppend());
    addFiles(table, append, files);
    properties.forEach(append::set);
    append.commit();
    lake.committed(table);
    return table.currentSnapshot();
  }

  /**
   * Adds {@code files} to {@code append} in a manifest written here, with the summary Iceberg
   * computes from files added one by one: {@code added-files-size} and {@code
   * changed-partition-count}, which an appended manifest does not carry (the totals follow from
   * them). Why: Iceberg writes the manifest of files added one by one on its shared worker pool and
   * polls the pool every 10 ms ({@code SnapshotProducer.writeManifests} ignores {@code
   * scanManifestsWith}), about 10 ms of waiting per commit for microseconds of work. Format 1
   * tables (Iceberg copies an appended manifest, counting its files itself) and tables that ask for
   * per-partition summaries ({@code write.summary.partition-limit}, which a manifest does not give)
   * get the files one by one. {@code WritesTest} checks the summaries are Iceberg's own.
   */
  static void addFiles(Table table, AppendFiles append, List<DataFile> files) {
    TableOperations operations = ((HasTableOperations) table).operations();
    boolean partitionSummaries =
        PropertyUtil.propertyAsInt(
                table.properties(),
                TableProperties.WRITE_PARTITION_SUMMARY_LIMIT,
                TableProperties.WRITE_PARTITION_SUMMARY_LIMIT_DEFAULT)
            > 0;
    PartitionSpec spec = table.spec();
    if (files.isEmpty()
        || operations.current().formatVersion() < 2
        || partitionSummaries
        || files.stream().anyMatch(file -> file.specId() != spec.specId())) {
      files.forEach(append::appendFile);
      return;
    }
    OutputFile location =
        table
            .io()
            .newOutputFile(
                operations.metadataFileLocation(
                    FileFormat.AVRO.addExtension(UUID.randomUUID() + "-m0")));
    ManifestWriter<DataFile> writer =
        ManifestFiles.write(operations.current().formatVersion(), spec, location, null);
    long bytes = 0;
    Set<StructLike> partitions = StructLikeSet.create(spec.partitionType());
    try (writer) {
      for (DataFile file : files) {
        writer.add(file);
        bytes += file.fileSizeInBytes();
        partitions.add(file.partition());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the manifest of " + table.name(), e);
    }
    append.appendManifest(writer.toManifestFile());
    append.set(SnapshotSummary.ADDED_FILE_SIZE_PROP, Long.toString(bytes));
    append.set(SnapshotSummary.CHANGED_PARTITION_COUNT_PROP, Integer.toString(partitions.size()));
  }

  /**
   * A copy-on-write change of {@code table}: each file in {@code rewritten} is replaced by the rows
   * given for it (removed when none are left), and {@code inserts} are added, in one commit.
   */
  static Snapshot overwrite(
      Lake lake,
      Table table,
      Map<DataFile, List<Record>> rewritten,
      List<Record> inserts,
      Map<String, String> properties) {
    if (rewritten.isEmpty() && !inserts.isEmpty()) {
      // only new rows: Iceberg's overwrite that adds files and removes none is an append
      // (operation and summary alike), so they go in one manifest written here (see addFiles);
      // the merge into a new table, for one, no longer waits on Iceberg's worker pool
      return append(lake, table, inserts, properties);
    }
    OverwriteFiles overwrite = Lake.inline(table.newOverwrite());
    List<Record> kept = new ArrayList<>(inserts);
    for (Map.Entry<DataFile, List<Record>> entry : rewritten.entrySet()) {
      overwrite.deleteFile(entry.getKey());
      kept.addAll(entry.getValue());
    }
    // rows of rewritten files and new rows share files per partition, as Spark's writers do
    lake.write(table, kept).forEach(overwrite::addFile);
    properties.forEach(overwrite::set);
    overwrite.commit();
    lake.committed(table);
    return table.currentSnapshot();
  }
}
