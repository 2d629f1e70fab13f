package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.DataSize;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.ManifestEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Every maintenance operation of the Spark engine on real Iceberg tables. */
class MaintenanceIT {

  /** Hard-delete tests run "now" at 2024-03-01: with 30 days, rows before 2024-01-31 go. */
  private static final Clock MARCH_FIRST =
      Clock.fixed(Instant.parse("2024-03-01T00:00:00Z"), ZoneOffset.UTC);

  private static final Duration THIRTY_DAYS = Duration.ofDays(30);

  private final Path base = TestSpark.newDir("maintenance");
  private final SparkSession spark = TestSpark.session();

  // ---- fixtures ------------------------------------------------------------------------------

  private static String name(String table) {
    return "lakeplan.mnt." + table;
  }

  private void create(String table, Consumer<TableDefinition.Builder> extra) {
    TableDefinition.Builder definition =
        TableDefinition.builder()
            .table("mnt." + table)
            .requiredColumn("id", "long")
            .column("amount", "int")
            .column("updated_at", "timestamp");
    extra.accept(definition);
    TaskResult created = TestSpark.run(base, TaskSpec.CreateTable.of(definition.build()));
    assertThat(created.isSuccess()).as(created.summary()).isTrue();
  }

  private void create(String table) {
    create(table, definition -> {});
  }

  /** One commit (and, for one row, one data file) per call. */
  private void insert(String table, String values) {
    spark.sql("INSERT INTO " + name(table) + " VALUES " + values);
  }

  /** Rows {@code from..to} with amount {@code (id * 37) % 101} and a day in January 2024. */
  private void insertOnePerCommit(String table, int from, int to) {
    for (int id = from; id <= to; id++) {
      insert(
          table,
          "("
              + id
              + ", "
              + (id * 37) % 101
              + ", TIMESTAMP_NTZ '2024-01-"
              + (10 + id)
              + " 00:00:00')");
    }
  }

  private Table table(String table) {
    try {
      Table loaded = Spark3Util.loadIcebergTable(spark, name(table));
      loaded.refresh();
      return loaded;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Long> snapshotIds(String table) {
    List<Long> ids = new ArrayList<>();
    table(table).snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }

  private long currentSnapshot(String table) {
    return table(table).currentSnapshot().snapshotId();
  }

  private List<String> dataFiles(String table) {
    return spark.sql("SELECT file_path FROM " + name(table) + ".files").collectAsList().stream()
        .map(row -> row.getString(0))
        .toList();
  }

  private List<String> rows(String table) {
    return spark.sql("SELECT * FROM " + name(table) + " ORDER BY id").collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  private static TaskResult maintain(String table, MaintenanceTask operation, Clock clock) {
    return TestSpark.run(
        TestSpark.newDir("maintain"),
        clock,
        TaskSpec.Maintain.of(TableId.parse("mnt." + table), operation));
  }

  private static TaskResult maintain(String table, MaintenanceTask operation) {
    return maintain(table, operation, Clock.systemUTC());
  }

  private static Path local(String location) {
    return Path.of(URI.create(location));
  }

  /** Rows before {@code cutoff} physically present in any Parquet file under the data folder. */
  private long physicalRowsBefore(String table, String cutoff) {
    Path data = local(table(table).location()).resolve("data");
    List<String> files;
    try (Stream<Path> paths = Files.walk(data)) {
      files =
          paths
              .filter(path -> path.getFileName().toString().endsWith(".parquet"))
              .map(path -> path.toUri().toString())
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (files.isEmpty()) {
      return 0;
    }
    // delete files are Parquet too: merged schemas give their rows a null updated_at
    return spark
        .read()
        .option("mergeSchema", "true")
        .parquet(files.toArray(String[]::new))
        .where("updated_at < TIMESTAMP_NTZ '" + cutoff + "'")
        .count();
  }

  // ---- expire-snapshots ----------------------------------------------------------------------

  @Test
  void expireSnapshots_allOlderThanCutoff_keepsTheRetainLastNewestAndDeletesUnreferencedFiles() {
    create("expire");
    insert("expire", "(1, 1, TIMESTAMP_NTZ '2024-01-01 00:00:00')");
    String firstFile = dataFiles("expire").get(0);
    spark.sql("DELETE FROM " + name("expire") + " WHERE id = 1");
    insertOnePerCommit("expire", 2, 4);
    List<Long> before = snapshotIds("expire");
    assertThat(before).hasSize(5);
    List<String> rowsBefore = rows("expire");
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(10)), ZoneOffset.UTC);

    TaskResult result =
        maintain(
            "expire",
            MaintenanceTask.ExpireSnapshots.builder()
                .olderThan(Duration.ofDays(7))
                .retainLast(2)
                .build(),
            later);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary())
        .isEqualTo(
            "expired 3 snapshot(s) of mnt.expire older than "
                + later.instant().minus(Duration.ofDays(7))
                + "; 2 remain");
    assertThat(snapshotIds("expire")).containsExactlyElementsOf(before.subList(3, 5));
    assertThat(result.files()).as("the data file only the first snapshot read").isEqualTo(1);
    assertThat(local(firstFile)).doesNotExist();
    assertThat(rows("expire")).isEqualTo(rowsBefore);
  }

  @Test
  void expireSnapshots_snapshotsNewerThanCutoff_expiresNothing() {
    create("expire_new");
    insertOnePerCommit("expire_new", 1, 3);
    List<Long> before = snapshotIds("expire_new");

    TaskResult result =
        maintain(
            "expire_new",
            MaintenanceTask.ExpireSnapshots.builder()
                .olderThan(Duration.ofDays(7))
                .retainLast(1)
                .build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary())
        .startsWith("expired 0 snapshot(s) of mnt.expire_new")
        .endsWith("; 3 remain");
    assertThat(snapshotIds("expire_new")).isEqualTo(before);
  }

  @Test
  void maintenance_missingTable_failsNamingTheTable() {
    TaskResult result =
        maintain(
            "no_such_table",
            MaintenanceTask.ExpireSnapshots.builder().olderThan(Duration.ofDays(7)).build());

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Table mnt.no_such_table does not exist");
  }

  // ---- remove-old-metadata -------------------------------------------------------------------

  @Test
  void removeOldMetadata_keepTwo_setsThePropertiesAndRemovesTheOlderMetadataFiles()
      throws Exception {
    create("metadata");
    insertOnePerCommit("metadata", 1, 5);
    Path metadata = local(table("metadata").location()).resolve("metadata");
    long before = metadataJsonFiles(metadata);
    assertThat(before).isGreaterThan(4);

    TaskResult result =
        maintain("metadata", MaintenanceTask.RemoveOldMetadata.builder().keep(2).build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    // the property commit writes one more file, then at most 2 previous ones stay
    long removed = before + 1 - (2 + 1);
    assertThat(result.summary())
        .isEqualTo(
            "removed " + removed + " previous metadata file(s) of mnt.metadata; keeping at most 2");
    assertThat(metadataJsonFiles(metadata)).isEqualTo(3);
    assertThat(table("metadata").properties())
        .containsEntry(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true")
        .containsEntry(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2");
    assertThat(spark.table(name("metadata")).count()).isEqualTo(5);
  }

  private static long metadataJsonFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".metadata.json")).count();
    }
  }

  // ---- compact -------------------------------------------------------------------------------

  @Test
  void compact_fewerFilesThanMinInputFiles_leavesTheTableUnchanged() {
    create("compact_few");
    insertOnePerCommit("compact_few", 1, 5);
    assertThat(dataFiles("compact_few")).hasSize(5);
    long snapshot = currentSnapshot("compact_few");

    TaskResult result =
        maintain("compact_few", MaintenanceTask.Compact.builder().minInputFiles(10).build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).isEqualTo("nothing to compact in mnt.compact_few");
    assertThat(result.files()).isZero();
    assertThat(currentSnapshot("compact_few")).isEqualTo(snapshot);
    assertThat(dataFiles("compact_few")).hasSize(5);
  }

  @Test
  void compact_enoughSmallFiles_rewritesThemIntoOneWithTheSameRows() {
    create("compact_many");
    insertOnePerCommit("compact_many", 1, 5);
    List<String> before = rows("compact_many");
    assertThat(dataFiles("compact_many")).hasSize(5);

    TaskResult result =
        maintain("compact_many", MaintenanceTask.Compact.builder().minInputFiles(2).build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).isEqualTo("rewrote 5 data files into 1 in mnt.compact_many");
    assertThat(result.files()).isEqualTo(1);
    assertThat(result.rows()).isZero();
    assertThat(dataFiles("compact_many")).hasSize(1);
    assertThat(rows("compact_many")).isEqualTo(before);
  }

  @Test
  void compact_sortWithSortBy_writesOneFileInThatOrder() {
    create("compact_sort");
    insertOnePerCommit("compact_sort", 1, 6);

    TaskResult result =
        maintain(
            "compact_sort",
            MaintenanceTask.Compact.builder()
                .strategy(MaintenanceTask.Compact.Strategy.SORT)
                .addSortBy(SortField.desc("amount"))
                .minInputFiles(2)
                .targetFileSize(DataSize.ofMegabytes(64))
                .build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).startsWith("rewrote 6 data files into 1 in mnt.compact_sort");
    assertThat(amountsInFileOrder("compact_sort"))
        .hasSize(6)
        .isSortedAccordingTo(java.util.Comparator.reverseOrder());
  }

  @Test
  void compact_sortWithoutSortBy_usesTheTableSortOrder() {
    create("compact_tsort", definition -> definition.sortBy("amount"));
    insertOnePerCommit("compact_tsort", 1, 6);

    TaskResult result =
        maintain(
            "compact_tsort",
            MaintenanceTask.Compact.builder()
                .strategy(MaintenanceTask.Compact.Strategy.SORT)
                .minInputFiles(2)
                .build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(amountsInFileOrder("compact_tsort")).hasSize(6).isSorted();
  }

  @Test
  void compact_sortWithoutAnySortOrder_failsSayingWhatToSet() {
    create("compact_nosort");
    insertOnePerCommit("compact_nosort", 1, 3);
    long snapshot = currentSnapshot("compact_nosort");

    TaskResult result =
        maintain(
            "compact_nosort",
            MaintenanceTask.Compact.builder()
                .strategy(MaintenanceTask.Compact.Strategy.SORT)
                .minInputFiles(2)
                .build());

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("Cannot compact mnt.compact_nosort with strategy SORT")
        .contains("set sort-by on the compact task");
    assertThat(currentSnapshot("compact_nosort")).isEqualTo(snapshot);
  }

  /** The amounts of the table's only data file, in the order they are stored. */
  private List<Integer> amountsInFileOrder(String table) {
    List<String> files = dataFiles(table);
    assertThat(files).hasSize(1);
    return spark.read().parquet(files.get(0)).select("amount").collectAsList().stream()
        .map(row -> row.getInt(0))
        .toList();
  }

  // ---- rewrite-manifests ---------------------------------------------------------------------

  @Test
  void rewriteManifests_oneManifestPerCommit_rewritesThemIntoOne() {
    create("manifests");
    insertOnePerCommit("manifests", 1, 4);
    List<String> before = rows("manifests");
    assertThat(manifests("manifests")).isEqualTo(4);

    TaskResult result = maintain("manifests", MaintenanceTask.RewriteManifests.builder().build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).isEqualTo("rewrote 4 manifest(s) of mnt.manifests into 1");
    assertThat(manifests("manifests")).isEqualTo(1);
    assertThat(rows("manifests")).isEqualTo(before);
  }

  private long manifests(String table) {
    return spark.sql("SELECT count(*) FROM " + name(table) + ".manifests").first().getLong(0);
  }

  // ---- remove-orphans ------------------------------------------------------------------------

  @Test
  void removeOrphans_dryRunThenRun_listsThenDeletesOnlyOldStrayFiles() throws Exception {
    create("orphans");
    insertOnePerCommit("orphans", 1, 2);
    Path data = local(table("orphans").location()).resolve("data");
    Path old = Files.writeString(data.resolve("stray-old.parquet"), "left by a crashed writer");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
    Path fresh = Files.writeString(data.resolve("stray-fresh.parquet"), "a write in progress");
    Clock now = Clock.fixed(Instant.now(), ZoneOffset.UTC);
    Instant cutoff = now.instant().minus(Duration.ofDays(3));

    TaskResult dryRun =
        maintain(
            "orphans",
            MaintenanceTask.RemoveOrphans.builder()
                .olderThan(Duration.ofDays(3))
                .dryRun(true)
                .build(),
            now);

    assertThat(dryRun.status()).as(dryRun.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(dryRun.summary())
        .isEqualTo(
            "found 1 orphan file(s) older than "
                + cutoff
                + " in mnt.orphans (dry run: nothing deleted)");
    assertThat(old).exists();
    assertThat(fresh).exists();

    TaskResult run =
        maintain(
            "orphans",
            MaintenanceTask.RemoveOrphans.builder().olderThan(Duration.ofDays(3)).build(),
            now);

    assertThat(run.status()).as(run.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(run.summary())
        .isEqualTo("deleted 1 orphan file(s) older than " + cutoff + " from mnt.orphans");
    assertThat(run.files()).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(spark.table(name("orphans")).count()).isEqualTo(2);
  }

  // ---- hard-delete ---------------------------------------------------------------------------

  private static MaintenanceTask.HardDelete hardDelete(String column, boolean dryRun) {
    return MaintenanceTask.HardDelete.builder()
        .column(column)
        .olderThan(THIRTY_DAYS)
        .dryRun(dryRun)
        .build();
  }

  /** Three rows before 2024-01-31 (one commit), one exactly at it and one after (another). */
  private void insertOldAndNew(String table) {
    insert(
        table,
        "(1, 10, TIMESTAMP_NTZ '2023-06-01 00:00:00'),"
            + " (2, 20, TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
            + " (3, 30, TIMESTAMP_NTZ '2024-01-30 23:59:59.999999')");
    insert(
        table,
        "(4, 40, TIMESTAMP_NTZ '2024-01-31 00:00:00'), (5, 50, TIMESTAMP_NTZ '2024-02-15 00:00:00')");
  }

  @Test
  void hardDelete_oldRows_deletesThemExpiresEveryOldSnapshotAndProvesIt() throws Exception {
    create("hd");
    // a merge recorded its source snapshot in this commit's summary
    CommitMetadata.withCommitProperties(
        Map.of("lakeplan.merge.upsert.source-snapshot", "42"),
        () -> {
          insertOldAndNew("hd");
          return null;
        },
        RuntimeException.class);
    List<Long> oldSnapshots = snapshotIds("hd");
    List<String> oldFiles = dataFiles("hd");
    assertThat(physicalRowsBefore("hd", "2024-01-31 00:00:00")).isEqualTo(3);

    TaskResult result = maintain("hd", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(3);
    assertThat(result.summary())
        .isEqualTo(
            "deleted 3 rows of mnt.hd with updated_at < 2024-01-31T00:00:00Z; expired 2"
                + " snapshot(s); proof: 0 rows before the cutoff in the 1 remaining snapshot(s)");
    assertThat(spark.sql("SELECT id FROM " + name("hd") + " ORDER BY id").collectAsList())
        .extracting(row -> row.getLong(0))
        .containsExactly(4L, 5L);
    assertThat(snapshotIds("hd")).hasSize(1).doesNotContainAnyElementsOf(oldSnapshots);
    for (long old : oldSnapshots) {
      assertThatThrownBy(
              () ->
                  spark
                      .sql("SELECT * FROM " + name("hd") + " VERSION AS OF " + old)
                      .collectAsList())
          .hasMessageContaining("Cannot find snapshot with ID " + old);
    }
    List<String> live = dataFiles("hd");
    assertThat(oldFiles.stream().filter(file -> Files.exists(local(file))).toList())
        .as("files of expired snapshots are gone")
        .isNotEmpty()
        .allMatch(live::contains);
    assertThat(physicalRowsBefore("hd", "2024-01-31 00:00:00")).isZero();
    assertThat(table("hd").currentSnapshot().summary())
        .containsEntry("lakeplan.merge.upsert.source-snapshot", "42");
  }

  /**
   * The entries, live or of removed files, of every manifest a retained snapshot of {@code table}
   * reaches whose data file's bounds allow an {@code updated_at} before {@code cutoff} (a lower
   * bound before it, or none), read from the manifest files with plain Avro.
   */
  private List<ManifestEntry> entriesBefore(String table, String cutoff) {
    LocalDateTime limit = LocalDateTime.parse(cutoff.replace(' ', 'T'));
    return ManifestEntry.readAll(table(table)).stream()
        .filter(entry -> entry.content() == ManifestEntry.Content.DATA)
        .filter(
            entry -> {
              Object lower = entry.lowerBounds().get("updated_at");
              return lower == null || ((LocalDateTime) lower).isBefore(limit);
            })
        .toList();
  }

  @Test
  void hardDelete_oneRowFileAmongOthers_leavesNoManifestEntryWithItsValues() {
    create("hd_entries", definition -> definition.column("email", "string"));
    insert(
        "hd_entries",
        "(1, 10, TIMESTAMP_NTZ '2023-06-01 00:00:00', 'ada.lovelace@example.org'),"
            + " (2, 20, TIMESTAMP_NTZ '2024-02-01 00:00:00', 'alan.turing@example.org')");
    // a file of one row before the cutoff: its bounds are that row's values
    insert(
        "hd_entries",
        "(3, 30, TIMESTAMP_NTZ '2024-01-15 08:30:00', 'grace.hopper@navy.example.mil')");
    insert(
        "hd_entries", "(4, 40, TIMESTAMP_NTZ '2024-02-20 00:00:00', 'edsger.dijkstra@example.nl')");
    List<ManifestEntry> before = entriesBefore("hd_entries", "2024-01-31 00:00:00");
    assertThat(before)
        .as("the one-row file's entry holds its e-mail prefix and timestamp")
        .anyMatch(
            entry ->
                Long.valueOf(3).equals(entry.lowerBounds().get("id"))
                    && Long.valueOf(3).equals(entry.upperBounds().get("id"))
                    && "grace.hopper@nav".equals(entry.lowerBounds().get("email")));
    List<String> oldFiles = before.stream().map(ManifestEntry::file).distinct().toList();
    assertThat(oldFiles).hasSize(2);

    TaskResult result = maintain("hd_entries", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(2);
    assertThat(result.summary())
        .isEqualTo(
            "deleted 2 rows of mnt.hd_entries with updated_at < 2024-01-31T00:00:00Z; expired 3"
                + " snapshot(s); proof: 0 rows before the cutoff in the 1 remaining snapshot(s)");
    List<ManifestEntry> after = ManifestEntry.readAll(table("hd_entries"));
    assertThat(after).as("entries of the remaining snapshot's manifests").isNotEmpty();
    assertThat(entriesBefore("hd_entries", "2024-01-31 00:00:00"))
        .as("entries whose bounds hold a value before the cutoff")
        .isEmpty();
    assertThat(after)
        .as("entries of the files that held the deleted rows")
        .extracting(ManifestEntry::file)
        .doesNotContainAnyElementsOf(oldFiles);
    assertThat(after)
        .as("no entry of a removed file is left")
        .extracting(ManifestEntry::status)
        .doesNotContain(ManifestEntry.Status.DELETED);
  }

  @Test
  void hardDelete_tagReachingARemovedOldFilesEntry_isNotProvenNamesTheManifestAndStaysPending() {
    create("hd_tag_entries");
    insert("hd_tag_entries", "(1, 10, TIMESTAMP_NTZ '2023-06-01 00:00:00')");
    insert("hd_tag_entries", "(2, 20, TIMESTAMP_NTZ '2024-02-01 00:00:00')");
    // a copy-on-write delete removes the old row's file: its entry (status DELETED) keeps bounds
    spark.sql("DELETE FROM " + name("hd_tag_entries") + " WHERE id = 1");
    long tagged = currentSnapshot("hd_tag_entries");
    spark.sql("ALTER TABLE " + name("hd_tag_entries") + " CREATE TAG `audit`");
    List<String> manifests =
        entriesBefore("hd_tag_entries", "2024-01-31 00:00:00").stream()
            .filter(entry -> entry.snapshotId() == tagged)
            .filter(entry -> entry.status() == ManifestEntry.Status.DELETED)
            .map(ManifestEntry::manifest)
            .toList();
    assertThat(manifests).hasSize(1);

    TaskResult result = maintain("hd_tag_entries", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Hard delete of mnt.hd_tag_entries is not proven: snapshot "
                + tagged
                + " (retained by tag 'audit') reaches manifest "
                + manifests.get(0)
                + ", which keeps 1 entry of removed data files whose bounds allow rows before the"
                + " cutoff with updated_at < 2024-01-31T00:00:00Z. The rows are deleted from the"
                + " current snapshot and "
                + HardDeletes.PENDING_PROPERTY
                + " stays set; run the hard delete again to complete it");
    assertThat(table("hd_tag_entries").properties())
        .containsEntry(HardDeletes.PENDING_PROPERTY, "2024-01-31T00:00:00Z");
    assertThat(
            entriesBefore("hd_tag_entries", "2024-01-31 00:00:00").stream()
                .filter(entry -> entry.snapshotId() != tagged))
        .as("the current snapshot's manifests keep no such entry")
        .isEmpty();
  }

  @Test
  void hardDelete_mergeOnReadTable_leavesNoDeletedRowInAnyFile() throws Exception {
    create(
        "hd_mor",
        definition ->
            definition
                .putProperty("write.delete.mode", "merge-on-read")
                .putProperty("write.update.mode", "merge-on-read"));
    // old and new rows in one data file: the DELETE must write a position delete for it
    spark
        .sql(
            "SELECT * FROM VALUES (1, 10, TIMESTAMP_NTZ '2023-06-01 00:00:00'),"
                + " (2, 20, TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
                + " (3, 30, TIMESTAMP_NTZ '2024-01-30 23:59:59.999999'),"
                + " (4, 40, TIMESTAMP_NTZ '2024-01-31 00:00:00'),"
                + " (5, 50, TIMESTAMP_NTZ '2024-02-15 00:00:00') AS v(id, amount, updated_at)")
        .coalesce(1)
        .writeTo(name("hd_mor"))
        .append();
    insert("hd_mor", "(6, 60, TIMESTAMP_NTZ '2024-02-20 00:00:00')");
    assertThat(dataFiles("hd_mor")).hasSize(2);

    TaskResult result = maintain("hd_mor", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(3);
    assertThat(rows("hd_mor")).hasSize(3);
    assertThat(physicalRowsBefore("hd_mor", "2024-01-31 00:00:00"))
        .as("rows before the cutoff in any data file under the table")
        .isZero();
    assertThat(entriesBefore("hd_mor", "2024-01-31 00:00:00"))
        .as("manifest entries whose bounds hold a value before the cutoff")
        .isEmpty();
  }

  @Test
  void hardDelete_noMatchingRows_commitsNothingButStillExpiresAndProves() {
    create("hd_none");
    insert("hd_none", "(1, 10, TIMESTAMP_NTZ '2024-02-10 00:00:00')");
    insert("hd_none", "(2, 20, TIMESTAMP_NTZ '2024-02-11 00:00:00')");
    long current = currentSnapshot("hd_none");

    TaskResult result = maintain("hd_none", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isZero();
    assertThat(result.summary())
        .isEqualTo(
            "deleted 0 rows of mnt.hd_none with updated_at < 2024-01-31T00:00:00Z; expired 1"
                + " snapshot(s); proof: 0 rows before the cutoff in the 1 remaining snapshot(s)");
    assertThat(snapshotIds("hd_none")).containsExactly(current);
  }

  @Test
  void hardDelete_tagRetainsOldRows_changesNothingAndNamesTheTag() {
    create("hd_tag");
    insertOldAndNew("hd_tag");
    long tagged = currentSnapshot("hd_tag");
    spark.sql("ALTER TABLE " + name("hd_tag") + " CREATE TAG `audit_2024`");
    List<Long> snapshots = snapshotIds("hd_tag");
    List<String> before = rows("hd_tag");

    TaskResult result = maintain("hd_tag", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Hard delete of mnt.hd_tag not started: tag 'audit_2024' (snapshot "
                + tagged
                + ") returns 3 row(s) with updated_at < 2024-01-31T00:00:00Z, and a hard delete"
                + " cannot remove them while it is kept; remove that tag or branch (or the old"
                + " rows on it) and run the hard delete again (nothing was changed)");
    assertThat(rows("hd_tag")).as("the live table is unchanged").isEqualTo(before);
    assertThat(snapshotIds("hd_tag")).isEqualTo(snapshots);
    assertThat(table("hd_tag").properties()).doesNotContainKey(HardDeletes.PENDING_PROPERTY);

    spark.sql("ALTER TABLE " + name("hd_tag") + " DROP TAG `audit_2024`");
    TaskResult again = maintain("hd_tag", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(again.status()).as(again.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(again.rows()).isEqualTo(3);
    assertThat(physicalRowsBefore("hd_tag", "2024-01-31 00:00:00")).isZero();
  }

  @Test
  void hardDelete_oldRowsOnlyHiddenByDeleteFiles_rewritesTheirFilesAndProvesOnTheFiles()
      throws Exception {
    create(
        "hd_hidden",
        definition ->
            definition
                .putProperty("write.delete.mode", "merge-on-read")
                .putProperty("write.update.mode", "merge-on-read"));
    spark
        .sql(
            "SELECT * FROM VALUES (1, 10, TIMESTAMP_NTZ '2023-06-01 00:00:00'),"
                + " (2, 20, TIMESTAMP_NTZ '2024-01-01 00:00:00'),"
                + " (4, 40, TIMESTAMP_NTZ '2024-01-31 00:00:00') AS v(id, amount, updated_at)")
        .coalesce(1)
        .writeTo(name("hd_hidden"))
        .append();
    // an update (a merge, in a pipeline) moves the old rows on: the current snapshot has no row
    // before the cutoff, but the data file still holds both, masked by a position delete file
    spark.sql(
        "UPDATE "
            + name("hd_hidden")
            + " SET updated_at = TIMESTAMP_NTZ '2024-02-10 00:00:00' WHERE id IN (1, 2)");
    assertThat(spark.table(name("hd_hidden")).where("updated_at < '2024-01-31'").count()).isZero();
    assertThat(physicalRowsBefore("hd_hidden", "2024-01-31 00:00:00")).isEqualTo(2);

    TaskResult result = maintain("hd_hidden", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isZero();
    assertThat(rows("hd_hidden")).hasSize(3);
    assertThat(physicalRowsBefore("hd_hidden", "2024-01-31 00:00:00"))
        .as("rows before the cutoff in any data file under the table")
        .isZero();
    assertThat(entriesBefore("hd_hidden", "2024-01-31 00:00:00"))
        .as("manifest entries whose bounds hold a value before the cutoff")
        .isEmpty();
  }

  @Test
  void hardDelete_pendingFromAnInterruptedRun_isCompletedWithTheLaterCutoffAndCleared() {
    create("hd_pending");
    insertOldAndNew("hd_pending");
    // an earlier run, killed after its delete, had the later cutoff of 2024-02-01
    table("hd_pending")
        .updateProperties()
        .set(HardDeletes.PENDING_PROPERTY, "2024-02-01T00:00:00Z")
        .commit();

    TaskResult result = maintain("hd_pending", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary())
        .startsWith("deleted 4 rows of mnt.hd_pending with updated_at < 2024-02-01T00:00:00Z")
        .endsWith("; completed the unfinished hard delete up to 2024-02-01T00:00:00Z");
    assertThat(rows("hd_pending")).hasSize(1);
    assertThat(table("hd_pending").properties()).doesNotContainKey(HardDeletes.PENDING_PROPERTY);
  }

  @Test
  void hardDelete_dryRun_changesNothingAndCountsWhatTheRunThenDoes() {
    create("hd_dry");
    insertOldAndNew("hd_dry");
    List<Long> snapshots = snapshotIds("hd_dry");
    List<String> before = rows("hd_dry");

    TaskResult dryRun = maintain("hd_dry", hardDelete("updated_at", true), MARCH_FIRST);

    assertThat(dryRun.status()).as(dryRun.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(dryRun.summary())
        .isEqualTo(
            "dry run: would delete 3 rows of mnt.hd_dry with updated_at < 2024-01-31T00:00:00Z"
                + " and expire 2 snapshot(s)");
    assertThat(dryRun.rows()).isZero();
    assertThat(snapshotIds("hd_dry")).isEqualTo(snapshots);
    assertThat(rows("hd_dry")).isEqualTo(before);

    TaskResult run = maintain("hd_dry", hardDelete("updated_at", false), MARCH_FIRST);

    assertThat(run.summary()).startsWith("deleted 3 rows of").contains("expired 2 snapshot(s)");
  }

  @Test
  void hardDelete_dateColumn_deletesTheDaysStartingBeforeTheCutoff() {
    create("hd_date", definition -> definition.column("day", "date"));
    insert(
        "hd_date",
        "(1, 1, NULL, DATE '2024-01-30'), (2, 2, NULL, DATE '2024-01-31'),"
            + " (3, 3, NULL, DATE '2024-02-01')");
    // cutoff 2024-01-31T12:00Z: 2024-01-31 began before it, 2024-02-01 did not
    Clock noon = Clock.fixed(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC);

    TaskResult result = maintain("hd_date", hardDelete("day", false), noon);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.rows()).isEqualTo(2);
    assertThat(result.summary())
        .startsWith("deleted 2 rows of mnt.hd_date with day < 2024-01-31T12:00:00Z;");
    assertThat(spark.sql("SELECT id FROM " + name("hd_date")).collectAsList())
        .extracting(row -> row.getLong(0))
        .containsExactly(3L);
  }

  @Test
  void hardDelete_timestampWithZoneColumn_comparesInstants() {
    create("hd_tz", definition -> definition.column("event_at", "timestamptz"));
    insert(
        "hd_tz",
        "(1, 1, NULL, TIMESTAMP '2024-01-30 23:00:00-02:00'),"
            + " (2, 2, NULL, TIMESTAMP '2024-01-31 01:00:00+02:00'),"
            + " (3, 3, NULL, TIMESTAMP '2024-01-31 00:00:00Z')");

    TaskResult result = maintain("hd_tz", hardDelete("event_at", false), MARCH_FIRST);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    // 2024-01-31T01:00Z, 2024-01-30T23:00Z, 2024-01-31T00:00Z against the cutoff 2024-01-31T00:00Z
    assertThat(result.rows()).isEqualTo(1);
    assertThat(spark.sql("SELECT id FROM " + name("hd_tz") + " ORDER BY id").collectAsList())
        .extracting(row -> row.getLong(0))
        .containsExactly(1L, 3L);
  }

  @Test
  void hardDelete_columnOfAnotherType_failsNamingColumnAndType() {
    create("hd_type");
    insertOldAndNew("hd_type");
    List<Long> snapshots = snapshotIds("hd_type");

    TaskResult result = maintain("hd_type", hardDelete("amount", false), MARCH_FIRST);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Hard-delete column amount of mnt.hd_type is int; it must be a date, timestamp or"
                + " timestamptz column");
    assertThat(snapshotIds("hd_type")).isEqualTo(snapshots);
  }

  @Test
  void hardDelete_unknownColumn_failsListingTheColumns() {
    create("hd_unknown");

    TaskResult result = maintain("hd_unknown", hardDelete("created_at", false), MARCH_FIRST);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Hard-delete column created_at is not a column of mnt.hd_unknown (columns: id, amount,"
                + " updated_at)");
  }

  @Test
  void hardDelete_unsafeColumnName_isRejectedBeforeAnySql() {
    create("hd_unsafe");
    insertOldAndNew("hd_unsafe");

    TaskResult result =
        maintain("hd_unsafe", hardDelete("updated_at` OR 1=1 --", false), MARCH_FIRST);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Unsafe SQL identifier: 'updated_at` OR 1=1 --'");
    assertThat(spark.table(name("hd_unsafe")).count()).isEqualTo(5);
  }
}
