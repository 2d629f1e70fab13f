package io.lakeplan.testkit.internal;

import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.MigrationInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.avro.Avro;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.avro.PlannedDataReader;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.inmemory.InMemoryFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFile;

/**
 * The in-memory lake: Iceberg's {@link InMemoryCatalog} and file IO, one private warehouse per
 * driver, data files written as Avro through Iceberg's generic-record writers. It also keeps what
 * Iceberg cannot be told: the driver-clock time of every commit (Iceberg stamps snapshots with the
 * wall clock) and of every data file written, for expiry and orphan removal on the test's clock.
 */
public final class Lake implements AutoCloseable {

  /**
   * Runs Iceberg's parallel work (writing and reading manifests in a commit, planning scans) on the
   * calling thread. With Iceberg's worker pool the caller polls for the results every 10 ms, which
   * for in-memory manifests that take microseconds made each commit wait 20-40 ms — most of a
   * pipeline test.
   */
  static final ExecutorService INLINE = new InlineExecutor();

  /** A handle on the JVM-wide in-memory file store (the catalog's file IO shares it). */
  private static final InMemoryFileIO FILES = new InMemoryFileIO();

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final String warehouse;
  private final Supplier<Instant> clock;
  private final Map<Long, Instant> commitTimes = new ConcurrentHashMap<>();
  private final Map<String, Instant> writtenFiles = new ConcurrentHashMap<>();
  private final Map<String, Written> written = new ConcurrentHashMap<>();
  private final Map<TableIdentifier, Table> loaded = new ConcurrentHashMap<>();
  // by table location and snapshot id
  private final Map<String, List<DataFile>> liveFiles = new ConcurrentHashMap<>();

  /** A lake whose times come from {@code clock}. */
  public Lake(Supplier<Instant> clock) {
    this.clock = clock;
    // InMemoryFileIO keeps its files in one JVM-wide map: a unique warehouse keeps drivers apart
    this.warehouse = "memory://lakeplan-" + UUID.randomUUID();
    catalog.initialize("lakeplan", Map.of("warehouse", warehouse));
  }

  /** The driver clock's current time. */
  public Instant now() {
    return clock.get();
  }

  /** The root location of the lake's files. */
  public String warehouse() {
    return warehouse;
  }

  /** Iceberg's identifier for {@code table}. */
  static TableIdentifier identifier(TableId table) {
    return TableIdentifier.of(table.namespace(), table.name());
  }

  /** Whether {@code table} exists. */
  public boolean exists(TableId table) {
    return find(table) != null;
  }

  /**
   * The table, or null when it does not exist. A table is loaded once and refreshed on each later
   * call (a refresh reads nothing unless a commit changed the table); loading parses its metadata
   * file, which tasks and assertions that look a table up again and again would pay each time.
   */
  public Table find(TableId id) {
    TableIdentifier identifier = identifier(id);
    Table known = loaded.get(identifier);
    if (known != null) {
      known.refresh();
      return known;
    }
    try {
      Table table = catalog.loadTable(identifier);
      loaded.put(identifier, table);
      return table;
    } catch (NoSuchTableException e) {
      return null;
    }
  }

  /**
   * The table.
   *
   * @throws TaskFailure naming the table when it does not exist
   */
  public Table load(TableId table) {
    Table loaded = find(table);
    if (loaded == null) {
      throw new TaskFailure(EngineSteps.tableMissing(table));
    }
    return loaded;
  }

  /**
   * Creates {@code definition}'s table with its schema, partitioning, sort order and properties.
   */
  public Table create(TableDefinition definition) {
    Namespace namespace = Namespace.of(definition.table().namespace());
    if (!catalog.namespaceExists(namespace)) {
      catalog.createNamespace(namespace);
    }
    Schema schema = Values.schema(definition);
    Map<String, String> properties = new LinkedHashMap<>(definition.effectiveProperties());
    properties.put("format-version", Integer.toString(definition.formatVersion()));
    return catalog
        .buildTable(identifier(definition.table()), schema)
        .withPartitionSpec(Values.spec(definition, schema))
        .withSortOrder(Values.sortOrder(definition.sortBy(), schema))
        .withProperties(properties)
        .create();
  }

  /** Creates a table of {@code schema} (unpartitioned) if it does not exist, e.g. dead letters. */
  public Table createIfAbsent(TableId id, Schema schema) {
    Table existing = find(id);
    if (existing != null) {
      return existing;
    }
    Namespace namespace = Namespace.of(id.namespace());
    if (!catalog.namespaceExists(namespace)) {
      catalog.createNamespace(namespace);
    }
    return catalog.createTable(identifier(id), schema);
  }

  /** Every table of the lake. */
  public List<TableId> tables() {
    List<TableId> tables = new ArrayList<>();
    for (Namespace namespace : catalog.listNamespaces()) {
      for (TableIdentifier identifier : catalog.listTables(namespace)) {
        tables.add(TableId.of(namespace.level(0), identifier.name()));
      }
    }
    return tables;
  }

  /** Whether a file exists in the in-memory file IO. */
  public boolean fileExists(String location) {
    return FILES.fileExists(location);
  }

  /** {@code update} with its manifest work run on the calling thread (see {@link #INLINE}). */
  static <T extends SnapshotUpdate<T>> T inline(T update) {
    return update.scanManifestsWith(INLINE);
  }

  /** Records the driver-clock time of {@code table}'s current snapshot, just committed. */
  public void committed(Table table) {
    table.refresh();
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot != null) {
      commitTimes.putIfAbsent(snapshot.snapshotId(), now());
    }
  }

  /** The driver-clock time at which {@code snapshot} was committed (wall clock if unknown). */
  public Instant commitTime(Snapshot snapshot) {
    Instant time = commitTimes.get(snapshot.snapshotId());
    return time != null ? time : Instant.ofEpochMilli(snapshot.timestampMillis());
  }

  /** The driver-clock creation time of every data file this lake wrote, by location. */
  public Map<String, Instant> writtenFiles() {
    return new TreeMap<>(writtenFiles);
  }

  /** Forgets a deleted file. */
  public void forget(String location) {
    writtenFiles.remove(location);
    written.remove(location);
  }

  /**
   * Writes {@code records} (of the table's schema) as data files, one per partition, not yet
   * committed.
   */
  public List<DataFile> write(Table table, List<Record> records) {
    return write(table, table.spec(), records);
  }

  /** Writes {@code records} as data files of {@code spec}, one per partition, not committed. */
  public List<DataFile> write(Table table, PartitionSpec spec, List<Record> records) {
    if (records.isEmpty()) {
      return List.of();
    }
    Schema schema = table.schema();
    Map<PartitionKey, List<Record>> byPartition = new Partitioner(spec, schema).group(records);
    // one file per partition, written side by side as Spark's tasks write them
    return Parallel.map(
        List.copyOf(byPartition.entrySet()),
        partition -> {
          String name = UUID.randomUUID() + ".avro";
          String location =
              spec.isUnpartitioned()
                  ? table.locationProvider().newDataLocation(name)
                  : table.locationProvider().newDataLocation(spec, partition.getKey(), name);
          return writeFile(
              table.io(),
              location,
              schema,
              spec,
              MetricsConfig.forTable(table),
              partition.getKey(),
              partition.getValue());
        });
  }

  /**
   * Writes a file into {@code table}'s data folder that no snapshot references, as a writer that
   * failed before its commit leaves behind, recorded as written at {@code written}.
   *
   * @return the file's location
   */
  public String writeStray(Table table, Instant written) {
    String location = table.location() + "/data/stray-" + java.util.UUID.randomUUID() + ".avro";
    try (java.io.OutputStream out = table.io().newOutputFile(location).create()) {
      out.write("left by a failed writer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + location, e);
    }
    writtenFiles.put(location, written);
    return location;
  }

  /**
   * Writes one Avro data file of {@code records} at {@code location}, with the column metrics
   * {@code metrics} asks for (see {@link FileMetrics}).
   */
  public DataFile writeFile(
      FileIO io,
      String location,
      Schema schema,
      PartitionSpec spec,
      MetricsConfig metrics,
      StructLike partition,
      List<Record> records) {
    OutputFile output = io.newOutputFile(location);
    // the column metrics are worked out beside the Avro encoding (both only read the records): the
    // merge's and a Kafka batch's single file were encoded and then measured on one thread
    ForkJoinTask<Metrics> columnMetrics =
        ForkJoinTask.adapt(() -> FileMetrics.of(schema, metrics, records)).fork();
    try {
      DataWriter<Record> writer =
          Avro.writeData(output)
              .schema(schema)
              .createWriterFunc(org.apache.iceberg.data.avro.DataWriter::create)
              .withSpec(spec)
              .withPartition(spec.isUnpartitioned() ? null : partition)
              // the files live in memory: compressing them only costs time (it was 40% of a
              // pipeline test)
              .set(TableProperties.AVRO_COMPRESSION, "uncompressed")
              .overwrite()
              .build();
      try (writer) {
        for (Record record : records) {
          writer.write(record);
        }
      }
      writtenFiles.put(location, now());
      written.put(location, new Written(schema, List.copyOf(records)));
      return DataFiles.builder(spec)
          .copy(writer.toDataFile())
          .withMetrics(columnMetrics.join())
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write data file " + location, e);
    }
  }

  /**
   * The rows of one data file, read with {@code schema}; callers must not change them.
   *
   * <p>Data files never change once written, so a file this lake wrote is not decoded again: its
   * records are the ones written, as long as the file exists and is read with the schema it was
   * written with (after a schema change, the file is decoded with the new schema). Re-reading whole
   * tables is what reconciliation, watermarks, merges and assertions do; decoding every file again
   * each time was most of a pipeline test's time.
   */
  public List<Record> read(FileIO io, String location, Schema schema) {
    Written file = written.get(location);
    if (file != null
        && (file.schema() == schema || file.schema().sameSchema(schema))
        && FILES.fileExists(location)) {
      return file.records();
    }
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> reader =
        Avro.read(io.newInputFile(location))
            .project(schema)
            .createResolvingReader(PlannedDataReader::create)
            .build()) {
      for (Record record : reader) {
        records.add(record.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read data file " + location, e);
    }
    return Collections.unmodifiableList(records);
  }

  /** The rows of {@code table} at its current snapshot. */
  public List<Record> rows(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? List.of() : rows(table, current.snapshotId());
  }

  /** The rows of {@code table} as of {@code snapshotId}. */
  public List<Record> rows(Table table, long snapshotId) {
    List<Record> records = new ArrayList<>();
    for (DataFile file : dataFiles(table, snapshotId)) {
      records.addAll(read(table.io(), file.location(), table.schema()));
    }
    return records;
  }

  /**
   * The number of rows of {@code table} as of {@code snapshotId}: the snapshot summary's total when
   * the table has no delete files (the in-memory engine writes none), else the sum of the live
   * files' record counts, or a count of the rows read when a file has deletes.
   */
  public long rowCount(Table table, long snapshotId) {
    Snapshot snapshot = table.snapshot(snapshotId);
    Map<String, String> summary = snapshot.summary();
    String total = summary == null ? null : summary.get(SnapshotSummary.TOTAL_RECORDS_PROP);
    if (total != null && "0".equals(summary.get(SnapshotSummary.TOTAL_DELETE_FILES_PROP))) {
      return Long.parseLong(total);
    }
    if (!snapshot.deleteManifests(table.io()).isEmpty()) {
      return rows(table, snapshotId).size();
    }
    return dataFiles(table, snapshotId).stream().mapToLong(DataFile::recordCount).sum();
  }

  /**
   * The live data files of {@code table} as of {@code snapshotId}, read from its manifests (what a
   * scan without filter plans, without the scan's thread hand-offs).
   */
  public List<DataFile> dataFiles(Table table, long snapshotId) {
    // a snapshot never changes: its files are read once
    return liveFiles.computeIfAbsent(
        table.location() + "#" + snapshotId, ignored -> readDataFiles(table, snapshotId));
  }

  private static List<DataFile> readDataFiles(Table table, long snapshotId) {
    List<DataFile> files = new ArrayList<>();
    for (ManifestFile manifest : table.snapshot(snapshotId).dataManifests(table.io())) {
      try (ManifestReader<DataFile> reader =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : reader) {
          files.add(file.copy());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read manifest " + manifest.path(), e);
      }
    }
    return Collections.unmodifiableList(files);
  }

  /** The live data files of {@code table} now. */
  public List<DataFile> dataFiles(Table table) {
    Snapshot current = table.currentSnapshot();
    return current == null ? List.of() : dataFiles(table, current.snapshotId());
  }

  /**
   * Every file {@code table}'s metadata still references: metadata files, manifest lists, manifests
   * and data files of every retained snapshot.
   */
  public Set<String> referencedFiles(Table table) {
    Set<String> files = metadataFiles(table);
    for (Snapshot snapshot : table.snapshots()) {
      files.addAll(
          dataFiles(table, snapshot.snapshotId()).stream().map(DataFile::location).toList());
    }
    return files;
  }

  /** The summaries of the current snapshot and its ancestors, newest first. */
  public static List<Map<String, String>> summaries(Table table) {
    List<Map<String, String>> summaries = new ArrayList<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      summaries.add(snapshot.summary() == null ? Map.of() : snapshot.summary());
    }
    return summaries;
  }

  /** The value of summary property {@code key} in the newest snapshot that has it, or null. */
  public static String latestSummaryValue(Table table, String key) {
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      String value = snapshot.summary() == null ? null : snapshot.summary().get(key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * The newest value of every Lakeplan summary property ({@code lakeplan.…}) along the current
   * snapshot's ancestry: a maintenance commit carries them forward, so that expiring the snapshots
   * that wrote them loses no merge position, JDBC watermark or Kafka batch id.
   */
  public static Map<String, String> lakeplanProperties(Table table) {
    Map<String, String> properties = new TreeMap<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if (snapshot.summary() != null) {
        snapshot
            .summary()
            .forEach(
                (key, value) -> {
                  if (CommitProperties.isLakeplan(key)) {
                    properties.putIfAbsent(key, value);
                  }
                });
      }
    }
    return properties;
  }

  /** What {@code table}'s history says about migration {@code migrationId}'s last conversion. */
  public static MigrationInputs.History conversion(Table table, String migrationId) {
    List<MigrationInputs.Snapshot> ancestry = new ArrayList<>();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      ancestry.add(
          new MigrationInputs.Snapshot(
              snapshot.snapshotId(), snapshot.operation(), snapshot.summary()));
    }
    return MigrationInputs.history(
        migrationId,
        ancestry,
        table.properties().get(CommitProperties.migrationSource(migrationId)));
  }

  /** A whole-number summary property of {@code snapshot}, zero when absent. */
  public static long summaryLong(Snapshot snapshot, String key) {
    if (snapshot == null || snapshot.summary() == null) {
      return 0;
    }
    String value = snapshot.summary().get(key);
    return value == null ? 0 : Long.parseLong(value);
  }

  /**
   * Drops every table and deletes every file the lake wrote. Iceberg's purge would read every
   * manifest of every snapshot to find the data files; the lake knows them already (it wrote them),
   * so it deletes the metadata files, manifest lists and manifests of the retained snapshots and
   * then its own data files, which also covers files of tasks that never committed.
   */
  @Override
  public void close() {
    for (TableId id : tables()) {
      Table table = find(id);
      if (table != null) {
        metadataFiles(table).forEach(Lake::deleteIfExists);
        catalog.dropTable(identifier(id), false);
        loaded.remove(identifier(id));
      }
    }
    writtenFiles.keySet().forEach(Lake::deleteIfExists);
    writtenFiles.clear();
    written.clear();
    liveFiles.clear();
    try {
      catalog.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteIfExists(String location) {
    if (FILES.fileExists(location)) {
      FILES.deleteFile(location);
    }
  }

  /** The metadata files, manifest lists and manifests {@code table} still references. */
  private static Set<String> metadataFiles(Table table) {
    Set<String> files = new TreeSet<>();
    TableMetadata metadata = ((org.apache.iceberg.HasTableOperations) table).operations().current();
    files.add(metadata.metadataFileLocation());
    metadata.previousFiles().forEach(entry -> files.add(entry.file()));
    for (Snapshot snapshot : table.snapshots()) {
      files.add(snapshot.manifestListLocation());
      for (ManifestFile manifest : snapshot.allManifests(table.io())) {
        files.add(manifest.path());
      }
    }
    return files;
  }

  /** An executor that runs each task on the submitting thread; never shut down. */
  private static final class InlineExecutor extends AbstractExecutorService {
    @Override
    public void execute(Runnable task) {
      task.run();
    }

    @Override
    public void shutdown() {
      throw new UnsupportedOperationException("the in-memory lake's executor is shared");
    }

    @Override
    public List<Runnable> shutdownNow() {
      throw new UnsupportedOperationException("the in-memory lake's executor is shared");
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }
  }

  /** The records of a data file this lake wrote, with the schema they were written with. */
  private record Written(Schema schema, List<Record> records) {}
}
