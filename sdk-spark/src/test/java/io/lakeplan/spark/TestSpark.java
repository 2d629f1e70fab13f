package io.lakeplan.spark;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of the test JVM (Spark allows one), with the {@code lakeplan} Hadoop
 * catalog in a temporary warehouse removed at JVM exit, and helpers to run single tasks.
 */
public final class TestSpark {

  private static SparkSession session;
  private static Path root;

  private TestSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      root = createRoot();
      session = LakeplanCatalog.localSession(root.resolve("warehouse"));
    }
    return session;
  }

  static Path warehouse() {
    session();
    return root.resolve("warehouse");
  }

  /** The {@code order_id} values of table {@code table} (namespace.name), in order. */
  static List<Long> orderIds(String table) {
    return session()
        .sql("SELECT order_id FROM " + LakeplanCatalog.NAME + "." + table + " ORDER BY 1")
        .collectAsList()
        .stream()
        .map(row -> row.getLong(0))
        .toList();
  }

  /** A fresh folder under the shared temporary root. */
  public static Path newDir(String prefix) {
    session();
    try {
      return Files.createTempDirectory(root, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An engine resolving relative paths against {@code base}, with watermarks under it. */
  static SparkEngine engine(Path base) {
    return new SparkEngine(
        session(), base.toUri(), new FileWatermarkStore(base.resolve("watermarks")));
  }

  /** Runs {@code spec} as task {@code it.task} of DAG {@code it.dag}. */
  static TaskResult run(Path base, TaskSpec spec) {
    return run(engine(base), spec);
  }

  /** Runs {@code spec} like {@link #run(Path, TaskSpec)}, with "now" taken from {@code clock}. */
  static TaskResult run(Path base, Clock clock, TaskSpec spec) {
    return run(
        new SparkEngine(
            session(), base.toUri(), new FileWatermarkStore(base.resolve("watermarks")), clock),
        spec);
  }

  private static TaskResult run(SparkEngine engine, TaskSpec spec) {
    Dag dag = Dag.builder().id("it.dag").useCase("it").build();
    return engine.run(dag, Task.of("it.task", spec));
  }

  private static Path createRoot() {
    try {
      Path dir = Files.createTempDirectory("lakeplan-spark-it-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temporary folder
    }
  }

  /**
   * The current snapshot id of the first version of {@code table} (its metadata files, oldest
   * first) whose schema has {@code column}, and of the version before it (-1 without a snapshot):
   * where schema and rows are committed together, the first differs from the second and is the
   * snapshot that wrote the column's rows.
   */
  public static long[] snapshotsAroundFirstVersionWith(String table, String column)
      throws Exception {
    Table loaded = Spark3Util.loadIcebergTable(TestSpark.session(), table);
    loaded.refresh();
    TableMetadata current = ((HasTableOperations) loaded).operations().current();
    List<String> files = new ArrayList<>();
    current.previousFiles().forEach(entry -> files.add(entry.file()));
    files.add(current.metadataFileLocation());
    long before = -1;
    for (String file : files) {
      TableMetadata version = TableMetadataParser.read(loaded.io(), file);
      long snapshot =
          version.currentSnapshot() == null ? -1 : version.currentSnapshot().snapshotId();
      if (version.schema().findField(column) != null) {
        return new long[] {before, snapshot};
      }
      before = snapshot;
    }
    throw new AssertionError(table + " has no version with column " + column);
  }
}
