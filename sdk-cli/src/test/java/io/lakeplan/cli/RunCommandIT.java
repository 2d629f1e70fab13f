package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.spark.LakeplanCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job: {@code bin/lakeplan run} on a copy of {@code examples/orders}, as a user
 * runs it (launcher, class path, embedded Spark), then the resulting tables read back with Spark in
 * this JVM, and re-runs through the command in process.
 */
class RunCommandIT {
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", ".."));

  @TempDir static Path work;
  private static Path example;
  private static Path warehouse;
  private static Launch firstRun;

  /** A finished {@code bin/lakeplan} process: exit code and its interleaved stdout and stderr. */
  private record Launch(int exitCode, String out) {}

  @BeforeAll
  static void runExample() throws Exception {
    example = work.resolve("orders");
    copyTree(ROOT.resolve("examples/orders"), example);
    warehouse = work.resolve("warehouse");
    firstRun = launch("run", example.toString(), "--warehouse", warehouse.toString());
  }

  @AfterAll
  static void stopSpark() {
    SparkSession.getActiveSession()
        .foreach(
            session -> {
              session.stop();
              return null;
            });
  }

  @Test
  void run_ordersExample_migratesAndMergesWithProgressAndSummary() {
    assertThat(firstRun.exitCode()).as(firstRun.out()).isZero();
    assertThat(firstRun.out())
        .contains("[1/")
        .containsPattern("orders\\.migration/orders-history\\.convert SUCCEEDED in [0-9.]+ s")
        .containsPattern("orders\\.migration/orders-history\\.reconcile SUCCEEDED")
        .containsPattern("orders\\.transformation/orders-upsert SUCCEEDED")
        .containsPattern("total \\(\\d+ run, 0 not run\\)\\s+SUCCEEDED");

    SparkSession spark = LakeplanCatalog.localSession(warehouse);
    assertThat(count(spark, "SELECT count(*) FROM lakeplan.raw.orders")).isEqualTo(11_500);
    List<Row> statuses =
        spark
            .sql(
                "SELECT status, count(*) FROM lakeplan.process.orders GROUP BY status"
                    + " ORDER BY status")
            .collectAsList();
    assertThat(statuses.toString()).isEqualTo("[[created,500], [paid,2000], [shipped,2000]]");
    assertThat(count(spark, "SELECT count(DISTINCT order_id) FROM lakeplan.process.orders"))
        .isEqualTo(4_500);
    assertThat(count(spark, "SELECT count(*) FROM lakeplan.process.orders WHERE order_id % 10 = 0"))
        .as("deleted orders")
        .isZero();
  }

  @Test
  void run_ordersExample_runsEveryMaintenanceTask() {
    assertThat(firstRun.exitCode()).as(firstRun.out()).isZero();
    assertThat(firstRun.out())
        .containsPattern(
            "orders\\.maintenance\\.cron_0_3_1_x_x/process-orders\\.hard-delete SUCCEEDED in [0-9.]+"
                + " s — deleted 0 rows of process\\.orders with updated_at < \\S+; expired \\d+"
                + " snapshot\\(s\\); proof: 0 rows before the cutoff in the 1 remaining snapshot\\(s\\)")
        .containsPattern(
            "orders\\.maintenance\\.cron_30_2_x_x_0/raw-orders\\.remove-orphans SUCCEEDED .*"
                + "\\(dry run: nothing deleted\\)")
        .containsPattern(
            "orders\\.maintenance\\.daily/raw-orders\\.expire-snapshots SUCCEEDED .* expired 0"
                + " snapshot\\(s\\) of raw\\.orders")
        .containsPattern(
            "orders\\.maintenance\\.daily/raw-orders\\.remove-old-metadata SUCCEEDED .* previous"
                + " metadata file\\(s\\) of raw\\.orders; keeping at most 20")
        .containsPattern("orders\\.maintenance\\.daily/process-orders\\.compact SUCCEEDED")
        .doesNotContain("SKIPPED");

    SparkSession spark = LakeplanCatalog.localSession(warehouse);
    assertThat(
            spark
                .sql(
                    "SHOW TBLPROPERTIES lakeplan.raw.orders ('write.metadata.previous-versions-max')")
                .first()
                .getString(1))
        .isEqualTo("20");
    // the hard delete expired every snapshot of process.orders but the current one; the daily
    // compaction ran after it and may have added one
    long compactions = firstRun.out().contains("nothing to compact in process.orders") ? 0 : 1;
    assertThat(count(spark, "SELECT count(*) FROM lakeplan.process.orders.snapshots"))
        .isEqualTo(1 + compactions);
  }

  @Test
  void run_again_mergeFindsNothingNewAndChangesNothing() {
    assertThat(firstRun.exitCode()).as(firstRun.out()).isZero();
    SparkSession spark = LakeplanCatalog.localSession(warehouse);
    long before = snapshot(spark);

    CliRun rerun =
        CliRun.of(
            "run",
            example.toString(),
            "--warehouse",
            warehouse.toString(),
            "--dag",
            "orders.transformation");

    assertThat(rerun.exitCode()).as(rerun.out() + rerun.err()).isZero();
    assertThat(rerun.out()).contains("orders.transformation/orders-upsert SUCCEEDED");
    assertThat(rerun.out()).contains("no new snapshots");
    spark.catalog().refreshTable("lakeplan.process.orders");
    assertThat(snapshot(spark)).isEqualTo(before);
  }

  @Test
  void run_unknownDag_isOneLineNamingTheKnownDags() {
    CliRun run =
        CliRun.of("run", example.toString(), "--warehouse", warehouse.toString(), "--dag", "nope");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .contains("Unknown DAG 'nope'; the plan has: ")
        .contains("orders.migration")
        .doesNotContain("\tat ");
  }

  private static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  private static long snapshot(SparkSession spark) {
    return spark
        .sql("SELECT snapshot_id FROM lakeplan.process.orders.snapshots ORDER BY committed_at DESC")
        .first()
        .getLong(0);
  }

  private static Launch launch(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ROOT.resolve("bin/lakeplan").toString());
    command.addAll(List.of(args));
    Path log = work.resolve("launch.log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/lakeplan did not finish in 10 minutes");
    }
    return new Launch(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path relative = from.relativize(path);
        if (relative.startsWith("data/landing")) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
