package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The testkit's appends and overwrites give the snapshots Iceberg gives files added one by one. */
class WritesTest {

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "day", Types.IntegerType.get()));

  @ParameterizedTest(name = "format v{0}, partitioned {1}, partition summaries {2}")
  @CsvSource({
    "2, true, 0",
    "2, false, 0",
    "3, true, 0",
    "1, true, 0",
    "2, true, 10",
  })
  void addFiles_commitsTheSnapshotsIcebergCommitsForTheSameFiles(
      int formatVersion, boolean partitioned, int partitionSummaryLimit) throws Exception {
    InMemoryCatalog catalog = new InMemoryCatalog();
    catalog.initialize("writes", Map.of());
    catalog.createNamespace(Namespace.of("ns"));
    PartitionSpec spec =
        partitioned
            ? PartitionSpec.builderFor(SCHEMA).identity("day").build()
            : PartitionSpec.unpartitioned();
    Map<String, String> properties =
        Map.of(
            TableProperties.FORMAT_VERSION,
            Integer.toString(formatVersion),
            TableProperties.WRITE_PARTITION_SUMMARY_LIMIT,
            Integer.toString(partitionSummaryLimit));
    Table iceberg =
        catalog.createTable(TableIdentifier.of("ns", "iceberg"), SCHEMA, spec, properties);
    Table testkit =
        catalog.createTable(TableIdentifier.of("ns", "testkit"), SCHEMA, spec, properties);

    for (int commit = 0; commit < 3; commit++) {
      List<DataFile> files = files(spec, commit);
      AppendFiles one = iceberg.newAppend();
      files.forEach(one::appendFile);
      one.set("lakeplan.test", "x").commit();
      AppendFiles manifest = Lake.inline(testkit.newAppend());
      Writes.addFiles(testkit, manifest, files);
      manifest.set("lakeplan.test", "x").commit();

      assertThat(summary(testkit))
          .as("commit %d", commit)
          .isEqualTo(summary(iceberg))
          .containsKey("total-files-size");
      assertThat(testkit.currentSnapshot().operation())
          .isEqualTo(iceberg.currentSnapshot().operation());
      assertThat(scan(testkit)).isEqualTo(scan(iceberg)).hasSize(files.size() * (commit + 1));
    }
  }

  @Test
  void overwrite_withNewRowsOnly_commitsTheSnapshotIcebergsOverwriteCommits() throws Exception {
    try (Lake lake = new Lake(() -> Instant.EPOCH)) {
      Table iceberg = lake.createIfAbsent(TableId.of("raw", "iceberg"), SCHEMA);
      Table testkit = lake.createIfAbsent(TableId.of("raw", "testkit"), SCHEMA);

      // into an empty table, then into one with data: both only add rows
      for (int commit = 0; commit < 2; commit++) {
        List<Record> inserts = rows(commit * 100, 100 + commit);
        OverwriteFiles overwrite = Lake.inline(iceberg.newOverwrite());
        lake.write(iceberg, inserts).forEach(overwrite::addFile);
        overwrite.set("lakeplan.test", "x").commit();
        lake.committed(iceberg);
        Writes.overwrite(lake, testkit, Map.of(), inserts, Map.of("lakeplan.test", "x"));

        assertThat(summary(testkit))
            .as("commit %d", commit)
            .isEqualTo(summary(iceberg))
            .containsEntry("added-records", Integer.toString(100 + commit));
        assertThat(testkit.currentSnapshot().operation())
            .isEqualTo(iceberg.currentSnapshot().operation())
            .isEqualTo("append");
        assertThat(counts(testkit)).isEqualTo(counts(iceberg)).hasSize(commit + 1);
      }
    }
  }

  /** {@code count} rows with ids from {@code first}, a null day in every third. */
  private static List<Record> rows(int first, int count) {
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      GenericRecord row = GenericRecord.create(SCHEMA);
      row.setField("id", (long) (first + i));
      row.setField("day", i % 3 == 0 ? null : i % 7);
      rows.add(row);
    }
    return rows;
  }

  /** What a scan plans, without paths (the two tables' files have different names). */
  private static List<String> counts(Table table) throws Exception {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(task.file().recordCount() + " " + task.file().fileSizeInBytes());
      }
    }
    files.sort(null);
    return files;
  }

  /** Three files in two partitions per commit, of different sizes. */
  private static List<DataFile> files(PartitionSpec spec, int commit) {
    List<DataFile> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      DataFiles.Builder file =
          DataFiles.builder(spec)
              .withPath("/lake/data/" + commit + "-" + i + ".parquet")
              .withFileSizeInBytes(1_000L * (i + 1) + commit)
              .withRecordCount(10L * (i + 1));
      if (spec.isPartitioned()) {
        file.withPartitionPath("day=" + (i % 2));
      }
      files.add(file.build());
    }
    return files;
  }

  /** The summary without Iceberg's version stamp. */
  private static Map<String, String> summary(Table table) {
    Map<String, String> summary = new TreeMap<>(table.currentSnapshot().summary());
    summary.remove("iceberg-version");
    return summary;
  }

  /** What a scan plans: each file's path, record count and size. */
  private static Set<String> scan(Table table) throws Exception {
    Set<String> files = new TreeSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(
            task.file().location()
                + " "
                + task.file().recordCount()
                + " "
                + task.file().fileSizeInBytes()
                + " "
                + task.file().partition());
      }
    }
    return files;
  }
}
