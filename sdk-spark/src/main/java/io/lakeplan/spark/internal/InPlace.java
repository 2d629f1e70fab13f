package io.lakeplan.spark.internal;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.SchemaChanges;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.shaded.org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.iceberg.shaded.org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.types.StructType;

/**
 * ADD_FILES without a Spark job, for the common layout: Parquet files directly in the input folder,
 * registered into an unpartitioned table. The stored schema comes from one file's footer (as
 * Spark's inference reads one), the files' metrics from every footer, read in parallel by Iceberg's
 * {@link ParquetUtil#fileMetrics} (what the {@code add_files} procedure runs in a Spark job), and
 * one commit adds the files with the input's fingerprint and the name mapping files without field
 * ids are read by. Other layouts (partition folders, ORC, Avro, a Hive table, a partitioned table)
 * go through the procedure.
 */
final class InPlace {

  /** Footers read at once: the lake's files are usually remote, and each read is one round trip. */
  private static final int MAX_PARALLEL_READS = 16;

  private final Context context;
  private final Migration migration;
  private final Table table;
  private final String location;
  private final List<FileStatus> files;
  private final StructType schema;

  private InPlace(
      Context context,
      Migration migration,
      Table table,
      String location,
      List<FileStatus> files,
      StructType schema) {
    this.context = context;
    this.migration = migration;
    this.table = table;
    this.location = location;
    this.files = files;
    this.schema = schema;
  }

  /**
   * The registration of the files at {@code location} into {@code table}, or null when their layout
   * is not one this class handles.
   *
   * @throws TaskFailedException when the first file's footer cannot be read
   */
  static InPlace of(Context context, Migration migration, Table table, String location) {
    if (migration.source().format() != FileFormat.PARQUET
        || (migration.source().hiveTable() != null && migration.landing() == null)
        || !table.spec().isUnpartitioned()) {
      return null;
    }
    Configuration conf = context.spark.sparkContext().hadoopConfiguration();
    Path root = new Path(location);
    List<FileStatus> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return null; // the procedure's path names the missing folder
      }
      for (FileStatus status : fs.listStatus(root)) {
        String name = status.getPath().getName();
        if (!status.isFile()) {
          // partition folders; a hidden folder's files are in the input's fingerprint
          return null;
        }
        if (name.startsWith("_") || name.startsWith(".")) {
          continue; // readers skip them too
        }
        files.add(status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + location, e);
    }
    if (files.isEmpty()) {
      return null;
    }
    Path first = files.stream().map(FileStatus::getPath).min(Comparator.naturalOrder()).get();
    StructType schema;
    // Iceberg's runtime carries Parquet relocated: its schema converter takes that Parquet's types
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(first, conf))) {
      schema =
          SparkSchemaUtil.convert(
              ParquetSchemaUtil.convert(reader.getFooter().getFileMetaData().getSchema()));
    } catch (IOException | RuntimeException e) {
      throw new TaskFailedException(
          "Cannot read " + location + " as PARQUET: " + Failures.rootMessage(e), e);
    }
    return new InPlace(context, migration, table, location, List.copyOf(files), schema);
  }

  /** The stored columns and types, as the first file's footer declares them. */
  StructType schema() {
    return schema;
  }

  /** The data files, as a recursive listing of the folder finds them. */
  List<FileStatus> files() {
    return files;
  }

  /**
   * Each file with the metrics of its footer, footers read in parallel.
   *
   * @throws TaskFailedException naming a file whose footer cannot be read
   */
  private List<DataFile> dataFiles(NameMapping mapping) {
    Configuration conf = context.spark.sparkContext().hadoopConfiguration();
    MetricsConfig metrics = MetricsConfig.forTable(table);
    ExecutorService readers =
        Executors.newFixedThreadPool(Math.min(files.size(), MAX_PARALLEL_READS));
    try {
      List<Future<DataFile>> reads = new ArrayList<>();
      for (FileStatus file : files) {
        reads.add(readers.submit(() -> dataFile(file, conf, metrics, mapping)));
      }
      List<DataFile> dataFiles = new ArrayList<>();
      for (Future<DataFile> read : reads) {
        dataFiles.add(read.get());
      }
      return dataFiles;
    } catch (ExecutionException e) {
      throw new TaskFailedException(
          "Cannot read " + location + " as PARQUET: " + Failures.rootMessage(e.getCause()),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailedException("Interrupted while reading the footers of " + location, e);
    } finally {
      readers.shutdownNow();
    }
  }

  private DataFile dataFile(
      FileStatus file, Configuration conf, MetricsConfig metrics, NameMapping mapping) {
    try {
      return DataFiles.builder(table.spec())
          .withPath(file.getPath().toString())
          .withFormat(org.apache.iceberg.FileFormat.PARQUET)
          .withFileSizeInBytes(file.getLen())
          .withMetrics(
              ParquetUtil.fileMetrics(
                  org.apache.iceberg.hadoop.HadoopInputFile.fromStatus(file, conf),
                  metrics,
                  mapping))
          .build();
    } catch (RuntimeException e) {
      throw new IllegalStateException(file.getPath() + ": " + Failures.rootMessage(e), e);
    }
  }

  /**
   * Registers the files, their fingerprint and the table's name mapping in one commit.
   *
   * @throws TaskFailedException when a file's footer cannot be read (nothing is committed then) or
   *     the commit fails
   */
  TaskResult register(String fingerprint, SchemaChanges.Decision changes) {
    String mappingJson = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    NameMapping mapping =
        mappingJson != null
            ? NameMappingParser.fromJson(mappingJson)
            : MappingUtil.create(table.schema());
    List<DataFile> dataFiles;
    try {
      dataFiles = dataFiles(mapping);
      String key = CommitProperties.migrationSource(migration.id());
      Transaction transaction = table.newTransaction();
      AppendFiles append = transaction.newAppend();
      dataFiles.forEach(append::appendFile);
      append.set(key, fingerprint).commit();
      var properties = transaction.updateProperties().set(key, fingerprint);
      if (mappingJson == null) {
        // files without field ids are read by name (what add_files sets too)
        properties.set(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(mapping));
      }
      properties.commit();
      transaction.commitTransaction();
    } catch (RuntimeException e) {
      throw new TaskFailedException(
          "add_files into " + migration.target().table() + " failed: " + Failures.rootMessage(e),
          e);
    }
    CrashPoints.reach("after-commit");
    long rows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    long bytes = dataFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum();
    return TaskResult.succeeded(
        rows,
        dataFiles.size(),
        bytes,
        Duration.ZERO,
        "added "
            + dataFiles.size()
            + " files of "
            + location
            + " to "
            + migration.target().table()
            + " in place"
            + changes.summary());
  }
}
