package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.emr.EmrServerlessJob;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.PlanRun;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.LocalRunner;
import io.lakeplan.spi.Merges;
import io.lakeplan.workspace.Workspace;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lakeplan on a real multi-process Spark cluster ({@link StandaloneCluster}: a master and two
 * workers on 127.0.0.1, started once for this class): the built job jar under {@code spark-submit}
 * with the arguments the rendered DAGs pass, {@code lakeplan run --master} with JDBC and Kafka
 * sources read by the executors, and a worker killed in the middle of a conversion. What the
 * cluster leaves is compared with what the local run ({@link LocalRunner}, as {@code lakeplan run})
 * leaves from the same inputs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", ".."));
  private static final Path JOB_JAR = Path.of(System.getProperty("lakeplan.job-jar"));
  private static final String PG_VARIABLE = "LAKEPLAN_CLUSTER_PG_PASSWORD";
  private static final String KAFKA_VARIABLE = "LAKEPLAN_CLUSTER_KAFKA_PASSWORD";
  private static final String PG_PASSWORD = "cluster-pg-secret";
  private static final String KAFKA_PASSWORD = "cluster-kafka-secret";
  private static final String USER = "clustered";
  private static final int ROWS = 2_000;
  private static final int RECORDS = 500;

  @TempDir static Path work;
  private static StandaloneCluster cluster;
  private static Path localWarehouse;
  private static PlanRun.Report localRun;
  private static SparkSession spark;

  @BeforeAll
  static void startClusterAndRunTheExampleLocally() throws Exception {
    assertThat(JOB_JAR).as("the job jar (sdk-spark's package phase)").isRegularFile();
    deleteTree(LOG_FOLDER); // the executors' logs of an earlier run would count as this run's
    cluster = StandaloneCluster.start(Files.createDirectories(LOG_FOLDER.resolve("cluster")), 2);
    Path local = copyExample("local");
    localWarehouse = work.resolve("local-warehouse");
    localRun = LocalRunner.run(local, localWarehouse);
    assertThat(localRun.succeeded()).as(localRun.table()).isTrue();
    spark = SparkSession.active();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void ordersExample_taskByTaskWithSparkSubmitOfTheJobJar_leavesWhatTheLocalRunLeaves()
      throws Exception {
    Submitted submitted = stage("submitted");

    // the tasks in the order the local run ran them, each a spark-submit of its own
    for (PlanRun.Entry entry : localRun.entries()) {
      Submission run = submitted.submit(entry.dagId(), entry.taskId());
      assertThat(run.exitCode()).as(run.tail()).isZero();
      assertThat(run.output())
          .contains(entry.dagId() + "/" + entry.taskId() + " " + entry.result().status());
    }

    assertThat(tables(submitted.warehouse).keySet())
        .isEqualTo(tables(localWarehouse).keySet())
        .contains("raw.orders", "process.orders");
    for (String table : tables(localWarehouse).keySet()) {
      assertThat(rows(submitted.warehouse, table))
          .as("rows of " + table)
          .isEqualTo(rows(localWarehouse, table));
      assertThat(snapshots(submitted.warehouse, table))
          .as("snapshots of " + table)
          .isEqualTo(snapshots(localWarehouse, table));
    }
    assertThat(watermarks(submitted.watermarks))
        .isNotEmpty()
        .isEqualTo(watermarks(localWarehouse.resolve(".lakeplan/watermarks")));
    // the executors on both workers ran tasks
    assertThat(cluster.executorLog(0)).anyMatch(line -> line.contains("Running task"));
    assertThat(cluster.executorLog(1)).anyMatch(line -> line.contains("Running task"));
  }

  @Test
  @Order(2)
  void runWithMaster_jdbcKafkaAndATeamsPySparkJob_allRunOnTheCluster() throws Exception {
    try (EmbeddedPostgres postgres =
            SecuredSources.postgres(work.resolve("pgdata"), USER, PG_PASSWORD, ROWS);
        KafkaClusterTestKit kafka = SecuredSources.kafka(USER, KAFKA_PASSWORD, 3, RECORDS)) {
      Path folder = Files.createDirectories(work.resolve("sources"));
      Path useCase = writeSourcesUseCase(folder, postgres, kafka);
      Path environment = folder.resolve("environment.yaml");
      Files.writeString(
          environment,
          String.join(
              "\n",
              "name: cluster",
              "catalog:",
              "  type: hadoop",
              "  warehouse: " + folder.resolve("warehouse"),
              "watermarks: file:" + folder.resolve("watermarks"),
              "secret-providers: [env]",
              ""));
      int before = cluster.executorLog(0).size() + cluster.executorLog(1).size();

      Launch run =
          launch(
              Map.of(PG_VARIABLE, PG_PASSWORD, KAFKA_VARIABLE, KAFKA_PASSWORD),
              "run",
              useCase.toString(),
              "--env",
              environment.toString(),
              "--master",
              cluster.masterUrl());

      assertThat(run.exitCode()).as(run.out()).isZero();
      assertThat(run.out())
          .contains("on the Spark cluster " + cluster.masterUrl())
          .containsPattern("orders-db SUCCEEDED in [0-9.]+ s — appended " + ROWS + " rows")
          .containsPattern("payments SUCCEEDED in [0-9.]+ s — ingested " + RECORDS + " records")
          .doesNotContain(PG_PASSWORD, KAFKA_PASSWORD);
      Path warehouse = folder.resolve("warehouse");
      List<String> orders = rows(warehouse, "raw.orders");
      assertThat(orders).hasSize(ROWS);
      assertThat(orders.get(0)).isEqualTo("[1,paid,2026-01-01T00:01]");
      List<String> payments = rows(warehouse, "raw.payments");
      assertThat(payments).hasSize(RECORDS).contains("[7,paid]");
      // the team's PySpark job went to the same master; its Python UDF ran on the executors
      assertThat(run.out()).containsPattern("tiers SUCCEEDED in [0-9.]+ s");
      List<Row> tiers = spark.read().parquet(folder.resolve("tiers").toString()).collectAsList();
      assertThat(tiers).hasSize(100);
      assertThat(tiers.stream().filter(row -> row.getString(1).equals("gold"))).hasSize(10);
      assertThat(tiers.stream().map(row -> row.getString(2)).distinct())
          .containsExactly(cluster.masterUrl());
      // the JDBC and Kafka reads ran as tasks on the workers' executors
      assertThat(cluster.executorLog(0).size() + cluster.executorLog(1).size())
          .isGreaterThan(before);
    }
  }

  /** Last: the cluster has one worker left afterwards. */
  @Test
  @Order(3)
  void workerKilledDuringConvert_sparkRetriesItsTasksOnTheOtherWorker_andTheTableIsExact()
      throws Exception {
    Submitted submitted = stage("killed");
    for (String task : List.of("orders-history.create-table", "orders-history.copy")) {
      Submission run = submitted.submit("orders.migration", task);
      assertThat(run.exitCode()).as(run.tail()).isZero();
    }
    int logged = cluster.executorLog(0).size();

    Started convert = submitted.start("orders.migration", "orders-history.convert");
    String running = awaitLongRunningTask(convert.process(), logged);
    cluster.killWorker(0);
    Submission run = submitted.finish(convert);

    assertThat(run.exitCode()).as(run.tail()).isZero();
    // the driver lost the executor while the task ran, and ran that task again on the other one
    Matcher failed =
        Pattern.compile(
                "task (\\S+)\\.0 in stage (\\S+) \\(TID "
                    + running
                    + "\\) failed because while it was being computed, its executor exited")
            .matcher(run.output());
    assertThat(failed.find()).as(run.tail()).isTrue();
    assertThat(run.output())
        .contains("Lost executor")
        .contains("Starting task " + failed.group(1) + ".1 in stage " + failed.group(2))
        .contains("orders.migration/orders-history.convert SUCCEEDED rows=11500");
    assertThat(cluster.aliveWorkers()).isEqualTo(1);
    assertThat(rows(submitted.warehouse, "raw.orders"))
        .isEqualTo(rows(localWarehouse, "raw.orders"));
  }

  /**
   * Waits until an executor of worker 0 runs a task of the conversion that has been running for a
   * while (so the kill lands in the middle of it); returns its task id.
   */
  private static String awaitLongRunningTask(Process convert, int skip) throws Exception {
    Pattern started = Pattern.compile("Running task \\S+ in stage \\S+ \\(TID (\\d+)\\)");
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (int poll = 0; poll < 1_200 && convert.isAlive(); poll++) {
      List<String> log = cluster.executorLog(0);
      List<String> lines = log.subList(Math.min(skip, log.size()), log.size());
      String joined = String.join("\n", lines);
      for (String line : lines) {
        Matcher matcher = started.matcher(line);
        if (matcher.find()) {
          String id = matcher.group(1);
          boolean finished = joined.contains("(TID " + id + ")") && finishedTask(joined, id);
          if (finished) {
            seen.remove(id);
          } else if (seen.merge(id, 1, Integer::sum) >= 4) {
            return id; // still running after four polls (about a second)
          }
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "No task of the conversion ran long enough on worker 0 to be interrupted");
  }

  private static boolean finishedTask(String log, String id) {
    return Pattern.compile("Finished task \\S+ in stage \\S+ \\(TID " + id + "\\)")
        .matcher(log)
        .find();
  }

  /** A copy of the orders example staged as a deploy stages it: the plan JSON, the environment. */
  private static Submitted stage(String name) throws Exception {
    Path example = copyExample(name);
    Plan plan = Workspace.loadStrict(example.resolve("orders.yaml")).plan();
    Path planFile = example.resolve("plan.json");
    Files.writeString(planFile, UseCaseCodec.toJson(plan));
    Path warehouse = work.resolve(name + "-warehouse");
    Path watermarks = work.resolve(name + "-watermarks");
    Environment environment =
        Environment.builder()
            .name("cluster")
            .catalog(
                CatalogSettings.builder()
                    .type(CatalogSettings.Type.HADOOP)
                    .warehouse(warehouse.toString())
                    .build())
            .watermarks("file:" + watermarks)
            .airflow(
                AirflowSettings.builder()
                    .jobJar(JOB_JAR.toString())
                    .specLocation(planFile.toString())
                    // the local run's parallelism, so both write the same files
                    .sparkSubmitParameters(
                        "--conf spark.sql.shuffle.partitions=2 --conf spark.default.parallelism=2")
                    .build())
            .build();
    return new Submitted(plan, environment, warehouse, watermarks, example);
  }

  /** What a spark-submit printed and how it ended. */
  private record Submission(int exitCode, String output) {
    String tail() {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
  }

  /** A staged copy of the example whose tasks are submitted to the cluster. */
  private record Submitted(
      Plan plan, Environment environment, Path warehouse, Path watermarks, Path folder) {

    Submission submit(String dagId, String taskId) throws Exception {
      return finish(start(dagId, taskId));
    }

    /**
     * Starts {@code spark-submit} of the job jar for one task: the entry point, arguments and
     * parameters of {@link EmrServerlessJob#jobMain}, which the rendered DAGs pass too; the
     * environment file where that job reads it.
     */
    Started start(String dagId, String taskId) throws Exception {
      Dag dag = plan.dag(dagId);
      Path environmentFile = Path.of(EmrServerlessJob.environmentLocation(environment, dag));
      Files.writeString(environmentFile, EmrServerlessJob.environmentFile(environment));
      EmrServerlessJob job = EmrServerlessJob.jobMain(environment, dag, dag.task(taskId));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(StandaloneCluster.OPENS);
      command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", cluster.sparkClassPath()));
      command.add("org.apache.spark.deploy.SparkSubmit");
      command.addAll(List.of("--master", cluster.masterUrl()));
      command.addAll(List.of("--conf", "spark.ui.enabled=false"));
      command.addAll(List.of(job.sparkSubmitParameters().split(" ")));
      command.add(job.entryPoint());
      command.addAll(job.entryPointArguments());
      Path log = Files.createTempFile(Files.createDirectories(LOG_FOLDER), taskId + "-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(folder.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(cluster.sparkEnvironment());
      return new Started(builder.start(), log);
    }

    Submission finish(Started started) throws Exception {
      Process process = started.process();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("spark-submit did not finish in 5 minutes");
      }
      return new Submission(process.exitValue(), Files.readString(started.log()));
    }
  }

  /** A running spark-submit and the file its output goes to. */
  private record Started(Process process, Path log) {}

  /** Where each spark-submit's output stays after the run, for a failure's diagnosis. */
  private static final Path LOG_FOLDER = Path.of("target", "spark-cluster-it");

  private static void deleteTree(Path folder) throws IOException {
    if (Files.exists(folder)) {
      try (Stream<Path> paths = Files.walk(folder)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static Path copyExample(String name) throws IOException {
    Path target = work.resolve(name);
    Path source = ROOT.resolve("examples/orders");
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : paths.toList()) {
        Path relative = source.relativize(path);
        if (relative.startsWith(Path.of("data", "landing"))) {
          continue;
        }
        Path copy = target.resolve(relative.toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(path, copy);
        }
      }
    }
    return target;
  }

  /** The Iceberg tables under a Hadoop-catalog warehouse, by id, with their locations. */
  private static Map<String, Path> tables(Path warehouse) throws IOException {
    Map<String, Path> tables = new TreeMap<>();
    try (Stream<Path> metadata = Files.walk(warehouse, 3)) {
      metadata
          .filter(path -> path.getFileName().toString().equals("metadata"))
          .map(Path::getParent)
          .forEach(
              table ->
                  tables.put(table.getParent().getFileName() + "." + table.getFileName(), table));
    }
    return tables;
  }

  private static List<String> rows(Path warehouse, String table) throws IOException {
    assertThat(tables(warehouse)).as("tables in " + warehouse).containsKey(table);
    // when a tombstone was written is the time of the run, not data
    return spark
        .table(catalog(warehouse) + "." + table)
        .drop(Merges.TOMBSTONE_WRITTEN)
        .collectAsList()
        .stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  /** A Spark catalog over {@code warehouse}, registered in this session on first use. */
  private static String catalog(Path warehouse) {
    return CATALOGS.computeIfAbsent(
        warehouse,
        folder -> {
          String name = "warehouse" + CATALOGS.size();
          String prefix = "spark.sql.catalog." + name;
          spark.conf().set(prefix, "org.apache.iceberg.spark.SparkCatalog");
          spark.conf().set(prefix + ".type", "hadoop");
          spark.conf().set(prefix + ".warehouse", folder.toUri().toString());
          return name;
        });
  }

  private static final Map<Path, String> CATALOGS = new LinkedHashMap<>();

  /** Each snapshot's operation and record counts, oldest first. */
  private static List<String> snapshots(Path warehouse, String table) throws IOException {
    Table loaded =
        new HadoopTables(new Configuration()).load(tables(warehouse).get(table).toString());
    List<String> snapshots = new ArrayList<>();
    for (Snapshot snapshot : loaded.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      snapshots.add(
          snapshot.operation()
              + " added="
              + summary.get("added-records")
              + " deleted="
              + summary.get("deleted-records")
              + " total="
              + summary.get("total-records"));
    }
    return snapshots;
  }

  private static Map<String, String> watermarks(Path folder) throws IOException {
    FileWatermarkStore store = new FileWatermarkStore(folder);
    Map<String, String> watermarks = new TreeMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
          String key = name.substring(0, name.length() - ".json".length());
          watermarks.put(key, String.valueOf(store.get(key).orElse(null)));
        }
      }
    }
    return watermarks;
  }

  private static Path writeSourcesUseCase(
      Path folder, EmbeddedPostgres postgres, KafkaClusterTestKit kafka) throws IOException {
    List<String> lines =
        new ArrayList<>(
            SecuredSources.useCase(
                "sources",
                postgres,
                kafka,
                USER,
                PG_VARIABLE,
                KAFKA_VARIABLE,
                folder.resolve("checkpoints/payments"),
                List.of(
                    "    partitioned-read: {column: order_id, lower-bound: 1, upper-bound: "
                        + ROWS
                        + ", partitions: 4}")));
    lines.addAll(
        List.of(
            "spark-jobs:",
            "  - id: tiers",
            "    entrypoint: jobs/tiers.py",
            "    arguments: ['" + folder.resolve("tiers") + "']",
            "    spark-submit-parameters: --conf spark.sql.shuffle.partitions=2"));
    Path file = SecuredSources.write(folder.resolve("sources.yaml"), lines);
    Files.createDirectories(folder.resolve("jobs"));
    Files.writeString(
        folder.resolve("jobs/tiers.py"),
        String.join(
            "\n",
            "import sys",
            "from pyspark.sql import SparkSession, functions as F",
            "from pyspark.sql.types import StringType",
            "spark = SparkSession.builder.getOrCreate()",
            "tier = F.udf(lambda n: 'gold' if n % 10 == 0 else 'silver', StringType())",
            "(spark.range(1, 101).withColumn('tier', tier('id'))",
            "    .withColumn('master', F.lit(spark.sparkContext.master))",
            "    .write.mode('overwrite').parquet(sys.argv[1]))",
            "spark.stop()",
            ""));
    return file;
  }

  /** A finished {@code bin/lakeplan} process: exit code and its interleaved stdout and stderr. */
  private record Launch(int exitCode, String out) {}

  /** Runs {@code bin/lakeplan args} as a user does, with {@code variables} in its environment. */
  private static Launch launch(Map<String, String> variables, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/lakeplan").toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(Files.createDirectories(LOG_FOLDER), "launch-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(variables);
    Process process = builder.start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "bin/lakeplan " + String.join(" ", args) + " did not finish; its output: " + log);
    }
    return new Launch(process.exitValue(), Files.readString(log));
  }
}
