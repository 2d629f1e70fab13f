package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spark.internal.CrashPoints;
import io.lakeplan.spi.CommitProperties;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.workspace.Workspace;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kill matrix: {@link JobMain} runs one task in a child JVM that is killed with SIGKILL at a
 * named crash point ({@link CrashPoints}); the task is then run again, and what it leaves — every
 * table's rows, the landing folder, the watermark store, the Kafka checkpoint — must equal what the
 * uninterrupted run of the same task left, with no data file committed twice, every committed file
 * present, the store equal to the watermark the table committed, and the checkpoint equal to the
 * batch the table committed.
 *
 * <p>One use case covers every kind of task: a copy + REWRITE migration and an ADD_FILES migration
 * (reconcile, watermark), JDBC ingestion from embedded PostgreSQL into the migrated table, Kafka
 * micro-batch ingestion with dead letters from an in-process broker, a merge into a sorted table,
 * and compaction, snapshot expiry, orphan removal and hard delete. The uninterrupted run goes first
 * and saves the working folder before each task; each point then starts from that copy (restored to
 * the same absolute path, so table metadata stays valid).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillMatrixIT {

  /**
   * Points of the matrix: task id and point, in run order; the docs' table lists the same. The
   * system property {@code lakeplan.kill-matrix.points}, a regular expression, runs only the points
   * it matches (to reproduce one).
   */
  static List<String> points() {
    String only = System.getProperty("lakeplan.kill-matrix.points", ".*");
    return allPoints().stream().filter(point -> point.matches(only)).toList();
  }

  static List<String> allPoints() {
    return List.of(
        "hist.copy:staged",
        "hist.copy:landing-removed",
        "hist.copy:after-commit",
        "hist.create-table:before-commit",
        "hist.create-table:after-commit",
        "hist.convert:before-commit",
        "hist.convert:after-commit",
        "hist.watermark:after-store-write",
        "files.convert:before-commit",
        "files.convert:after-commit",
        "pg:before-commit",
        "pg:after-commit",
        "pg:after-store-write",
        "events:before-commit",
        "events:after-commit",
        "events:after-dead-letters",
        "create.process.orders:before-commit",
        "upsert#2:before-commit",
        "upsert#2:after-commit",
        "process-orders.compact:before-commit",
        "process-orders.compact:after-commit",
        "process-orders.expire-snapshots:before-commit",
        "process-orders.expire-snapshots:after-first-delete",
        "process-orders.remove-orphans:after-first-delete",
        "process-orders.remove-orphans:after-delete",
        "process-orders.hard-delete:after-delete-commit",
        "process-orders.hard-delete:after-rewrite",
        "process-orders.hard-delete:after-manifest-rewrite",
        "process-orders.hard-delete:after-expiry");
  }

  private static final int HISTORY = 60;
  private static final int EVENTS = 40;
  private static final String[] MALFORMED = {"not json", "{\"event_id\": \"x\"}", "[1, 2]"};

  private Path root;
  private Path work;
  private Path spec;
  private EmbeddedPostgres postgres;
  private KafkaClusterTestKit kafka;
  private SparkSession spark;
  private final List<Step> steps = new ArrayList<>();
  private List<String> childClasspath;
  private Path classDataArchive;

  /** One task of the plan, where the uninterrupted run left its state before and after it. */
  private record Step(Dag dag, Task task, Path before, State after) {}

  /** What a run leaves that a re-run must reproduce. */
  private record State(
      Map<String, List<String>> tables,
      Map<String, String> markers,
      List<String> landing,
      Map<String, String> watermarks,
      String checkpoint) {}

  @BeforeAll
  void runUninterrupted() throws Exception {
    root = TestSpark.newDir("kill-matrix");
    work = root.resolve("work");
    Files.createDirectories(work);
    postgres = EmbeddedPostgres.builder().start();
    kafka = TestKafka.start();
    writeInputs();
    spec = root.resolve("km.yaml");
    Files.writeString(spec, useCase());
    Plan plan = Workspace.loadStrict(spec).plan();

    spark = TestSpark.session().newSession();
    LakeplanCatalog.hadoop(work.resolve("warehouse"))
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.sql.catalog.")) {
                spark.conf().set(key, value);
              }
            });
    // every read must see what the child job committed
    spark.conf().set("spark.sql.catalog." + LakeplanCatalog.NAME + ".cache-enabled", "false");

    // the merge runs after the migration and again after the ingestions, so the merged table has
    // the history of snapshots and small files that maintenance works on
    int index = 0;
    for (String dagId :
        List.of(
            "km.migration",
            "km.transformation",
            "km.ingestion",
            "km.transformation",
            "km.maintenance.weekly")) {
      Dag dag = plan.dag(dagId);
      for (Task task : dag.tasksInOrder()) {
        if (task.id().equals("process-orders.remove-orphans")) {
          plantOrphans();
        }
        Path before = root.resolve("states").resolve(String.format("%02d-%s", index++, task.id()));
        copyTree(work, before);
        TaskResult result = engine().run(dag, task);
        assertThat(result.isSuccess()).as(task.id() + ": " + result).isTrue();
        steps.add(new Step(dag, task, before, capture()));
      }
    }
    childClasspath = childClasspath();
    dumpClassDataArchive();
  }

  @AfterAll
  void stopServers() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void theUninterruptedRun_leavesWhatTheInputsSay() {
    State last = steps.get(steps.size() - 1).after();
    // history 1..60 (2020), then PostgreSQL updates 41..60 and adds 61..80 (2099), deletes 70
    assertThat(last.tables().get("raw.orders")).hasSize(HISTORY + 40);
    assertThat(last.tables().get("raw.files")).hasSize(30);
    assertThat(last.tables().get("raw.events")).hasSize(EVENTS);
    assertThat(last.tables().get("raw.events_dead_letter")).hasSize(MALFORMED.length);
    // the merge keeps 1..80 but 70; hard delete removes what is older than a year: 1..40
    List<Long> expected = new ArrayList<>();
    for (long id = 41; id <= 80; id++) {
      if (id != 70) {
        expected.add(id);
      }
    }
    assertThat(orderIds(last.tables().get("process.orders"))).isEqualTo(expected);
    assertThat(last.watermarks()).containsKey("raw.orders");
    assertThat(allPoints()).hasSizeGreaterThanOrEqualTo(20);
    for (String point : allPoints()) {
      assertThat(step(point)).as(point).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("points")
  void killedAt_thenRunAgain_convergesToTheUninterruptedRun(String point) throws Exception {
    Step step = step(point);
    String taskId = step.task().id();
    deleteTree(work);
    copyTree(step.before(), work);

    killChildAt(step, point);
    if (taskId.endsWith(".hard-delete")) {
      // the killed run left the table saying its hard delete is unfinished
      assertThat(loadIceberg("process.orders").properties())
          .containsKey(HardDeletes.PENDING_PROPERTY);
    }
    TaskResult rerun = engine().run(step.dag(), step.task());

    assertThat(rerun.isSuccess()).as("re-run after a kill at " + point + ": " + rerun).isTrue();
    State state = capture();
    assertThat(state.tables()).isEqualTo(step.after().tables());
    assertThat(state.markers()).as("Lakeplan's table markers").isEqualTo(step.after().markers());
    assertThat(state.landing()).isEqualTo(step.after().landing());
    assertThat(state.watermarks()).isEqualTo(step.after().watermarks());
    assertThat(state.checkpoint()).isEqualTo(step.after().checkpoint());
    assertCommittedFilesOnceAndPresent();
    assertStoreEqualsCommittedWatermark();
    assertCheckpointEqualsCommittedBatch();
  }

  /**
   * The step a point names: {@code task:point} is the task's first run, {@code task#n:point} its
   * n-th (the merge runs twice; its second run reads incrementally).
   */
  private Step step(String point) {
    String task = point.substring(0, point.indexOf(':'));
    int run = 1;
    if (task.contains("#")) {
      run = Integer.parseInt(task.substring(task.indexOf('#') + 1));
      task = task.substring(0, task.indexOf('#'));
    }
    String id = task;
    List<Step> runs = steps.stream().filter(s -> s.task().id().equals(id)).toList();
    assertThat(runs).as("runs of " + id).hasSizeGreaterThanOrEqualTo(run);
    return runs.get(run - 1);
  }

  // ---- the child job -----------------------------------------------------------------------

  /**
   * The child JVM's class path, jars only: the test JVM's entries, with class folders packed into
   * jars, so the child can use a class-data archive (which takes no folders) — it halves the
   * child's start.
   */
  private List<String> childClasspath() throws IOException {
    List<String> jars = new ArrayList<>();
    Path packed = root.resolve("classpath");
    Files.createDirectories(packed);
    for (String entry : classpathEntries()) {
      Path path = Path.of(entry);
      if (Files.isDirectory(path)) {
        Path jar = packed.resolve(jars.size() + ".jar");
        jarFolder(path, jar);
        jars.add(jar.toString());
      } else if (Files.isRegularFile(path)) {
        jars.add(path.toString());
      }
    }
    return jars;
  }

  /** The class path entries, those of surefire's manifest-only jar expanded. */
  private static List<String> classpathEntries() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")
          && Path.of(entry).getFileName().toString().startsWith("surefire")) {
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(entry)) {
          String manifest = jar.getManifest().getMainAttributes().getValue("Class-Path");
          for (String url : manifest.trim().split("\\s+")) {
            entries.add(Path.of(URI.create(url)).toString());
          }
        }
      } else {
        entries.add(entry);
      }
    }
    return entries;
  }

  private static void jarFolder(Path folder, Path jar) throws IOException {
    try (java.util.jar.JarOutputStream out =
            new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(
            new java.util.jar.JarEntry(folder.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  /**
   * Runs the incremental merge once in a child JVM that writes the class-data archive the killed
   * children then start from; the merge's state is restored by the next point anyway.
   */
  private void dumpClassDataArchive() throws Exception {
    Step merge = step("upsert#2:dump");
    deleteTree(work);
    copyTree(merge.before(), work);
    Path archive = root.resolve("child.jsa");
    Process child =
        childJob(merge, List.of("-XX:ArchiveClassesAtExit=" + archive), null)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(child.waitFor(4, TimeUnit.MINUTES)).as("the archiving child job ended").isTrue();
    assertThat(child.exitValue()).as("exit code of the archiving child job").isZero();
    classDataArchive = Files.isRegularFile(archive) ? archive : null;
  }

  private ProcessBuilder childJob(Step step, List<String> jvmOptions, String point) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens")
          || option.startsWith("-XX:+Ignore")
          || option.startsWith("-Djdk.reflect")
          || option.startsWith("-Dio.netty")) {
        command.add(option);
      }
    }
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Xmx1g",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            String.join(java.io.File.pathSeparator, childClasspath),
            "-Dspark.sql.catalog."
                + LakeplanCatalog.NAME
                + ".io-impl="
                + KillMatrixFileIO.class.getName(),
            JobMain.class.getName(),
            "--spec",
            spec.toString(),
            "--dag",
            step.dag().id(),
            "--task",
            step.task().id(),
            "--warehouse",
            work.resolve("warehouse").toString(),
            "--watermarks",
            work.resolve("watermarks").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (point != null) {
      builder.environment().put(CrashPoints.ENV, point.replaceFirst("#\\d+:", ":"));
    }
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder;
  }

  private void killChildAt(Step step, String point) throws Exception {
    List<String> options =
        classDataArchive == null
            ? List.of()
            : List.of("-XX:SharedArchiveFile=" + classDataArchive, "-Xlog:cds=off");
    ProcessBuilder builder = childJob(step, options, point);
    String marker = CrashPoints.MARKER + point.replaceFirst("#\\d+:", ":");
    Process child = builder.start();
    Deque<String> tail = new ArrayDeque<>();
    CompletableFuture<Boolean> reached =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  if (line.equals(marker)) {
                    return true;
                  }
                  synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 30) {
                      tail.removeFirst();
                    }
                  }
                }
                return false;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    boolean atPoint;
    try {
      atPoint = reached.get(4, TimeUnit.MINUTES);
    } finally {
      child.destroyForcibly();
      child.waitFor(1, TimeUnit.MINUTES);
    }
    synchronized (tail) {
      assertThat(atPoint)
          .as(
              "the child job never reached "
                  + point
                  + "; its last lines:\n"
                  + String.join("\n", tail))
          .isTrue();
    }
    assertThat(child.exitValue()).as("exit code of the child killed by SIGKILL").isEqualTo(137);
  }

  private SparkEngine engine() {
    return new SparkEngine(spark, root.toUri(), new FileWatermarkStore(work.resolve("watermarks")));
  }

  // ---- what a run leaves ------------------------------------------------------------------

  private static final List<String> TABLES =
      List.of("raw.orders", "raw.files", "raw.events", "raw.events_dead_letter", "process.orders");

  private State capture() throws IOException {
    Map<String, List<String>> tables = new TreeMap<>();
    Map<String, String> markers = new TreeMap<>();
    for (String table : TABLES) {
      if (spark.catalog().tableExists(LakeplanCatalog.NAME + "." + table)) {
        Table iceberg = loadIceberg(table);
        iceberg.properties().entrySet().stream()
            .filter(property -> property.getKey().startsWith("lakeplan."))
            .forEach(property -> markers.put(table + " " + property.getKey(), property.getValue()));
        List<String> rows = new ArrayList<>();
        for (Row row : spark.table(LakeplanCatalog.NAME + "." + table).collectAsList()) {
          rows.add(row.toString());
        }
        rows.sort(Comparator.naturalOrder());
        tables.put(table, rows);
      }
    }
    List<String> landing = new ArrayList<>();
    Path landingRoot = work.resolve("landing");
    if (Files.exists(landingRoot)) {
      try (Stream<Path> files = Files.walk(landingRoot)) {
        files
            .filter(Files::isRegularFile)
            .forEach(file -> landing.add(landingRoot.relativize(file) + " " + size(file)));
      }
    }
    landing.sort(Comparator.naturalOrder());
    Map<String, String> watermarks = new TreeMap<>();
    new FileWatermarkStore(work.resolve("watermarks"))
        .get("raw.orders")
        .ifPresent(watermark -> watermarks.put("raw.orders", watermark.toString()));
    return new State(tables, markers, landing, watermarks, lastCheckpointedOffsets());
  }

  /** No data file is live twice in any table, and every live file is there. */
  private void assertCommittedFilesOnceAndPresent() throws Exception {
    for (String name : TABLES) {
      if (!spark.catalog().tableExists(LakeplanCatalog.NAME + "." + name)) {
        continue;
      }
      Table table = Spark3Util.loadIcebergTable(spark, LakeplanCatalog.NAME + "." + name);
      List<String> live = new ArrayList<>();
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        tasks.forEach(task -> live.add(task.file().location()));
      }
      assertThat(live).as("live data files of " + name).doesNotHaveDuplicates();
      for (String file : live) {
        assertThat(Path.of(URI.create(file))).as("live data file of " + name).exists();
      }
    }
  }

  /** The store holds the watermark raw.orders committed last (JDBC), or the migration's. */
  private void assertStoreEqualsCommittedWatermark() throws Exception {
    if (!spark.catalog().tableExists(LakeplanCatalog.NAME + ".raw.orders")) {
      return;
    }
    Table table = Spark3Util.loadIcebergTable(spark, LakeplanCatalog.NAME + ".raw.orders");
    String committed = latestSummary(table, CommitProperties.jdbcWatermark("pg"));
    Watermark stored =
        new FileWatermarkStore(work.resolve("watermarks")).get("raw.orders").orElse(null);
    if (committed != null) {
      assertThat(stored).isEqualTo(Watermark.parse(committed));
    }
  }

  /** The checkpoint's last committed batch is the batch the target committed last. */
  private void assertCheckpointEqualsCommittedBatch() throws Exception {
    Path commits = work.resolve("checkpoints").resolve("events").resolve("commits");
    if (!Files.isDirectory(commits)) {
      return;
    }
    Table table = Spark3Util.loadIcebergTable(spark, LakeplanCatalog.NAME + ".raw.events");
    assertThat(latestSummary(table, CommitProperties.kafkaBatch("events")))
        .isEqualTo(String.valueOf(lastBatch(commits)));
  }

  private Table loadIceberg(String table) {
    try {
      return Spark3Util.loadIcebergTable(spark, LakeplanCatalog.NAME + "." + table);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot load " + table, e);
    }
  }

  private static String latestSummary(Table table, String property) {
    table.refresh();
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      String value = snapshot.summary().get(property);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** The end offsets of the checkpoint's last committed batch, or null before the first. */
  private String lastCheckpointedOffsets() throws IOException {
    Path checkpoint = work.resolve("checkpoints").resolve("events");
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return null;
    }
    long batch = lastBatch(commits);
    if (batch < 0) {
      return null;
    }
    List<String> lines =
        Files.readAllLines(checkpoint.resolve("offsets").resolve(Long.toString(batch)));
    return "batch " + batch + " " + lines.get(lines.size() - 1);
  }

  private static long lastBatch(Path commits) throws IOException {
    try (Stream<Path> files = Files.list(commits)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max()
          .orElse(-1);
    }
  }

  private static List<Long> orderIds(List<String> rows) {
    List<Long> ids = new ArrayList<>();
    for (String row : rows) {
      ids.add(Long.parseLong(row.substring(1, row.indexOf(','))));
    }
    ids.sort(Comparator.naturalOrder());
    return ids;
  }

  // ---- inputs --------------------------------------------------------------------------------

  private String useCase() {
    String pg = postgres.getJdbcUrl("postgres", "postgres");
    return String.join(
        "\n",
        "api-version: lakeplan/v1",
        "name: km",
        "owner: it@example.com",
        "schedule: '@daily'",
        "tables:",
        "  - table: process.orders",
        "    columns: &orders",
        "      - {name: order_id, type: long, required: true}",
        "      - {name: customer_id, type: long}",
        "      - {name: status, type: string}",
        "      - {name: amount, type: 'decimal(12,2)'}",
        "      - {name: op, type: string}",
        "      - {name: updated_at, type: timestamp}",
        "    partition-by: ['bucket(2, order_id)']",
        "    sort-by: [order_id]",
        "    properties:",
        "      write.merge.mode: merge-on-read",
        "      write.update.mode: merge-on-read",
        "      write.delete.mode: merge-on-read",
        "  - table: raw.events",
        "    columns:",
        "      - {name: event_id, type: long, required: true}",
        "      - {name: kind, type: string}",
        "migrations:",
        "  - id: hist",
        "    source: {path: '" + root.resolve("src/history").toUri() + "', format: parquet}",
        "    landing: '" + work.resolve("landing/orders").toUri() + "'",
        "    target:",
        "      table: raw.orders",
        "      columns: *orders",
        "      partition-by: ['day(updated_at)']",
        "    watermark-column: updated_at",
        "    reconcile: full",
        "  - id: files",
        "    source: {path: '" + root.resolve("src/files").toUri() + "', format: parquet}",
        "    mode: add-files",
        "    target:",
        "      table: raw.files",
        "      columns:",
        "        - {name: order_id, type: long}",
        "        - {name: status, type: string}",
        "    reconcile: full",
        "jdbc-ingestions:",
        "  - id: pg",
        "    connection:",
        "      url: '" + pg + "'",
        "      dialect: postgres",
        "      user: postgres",
        "      password: env:LAKEPLAN_IT_PG_PASSWORD",
        "    table: public.orders_src",
        "    incremental-column: updated_at",
        "    target: raw.orders",
        "kafka-ingestions:",
        "  - id: events",
        "    bootstrap-servers: '" + kafka.bootstrapServers() + "'",
        "    topics: [km_events]",
        "    columns:",
        "      - {name: event_id, type: long, required: true}",
        "      - {name: kind, type: string}",
        "    checkpoint: '" + work.resolve("checkpoints/events").toUri() + "'",
        "    starting-position: earliest",
        "    target: raw.events",
        "merges:",
        "  - id: upsert",
        "    source: raw.orders",
        "    target: process.orders",
        "    keys: [order_id]",
        "    order-by: updated_at",
        "    delete-when: \"op = 'D'\"",
        "maintenance:",
        "  - id: process-orders",
        "    table: process.orders",
        "    schedule: '@weekly'",
        "    tasks:",
        "      - {type: compact, min-input-files: 2}",
        "      - {type: expire-snapshots, older-than: 1s, retain-last: 1}",
        "      - {type: remove-orphans, older-than: 1d}",
        "      - {type: hard-delete, column: updated_at, older-than: 365d}",
        "");
  }

  private void writeInputs() throws Exception {
    SparkSession session = TestSpark.session();
    // history: orders 1..60 on five days of 2020, in two files
    session
        .sql(
            "SELECT id AS order_id, id % 7 AS customer_id, 'new' AS status,"
                + " CAST(id * 1.25 AS decimal(12,2)) AS amount, 'U' AS op,"
                + " CAST(TIMESTAMP_NTZ '2020-01-01 00:00:00' + make_interval(0, 0, 0,"
                + " CAST(id % 5 AS int), CAST(id % 24 AS int)) AS timestamp_ntz) AS updated_at"
                + " FROM range(1, "
                + (HISTORY + 1)
                + ")")
        .repartition(2)
        .write()
        .parquet(root.resolve("src/history").toUri().toString());
    session
        .sql("SELECT id AS order_id, concat('f', id) AS status FROM range(1, 31)")
        .repartition(3)
        .write()
        .parquet(root.resolve("src/files").toUri().toString());
    try (Connection connection =
            DriverManager.getConnection(
                postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE public.orders_src (order_id bigint, customer_id bigint, status text,"
              + " amount numeric(12,2), op text, updated_at timestamp)");
      // 41..80 changed in 2099 (41..60 updates, 61..80 new); 70 deleted an hour later
      statement.execute(
          "INSERT INTO public.orders_src SELECT g, g % 7, 'shipped', g * 2.5, 'U',"
              + " TIMESTAMP '2099-01-01 00:00:00' + g * INTERVAL '1 minute'"
              + " FROM generate_series(41, 80) g");
      statement.execute(
          "UPDATE public.orders_src SET op = 'D', updated_at = updated_at + INTERVAL '1 hour'"
              + " WHERE order_id = 70");
    }
    String bootstrap = kafka.bootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic("km_events", 2, (short) 1))).all().get();
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    long time = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 1; i <= EVENTS; i++) {
        String value = "{\"event_id\": " + i + ", \"kind\": \"k" + (i % 3) + "\"}";
        producer.send(new ProducerRecord<>("km_events", i % 2, time + i, "e" + i, value));
      }
      for (int i = 0; i < MALFORMED.length; i++) {
        producer.send(new ProducerRecord<>("km_events", i % 2, time, "bad" + i, MALFORMED[i]));
      }
      producer.flush();
    }
  }

  /** Two files under the merged table's data folder that no snapshot lists, two days old. */
  private void plantOrphans() throws IOException {
    Path data = work.resolve("warehouse").resolve("process").resolve("orders").resolve("data");
    Files.createDirectories(data);
    FileTime old = FileTime.from(Instant.now().minus(2, ChronoUnit.DAYS));
    for (String name : List.of("orphan-1.parquet", "orphan-2.parquet")) {
      Path orphan = data.resolve(name);
      Files.writeString(orphan, "left behind by a killed writer");
      Files.setLastModifiedTime(orphan, old);
    }
  }

  // ---- files ---------------------------------------------------------------------------------

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies {@code from} to {@code to}, keeping modification times (orphan removal reads them). */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.copy(
                file,
                to.resolve(from.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
