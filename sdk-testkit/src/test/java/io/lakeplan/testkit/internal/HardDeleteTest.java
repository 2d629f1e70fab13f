package io.lakeplan.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.InMemoryWatermarkStore;
import io.lakeplan.testkit.ManifestEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The in-memory hard delete's handling of removed files' manifest entries. */
class HardDeleteTest {

  /** "Now" is 2024-03-01: with 30 days, rows before 2024-01-31 go. */
  private static final Instant NOW = Instant.parse("2024-03-01T00:00:00Z");

  private static final LocalDateTime CUTOFF = LocalDateTime.parse("2024-01-31T00:00:00");

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "updated_at", Types.TimestampType.withoutZone()));

  private static final TableId EVENTS = TableId.of("mnt", "events");

  private static Record event(long id, String updatedAt) {
    Record record = GenericRecord.create(SCHEMA);
    record.setField("id", id);
    record.setField("updated_at", LocalDateTime.parse(updatedAt));
    return record;
  }

  private static DataFile append(Lake lake, Table table, Record record) {
    DataFile file = lake.write(table, List.of(record)).get(0);
    AppendFiles append = table.newAppend();
    append.appendFile(file);
    append.commit();
    lake.committed(table);
    return file;
  }

  private static TaskResult hardDelete(Lake lake) {
    InMemoryEngine engine =
        new InMemoryEngine(lake, new InMemoryWatermarkStore(), new Inputs(), (d, t, table) -> {});
    MaintenanceTask.HardDelete delete =
        MaintenanceTask.HardDelete.builder()
            .column("updated_at")
            .olderThan(Duration.ofDays(30))
            .build();
    return engine.run(
        Dag.builder().id("mnt.dag").useCase("mnt").build(),
        Task.of("mnt.hard-delete", TaskSpec.Maintain.of(EVENTS, delete)));
  }

  /** Entries whose data file's bounds allow an {@code updated_at} before the cutoff. */
  private static List<ManifestEntry> entriesBefore(Table table) {
    return ManifestEntry.readAll(table).stream()
        .filter(
            entry -> {
              Object lower = entry.lowerBounds().get("updated_at");
              return lower == null || ((LocalDateTime) lower).isBefore(CUTOFF);
            })
        .toList();
  }

  @Test
  void hardDelete_oldRowsInOneRowFiles_leavesNoManifestEntryOfTheirFiles() {
    try (Lake lake = new Lake(() -> NOW)) {
      Table table = lake.createIfAbsent(EVENTS, SCHEMA);
      DataFile first = append(lake, table, event(1, "2023-06-01T00:00:00"));
      DataFile second = append(lake, table, event(2, "2024-01-15T08:30:00"));
      append(lake, table, event(3, "2024-02-01T00:00:00"));
      assertThat(entriesBefore(table)).extracting(ManifestEntry::file).contains(first.location());

      TaskResult result = hardDelete(lake);

      assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
      assertThat(result.summary())
          .isEqualTo(
              "deleted 2 rows of mnt.events with updated_at < 2024-01-31T00:00:00Z; expired 3"
                  + " snapshot(s); proof: 0 rows before the cutoff in the 1 remaining snapshot(s)");
      table.refresh();
      assertThat(entriesBefore(table)).isEmpty();
      assertThat(ManifestEntry.readAll(table))
          .extracting(ManifestEntry::file)
          .isNotEmpty()
          .doesNotContain(first.location(), second.location());
    }
  }

  @Test
  void hardDelete_tagReachingARemovedOldFilesEntry_isNotProvenNamesTheManifestAndStaysPending() {
    try (Lake lake = new Lake(() -> NOW)) {
      Table table = lake.createIfAbsent(EVENTS, SCHEMA);
      DataFile old = append(lake, table, event(1, "2023-06-01T00:00:00"));
      append(lake, table, event(2, "2024-02-01T00:00:00"));
      // the old row's file is removed: its entry (status DELETED) keeps its bounds
      table.newDelete().deleteFile(old).commit();
      lake.committed(table);
      long tagged = table.currentSnapshot().snapshotId();
      table.manageSnapshots().createTag("audit", tagged).commit();
      List<String> manifests =
          entriesBefore(table).stream()
              .filter(entry -> entry.snapshotId() == tagged)
              .filter(entry -> entry.status() == ManifestEntry.Status.DELETED)
              .map(ManifestEntry::manifest)
              .toList();
      assertThat(manifests).hasSize(1);

      TaskResult result = hardDelete(lake);

      assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
      assertThat(result.summary())
          .isEqualTo(
              "Hard delete of mnt.events is not proven: snapshot "
                  + tagged
                  + " (retained by tag 'audit') reaches manifest "
                  + manifests.get(0)
                  + ", which keeps 1 entry of removed data files whose bounds allow rows before"
                  + " the cutoff with updated_at < 2024-01-31T00:00:00Z. The rows are deleted from"
                  + " the current snapshot and "
                  + HardDeletes.PENDING_PROPERTY
                  + " stays set; run the hard delete again to complete it");
      table.refresh();
      assertThat(table.properties())
          .containsEntry(HardDeletes.PENDING_PROPERTY, "2024-01-31T00:00:00Z");
      assertThat(entriesBefore(table).stream().filter(entry -> entry.snapshotId() != tagged))
          .as("the current snapshot's manifests keep no such entry")
          .isEmpty();
    }
  }
}
