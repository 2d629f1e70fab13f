package io.lakeplan.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakeplan.run.PlanRun;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.LocalRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The README's main job — every task of {@code examples/orders} on local Spark, as {@code lakeplan
 * run examples/orders} runs it — repeated in one JVM: the first run is cold (class loading, JIT,
 * Spark's first jobs), the later ones warm. Each run starts from a fresh copy of the example
 * folder, an empty catalog and no watermarks, so every run does the same work. Reports each task's
 * time (as the run's report shows it) per run, the medians of the warm runs, and their sum: the
 * task time of the main job.
 *
 * <pre>
 * bench/run-spark-bench.sh --class io.lakeplan.bench.spark.OrdersJobBench [--reps 5] [--out FILE]
 * </pre>
 */
public final class OrdersJobBench {

  private static Path warehouse;

  private OrdersJobBench() {}

  public static void main(String[] args) throws Exception {
    int reps = 5;
    Path example = Path.of("examples", "orders");
    Path out = Path.of("bench", "results", "orders-job.json");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[i + 1]);
        case "--example" -> example = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "Unknown argument: '" + args[i] + "' (expected --reps, --example or --out)");
      }
    }
    Path work = Files.createTempDirectory("lakeplan-orders-job-");
    warehouse = work.resolve("warehouse");
    SparkSession spark = LakeplanCatalog.localSession(warehouse);
    SparkJobs jobs = new SparkJobs();
    spark.sparkContext().addSparkListener(jobs);
    Map<String, List<Long>> taskMillis = new LinkedHashMap<>();
    Map<String, List<Long>> jobCounts = new LinkedHashMap<>();
    Map<String, List<Long>> jobMillis = new LinkedHashMap<>();
    List<Long> totals = new ArrayList<>();
    List<Long> walls = new ArrayList<>();
    List<String> results = new ArrayList<>();
    try {
      for (int rep = 0; rep <= reps; rep++) {
        dropTables(spark);
        deleteRecursively(warehouse.resolve(".lakeplan"));
        Path folder = work.resolve("run-" + rep);
        copy(example, folder);
        jobs.clear();
        long start = System.nanoTime();
        PlanRun.Report report = LocalRunner.run(folder, warehouse, spark);
        long wall = (System.nanoTime() - start) / 1_000_000;
        if (!report.succeeded()) {
          throw new IllegalStateException("Run " + rep + " failed:\n" + report.table());
        }
        long total = 0;
        for (PlanRun.Entry entry : report.entries()) {
          long millis = entry.result().duration().toMillis();
          total += millis;
          if (rep > 0) {
            String task = entry.dagId() + "/" + entry.taskId();
            taskMillis.computeIfAbsent(task, k -> new ArrayList<>()).add(millis);
            jobCounts.computeIfAbsent(task, k -> new ArrayList<>()).add(jobs.count(task));
            jobMillis.computeIfAbsent(task, k -> new ArrayList<>()).add(jobs.millis(task));
          }
        }
        String digest = digest(spark);
        if (!results.isEmpty() && !results.get(0).equals(digest)) {
          throw new IllegalStateException(
              "Run " + rep + " left other tables than run 0: " + digest + " vs " + results.get(0));
        }
        results.add(digest);
        System.out.printf(
            Locale.ROOT,
            "%-8s task time %,8d ms, wall %,8d ms%n",
            rep == 0 ? "cold" : "warm " + rep,
            total,
            wall);
        if (rep == 0) {
          System.out.println(report.table());
        } else {
          totals.add(total);
          walls.add(wall);
        }
      }
    } finally {
      spark.stop();
    }
    Map<String, Long> medians = new LinkedHashMap<>();
    taskMillis.forEach((task, values) -> medians.put(task, median(values)));
    long sumOfMedians = medians.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(
        Locale.ROOT, "%n%-64s %10s %6s %10s%n", "task (warm median)", "ms", "jobs", "in jobs");
    medians.forEach(
        (task, millis) ->
            System.out.printf(
                Locale.ROOT,
                "%-64s %,10d %6d %,10d%n",
                task,
                millis,
                median(jobCounts.get(task)),
                median(jobMillis.get(task))));
    System.out.printf(
        Locale.ROOT,
        "%-64s %,10d%n%-64s %,10d%n",
        "sum of task medians",
        sumOfMedians,
        "median task time of a warm run",
        median(totals));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lakeplan-orders-main-job");
    json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    json.put("warmRuns", reps);
    json.put("taskTimeMsPerWarmRun", totals);
    json.put("wallMsPerWarmRun", walls);
    json.put("medianTaskTimeMs", median(totals));
    json.put("medianWallMs", median(walls));
    json.put("taskMedianMs", medians);
    json.put("taskMs", taskMillis);
    json.put("sparkJobsPerTask", jobCounts);
    json.put("sparkJobMsPerTask", jobMillis);
    json.put("tables", results.get(0));
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /**
   * The Spark jobs each task ran and their wall time, by the job group the engine gives a task's
   * jobs ({@code use case/dag/task}).
   */
  private static final class SparkJobs extends SparkListener {
    private final Map<Integer, Long> started = new ConcurrentHashMap<>();
    private final Map<Integer, String> groups = new ConcurrentHashMap<>();
    private final Map<String, long[]> byTask = new ConcurrentHashMap<>();

    void clear() {
      byTask.clear();
    }

    long count(String task) {
      return totals(task)[0];
    }

    long millis(String task) {
      return totals(task)[1];
    }

    private long[] totals(String task) {
      return byTask.entrySet().stream()
          .filter(entry -> entry.getKey().endsWith("/" + task))
          .map(Map.Entry::getValue)
          .findFirst()
          .orElse(new long[2]);
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String group = start.properties().getProperty("spark.jobGroup.id");
      if (group != null) {
        groups.put(start.jobId(), group);
        started.put(start.jobId(), start.time());
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      String group = groups.remove(end.jobId());
      Long start = started.remove(end.jobId());
      if (group != null && start != null) {
        long[] totals = byTask.computeIfAbsent(group, k -> new long[2]);
        synchronized (totals) {
          totals[0]++;
          totals[1] += end.time() - start;
        }
      }
    }
  }

  /** Row count and an order-independent digest of every table the run left, by name. */
  private static String digest(SparkSession spark) {
    StringBuilder digest = new StringBuilder();
    for (String namespace : namespaces(spark)) {
      for (Row table : spark.sql("SHOW TABLES IN lakeplan." + namespace).collectAsList()) {
        String name = "lakeplan." + namespace + "." + table.getString(1);
        // a tombstone carries the time it was written: its count only
        Row row =
            spark
                .sql(
                    name.endsWith("_tombstones")
                        ? "SELECT count(*), 0 FROM " + name
                        : "SELECT count(*), sum(cast(xxhash64(*) AS decimal(38,0))) FROM " + name)
                .first();
        digest.append(name).append('=').append(row.get(0)).append('/').append(row.get(1));
        digest.append(' ');
      }
    }
    return digest.toString().trim();
  }

  /** The catalog's namespaces; the warehouse's hidden folders (watermarks) are none. */
  private static List<String> namespaces(SparkSession spark) {
    if (!Files.isDirectory(warehouse)) {
      return List.of(); // before the first run
    }
    return spark.sql("SHOW NAMESPACES IN lakeplan").collectAsList().stream()
        .map(row -> row.getString(0))
        .filter(name -> !name.isBlank() && !name.startsWith("."))
        .toList();
  }

  private static void dropTables(SparkSession spark) {
    for (String namespace : namespaces(spark)) {
      for (Row table : spark.sql("SHOW TABLES IN lakeplan." + namespace).collectAsList()) {
        spark.sql("DROP TABLE lakeplan." + namespace + "." + table.getString(1) + " PURGE");
      }
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path relative = from.relativize(file);
        if (relative.startsWith(Path.of("data", "landing"))) {
          continue; // what an earlier run's copy task wrote
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  private static void deleteRecursively(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              file -> {
                try {
                  Files.delete(file);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
