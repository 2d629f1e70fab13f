package io.lakeplan.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark engine benchmark: on the same generated data, in one JVM and one Spark session,
 * repetitions interleaved, it times
 *
 * <ol>
 *   <li>(a) a Lakeplan merge (keys, latest-wins dedupe, delete condition) run through {@link
 *       SparkEngine} against a hand-written Spark SQL {@code MERGE INTO} doing the same work, each
 *       on its own copy of the target reset to the same snapshot before every repetition;
 *   <li>(b) the Lakeplan convert task in ADD_FILES and in REWRITE mode over the same Parquet
 *       landing folder, each into a fresh table;
 *   <li>(c) the FULL reconcile task of the REWRITE migration.
 * </ol>
 *
 * <p>Each repetition checks that both merges produced the same table and that every task succeeded
 * with the expected row count, so a fast wrong answer cannot win. It prints a table on standard
 * output (this is a command-line tool) and writes the raw timings, medians and ratios as JSON. Run
 * it with {@code bench/run-spark-bench.sh}.
 *
 * <p>Arguments (all optional): {@code --rows N} (default 1,000,000; merge source, merge target and
 * landing data each have N rows), {@code --reps N} timed repetitions after one warm-up (default 5),
 * {@code --out FILE} (default {@code bench/results/spark-bench.json}), {@code --work DIR} (default
 * a temporary folder, removed at exit).
 */
public final class SparkBench {

  private static final String MERGE_SOURCE = "bench.merge_source";
  private static final String TARGET_LAKEPLAN = "bench.merge_target_lakeplan";
  private static final String TARGET_SQL = "bench.merge_target_sql";

  private static final String LAKEPLAN_MERGE = "(a) merge: Lakeplan (SparkEngine)";
  private static final String SQL_MERGE = "(a) merge: hand-written MERGE INTO";
  private static final String TOMBSTONE_MERGE = "(a) merge: Lakeplan + tombstones (default)";
  private static final String DEDUPE_COUNT = "    diag: count of deduplicated source";
  private static final String REWRITE = "(b) convert REWRITE";
  private static final String ADD_FILES = "(b) convert ADD_FILES";
  private static final String RECONCILE = "(c) reconcile FULL (REWRITE table)";

  private final SparkSession spark;
  private final SparkEngine engine;
  private final Dag dag = Dag.builder().id("bench.spark").useCase("bench").build();
  private final long rows;
  private final Path landing;
  private final Map<String, List<Long>> timings = new LinkedHashMap<>();
  private long expectedMergedRows;
  private long expectedTargetRows;
  private long initialLakeplan;
  private long initialSql;

  private SparkBench(SparkSession spark, Path work, long rows) {
    this.spark = spark;
    this.engine =
        new SparkEngine(spark, work.toUri(), new FileWatermarkStore(work.resolve("watermarks")));
    this.rows = rows;
    this.landing = work.resolve("landing").resolve("orders");
    for (String name :
        List.of(
            LAKEPLAN_MERGE,
            SQL_MERGE,
            TOMBSTONE_MERGE,
            DEDUPE_COUNT,
            REWRITE,
            ADD_FILES,
            RECONCILE)) {
      timings.put(name, new ArrayList<>());
    }
  }

  public static void main(String[] args) throws Exception {
    long rows = 1_000_000;
    int reps = 5;
    Path out = Path.of("bench", "results", "spark-bench.json");
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(require(args[i], value));
        case "--reps" -> reps = Integer.parseInt(require(args[i], value));
        case "--out" -> out = Path.of(require(args[i], value));
        case "--work" -> work = Path.of(require(args[i], value));
        default ->
            throw new IllegalArgumentException(
                "Unknown argument: '" + args[i] + "' (expected --rows, --reps, --out or --work)");
      }
      i++;
    }
    if (rows < 10 || reps < 1) {
      throw new IllegalArgumentException(
          "Invalid size: rows=" + rows + ", reps=" + reps + " (need rows >= 10, reps >= 1)");
    }
    if (work == null) {
      work = Files.createTempDirectory("lakeplan-spark-bench-");
      Path created = work;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(created)));
    }
    long started = System.nanoTime();
    SparkSession spark = LakeplanCatalog.localSession(work.resolve("warehouse"));
    try {
      SparkBench bench = new SparkBench(spark, work, rows);
      bench.prepare();
      System.out.printf(
          Locale.ROOT, "data ready; 1 warm-up + %d timed repetitions, interleaved%n", reps);
      for (int rep = 0; rep <= reps; rep++) {
        bench.repetition(rep, rep > 0);
      }
      double totalSeconds = (System.nanoTime() - started) / 1e9;
      bench.report(reps, totalSeconds, out);
    } finally {
      spark.stop();
    }
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException("Missing value after " + flag);
    }
    return value;
  }

  // ---------------------------------------------------------------- data

  private void prepare() throws Exception {
    long start = System.nanoTime();
    TableDefinition source =
        TableDefinition.builder()
            .table(MERGE_SOURCE)
            .requiredColumn("order_id", "long")
            .column("customer_id", "long")
            .column("status", "string")
            .column("amount", "decimal(12,2)")
            .column("op", "string")
            .column("updated_at", "timestamp")
            .build();
    check(engine.run(dag, Task.of("create-source", TaskSpec.CreateTable.of(source))));
    for (String target : List.of(TARGET_LAKEPLAN, TARGET_SQL)) {
      check(engine.run(dag, Task.of("create-target", TaskSpec.CreateTable.of(target(target)))));
      // the same deterministic query, so both copies hold the same rows
      spark.sql("INSERT INTO lakeplan." + target + " " + targetRowsSql());
    }
    spark.sql("INSERT INTO lakeplan." + MERGE_SOURCE + " " + sourceRowsSql());
    // every repetition starts both merges from these snapshots
    initialLakeplan = currentSnapshotId(TARGET_LAKEPLAN);
    initialSql = currentSnapshotId(TARGET_SQL);
    Row expected =
        spark
            .sql(
                "SELECT count(*), count_if(op <> 'D'), count_if(op <> 'D' AND order_id > "
                    + rows
                    + "), count_if(op = 'D' AND order_id <= "
                    + rows
                    + ") FROM ("
                    + dedupedSourceSql()
                    + ")")
            .first();
    expectedMergedRows = expected.getLong(0);
    // target rows after the merge: old rows, plus inserted new keys, minus deleted matched keys
    expectedTargetRows = rows + expected.getLong(2) - expected.getLong(3);
    spark
        .sql(landingRowsSql())
        .repartition(8)
        .write()
        .mode("overwrite")
        .parquet(landing.toUri().toString());
    System.out.printf(
        Locale.ROOT,
        "generated %,d target rows (x2 copies), %,d merge source rows (%,d distinct keys),"
            + " %,d landing rows in %.1f s%n",
        rows,
        rows,
        expectedMergedRows,
        rows,
        (System.nanoTime() - start) / 1e9);
  }

  private static TableDefinition target(String table) {
    return TableDefinition.builder()
        .table(table)
        .requiredColumn("order_id", "long")
        .column("customer_id", "long")
        .column("status", "string")
        .column("amount", "decimal(12,2)")
        .column("updated_at", "timestamp")
        .partitionBy("bucket(8, order_id)")
        .build();
  }

  /** Orders 1..rows, last updated in January 2024. */
  private String targetRowsSql() {
    return "SELECT id AS order_id, id % 10007 AS customer_id, 'new' AS status,"
        + " CAST((id % 100000) * 0.25 AS decimal(12,2)) AS amount,"
        + " CAST(timestamp_seconds(1704067200 + id) AS timestamp_ntz) AS updated_at"
        + " FROM range(1, "
        + (rows + 1)
        + ")";
  }

  /**
   * {@code rows} change records: keys rows/2+1 .. rows/2+0.9*rows, so half of them update or delete
   * a target row and the rest are new; the first tenth of the keys comes twice (the later record
   * wins); one record in twenty is a delete. All are newer than the target rows.
   */
  private String sourceRowsSql() {
    long distinct = rows * 9 / 10;
    return "SELECT "
        + (rows / 2 + 1)
        + " + id % "
        + distinct
        + " AS order_id, id % 10007 AS customer_id,"
        + " CASE WHEN id % 3 = 0 THEN 'shipped' ELSE 'paid' END AS status,"
        + " CAST((id % 100000) * 0.37 AS decimal(12,2)) AS amount,"
        + " CASE WHEN id % 20 = 7 THEN 'D' ELSE 'U' END AS op,"
        + " CAST(timestamp_seconds(1706745600 + id) AS timestamp_ntz) AS updated_at"
        + " FROM range(0, "
        + rows
        + ")";
  }

  /** Landing Parquet with exactly the declared types, so ADD_FILES can register it as it is. */
  private String landingRowsSql() {
    return "SELECT id AS order_id, id % 10007 AS customer_id,"
        + " CASE WHEN id % 3 = 0 THEN 'shipped' ELSE 'new' END AS status,"
        + " CAST(id * 1.25 AS decimal(12,2)) AS amount,"
        + " CAST(timestamp_seconds(1704067200 + id * 7) AS timestamp_ntz) AS updated_at"
        + " FROM range(1, "
        + (rows + 1)
        + ")";
  }

  /** The latest source record per key, written as a user would write it by hand. */
  private static String dedupedSourceSql() {
    return "SELECT order_id, customer_id, status, amount, op, updated_at FROM ("
        + "SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) AS rn"
        + " FROM lakeplan."
        + MERGE_SOURCE
        + ") WHERE rn = 1";
  }

  /** The same semantics by hand: latest per key, and a change applies only when not older. */
  private static String handWrittenMerge() {
    return "MERGE INTO lakeplan."
        + TARGET_SQL
        + " t USING ("
        + dedupedSourceSql()
        + ") s ON t.order_id = s.order_id"
        + " WHEN MATCHED AND s.updated_at >= t.updated_at AND s.op = 'D' THEN DELETE"
        + " WHEN MATCHED AND s.updated_at >= t.updated_at"
        + " THEN UPDATE SET t.customer_id = s.customer_id, t.status = s.status,"
        + " t.amount = s.amount, t.updated_at = s.updated_at"
        + " WHEN NOT MATCHED AND s.op <> 'D' THEN INSERT"
        + " (order_id, customer_id, status, amount, updated_at)"
        + " VALUES (s.order_id, s.customer_id, s.status, s.amount, s.updated_at)";
  }

  /**
   * The Lakeplan merge of the same semantics as {@link #handWrittenMerge()}: without tombstones,
   * which the hand-written statement does not keep ({@link #TOMBSTONE_MERGE} measures them).
   */
  private static Merge lakeplanMerge() {
    return lakeplanMerge(Duration.ZERO);
  }

  private static Merge lakeplanMerge(Duration tombstoneRetention) {
    return Merge.builder()
        .id("bench-upsert")
        .target(TARGET_LAKEPLAN)
        .source(MERGE_SOURCE)
        .addKey("order_id")
        .orderBy("updated_at")
        .deleteWhen("op = 'D'")
        .tombstoneRetention(tombstoneRetention)
        .build();
  }

  private Migration migration(ConversionMode mode, int rep) {
    String table =
        "bench.convert_" + mode.name().toLowerCase(Locale.ROOT) + "_" + (rep == 0 ? "warmup" : rep);
    return Migration.builder()
        .id("orders-" + mode.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + rep)
        .fromPath(landing.toAbsolutePath().toString(), FileFormat.PARQUET)
        .target(
            table,
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp"))
        .mode(mode)
        .reconcile(ReconcileLevel.FULL)
        .build();
  }

  // ---------------------------------------------------------------- one repetition

  private void repetition(int rep, boolean timed) throws Exception {
    String label = timed ? "rep " + rep : "warm-up";

    // (a) both merges from the same target state; alternate which one goes first
    Runnable lakeplan =
        () ->
            time(
                LAKEPLAN_MERGE,
                timed,
                label,
                () ->
                    checkRows(
                        engine.run(dag, Task.of("merge", TaskSpec.MergeInto.of(lakeplanMerge()))),
                        // the merge reports the source rows it read (from snapshot metadata)
                        rows));
    Runnable handWritten =
        () ->
            time(
                SQL_MERGE,
                timed,
                label,
                () -> {
                  spark.sql(handWrittenMerge());
                  return null;
                });
    if (rep % 2 == 0) {
      lakeplan.run();
      handWritten.run();
    } else {
      handWritten.run();
      lakeplan.run();
    }
    // what MergeExecutor computed before its MERGE until it read the count from snapshot
    // metadata: timed alone, for attribution of the earlier overhead
    time(
        DEDUPE_COUNT,
        timed,
        label,
        () -> spark.sql("SELECT count(*) FROM (" + dedupedSourceSql() + ")").first());
    requireSameTargets();
    rollback(TARGET_LAKEPLAN, initialLakeplan);
    rollback(TARGET_SQL, initialSql);
    // the default merge, which also remembers its deletes (its source has some): what they cost
    time(
        TOMBSTONE_MERGE,
        timed,
        label,
        () ->
            checkRows(
                engine.run(
                    dag,
                    Task.of("merge", TaskSpec.MergeInto.of(lakeplanMerge(Duration.ofDays(7))))),
                rows));
    rollback(TARGET_LAKEPLAN, initialLakeplan);
    spark.sql("DROP TABLE IF EXISTS lakeplan." + TARGET_LAKEPLAN + "_tombstones PURGE");

    // (b) both conversion modes into fresh tables; (c) reconcile the rewritten table
    Migration rewrite = migration(ConversionMode.REWRITE, rep);
    Migration addFiles = migration(ConversionMode.ADD_FILES, rep);
    for (Migration migration : List.of(rewrite, addFiles)) {
      check(engine.run(dag, Task.of("create-table", TaskSpec.CreateTable.of(migration.target()))));
    }
    Consumer<Migration> convert =
        migration ->
            time(
                migration.mode() == ConversionMode.REWRITE ? REWRITE : ADD_FILES,
                timed,
                label,
                () ->
                    checkRows(
                        engine.run(dag, Task.of("convert", TaskSpec.Convert.of(migration))), rows));
    if (rep % 2 == 0) {
      convert.accept(rewrite);
      convert.accept(addFiles);
    } else {
      convert.accept(addFiles);
      convert.accept(rewrite);
    }
    time(
        RECONCILE,
        timed,
        label,
        () ->
            checkRows(engine.run(dag, Task.of("reconcile", TaskSpec.Reconcile.of(rewrite))), rows));
  }

  private void time(String name, boolean timed, String label, Supplier<?> work) {
    System.gc();
    long start = System.nanoTime();
    work.get();
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (timed) {
      timings.get(name).add(millis);
    }
    System.out.printf(Locale.ROOT, "  %-8s %-40s %,8d ms%n", label, name, millis);
  }

  private static TaskResult check(TaskResult result) {
    if (!result.isSuccess()) {
      throw new IllegalStateException("Task failed: " + result.summary());
    }
    return result;
  }

  private static TaskResult checkRows(TaskResult result, long expected) {
    check(result);
    if (result.rows() != expected) {
      throw new IllegalStateException(
          "Task reported " + result.rows() + " rows, expected " + expected + ": " + result);
    }
    return result;
  }

  /** Both merge targets must hold the same rows, and as many as computed up front. */
  private void requireSameTargets() {
    String digest =
        "SELECT count(*), sum(cast(xxhash64(order_id, customer_id, status, amount, updated_at)"
            + " AS decimal(38,0))) FROM lakeplan.";
    Row lakeplan = spark.sql(digest + TARGET_LAKEPLAN).first();
    Row handWritten = spark.sql(digest + TARGET_SQL).first();
    if (!lakeplan.equals(handWritten) || lakeplan.getLong(0) != expectedTargetRows) {
      throw new IllegalStateException(
          "Merge results differ: Lakeplan "
              + lakeplan
              + ", hand-written "
              + handWritten
              + ", expected "
              + expectedTargetRows
              + " rows");
    }
  }

  private long currentSnapshotId(String table) throws Exception {
    org.apache.iceberg.Table loaded = Spark3Util.loadIcebergTable(spark, "lakeplan." + table);
    loaded.refresh();
    return loaded.currentSnapshot().snapshotId();
  }

  private void rollback(String table, long snapshot) {
    spark.sql(
        "CALL lakeplan.system.rollback_to_snapshot(table => '"
            + table
            + "', snapshot_id => "
            + snapshot
            + ")");
  }

  // ---------------------------------------------------------------- report

  private void report(int reps, double totalSeconds, Path out) throws IOException {
    Map<String, Long> medians = new LinkedHashMap<>();
    timings.forEach((name, values) -> medians.put(name, median(values)));
    double mergeRatio = (double) medians.get(LAKEPLAN_MERGE) / medians.get(SQL_MERGE);
    double convertSpeedUp = (double) medians.get(REWRITE) / medians.get(ADD_FILES);
    double reconcileFraction = (double) medians.get(RECONCILE) / medians.get(REWRITE);
    double dedupeShare = (double) medians.get(DEDUPE_COUNT) / medians.get(SQL_MERGE);
    double tombstoneRatio = (double) medians.get(TOMBSTONE_MERGE) / medians.get(SQL_MERGE);
    // the same ratio per repetition (both merges ran back to back): less sensitive to load that
    // changes between repetitions than the ratio of the two medians
    List<Double> pairedRatios = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      pairedRatios.add(
          round((double) timings.get(LAKEPLAN_MERGE).get(i) / timings.get(SQL_MERGE).get(i)));
    }
    double pairedRatio = medianOf(pairedRatios);

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Lakeplan Spark engine benchmark: %,d rows, local[2] on %d cores, median of %d"
            + " (after 1 warm-up)%n",
        rows,
        Runtime.getRuntime().availableProcessors(),
        reps);
    System.out.printf(Locale.ROOT, "%-42s %10s   %s%n", "measurement", "median ms", "all runs ms");
    timings.forEach(
        (name, values) ->
            System.out.printf(Locale.ROOT, "%-42s %,10d   %s%n", name, medians.get(name), values));
    System.out.printf(
        Locale.ROOT,
        "%-42s %10.3f   target <= 1.05: %s%n",
        "(a) merge overhead Lakeplan / hand-written",
        mergeRatio,
        mergeRatio <= 1.05 ? "met" : "MISSED");
    System.out.printf(
        Locale.ROOT,
        "%-42s %10.3f   per repetition: %s%n",
        "    median of per-repetition ratios",
        pairedRatio,
        pairedRatios);
    System.out.printf(
        Locale.ROOT,
        "%-42s %10.3f   (tombstones on, the default, / hand-written)%n",
        "    with tombstones",
        tombstoneRatio);
    System.out.printf(
        Locale.ROOT,
        "%-42s %10.3f   (dedupe count / hand-written merge)%n",
        "    diag: extra count share",
        dedupeShare);
    System.out.printf(
        Locale.ROOT,
        "%-42s %10.1f   target >= 10: %s%n",
        "(b) speed-up ADD_FILES vs REWRITE",
        convertSpeedUp,
        convertSpeedUp >= 10 ? "met" : "MISSED");
    System.out.printf(
        Locale.ROOT, "%-42s %10.3f%n", "(c) reconcile FULL / REWRITE", reconcileFraction);
    System.out.printf(Locale.ROOT, "total run %.0f s%n", totalSeconds);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lakeplan-spark-engine");
    json.put("finishedAt", Instant.now().toString());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put("java", System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("spark", spark.version());
    machine.put("iceberg", org.apache.iceberg.IcebergBuild.version());
    machine.put("master", spark.sparkContext().master());
    machine.put("shufflePartitions", spark.conf().get("spark.sql.shuffle.partitions"));
    json.put("machine", machine);
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("rows", rows);
    config.put("mergeSourceDistinctKeys", expectedMergedRows);
    config.put("mergeTargetRowsAfter", expectedTargetRows);
    config.put("warmUps", 1);
    config.put("repetitions", reps);
    json.put("config", config);
    Map<String, Object> results = new LinkedHashMap<>();
    timings.forEach(
        (name, values) -> {
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("medianMs", medians.get(name));
          entry.put("runsMs", values);
          results.put(key(name), entry);
        });
    json.put("timings", results);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("mergeOverheadRatio", round(mergeRatio));
    ratios.put("mergeOverheadRatioPerRepetition", pairedRatios);
    ratios.put("mergeOverheadRatioMedianOfPairs", round(pairedRatio));
    ratios.put("mergeOverheadTarget", 1.05);
    ratios.put("mergeOverheadMet", mergeRatio <= 1.05);
    ratios.put("dedupeCountShareOfMerge", round(dedupeShare));
    ratios.put("mergeWithTombstonesRatio", round(tombstoneRatio));
    ratios.put("addFilesSpeedUp", round(convertSpeedUp));
    ratios.put("addFilesSpeedUpTarget", 10);
    ratios.put("addFilesSpeedUpMet", convertSpeedUp >= 10);
    ratios.put("reconcileFractionOfRewrite", round(reconcileFraction));
    json.put("ratios", ratios);
    json.put("totalSeconds", Math.round(totalSeconds));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static String key(String name) {
    return switch (name) {
      case LAKEPLAN_MERGE -> "mergeLakeplan";
      case SQL_MERGE -> "mergeHandWrittenSql";
      case TOMBSTONE_MERGE -> "mergeLakeplanWithTombstones";
      case DEDUPE_COUNT -> "dedupeCountAlone";
      case REWRITE -> "convertRewrite";
      case ADD_FILES -> "convertAddFiles";
      case RECONCILE -> "reconcileFull";
      default -> throw new IllegalArgumentException("Unknown measurement: " + name);
    };
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort: a temporary folder
    }
  }
}
