package io.lakeplan.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * ADD_FILES vs REWRITE conversion of the same landing Parquet at growing sizes: how the speed-up of
 * registering files in place grows with the data (REWRITE reads and writes every row; ADD_FILES
 * reads the files' footers). The landing data has the columns and types of {@link SparkBench}'s,
 * written as one Parquet file per {@code --rows-per-file} rows (default 125,000: 8 files of ~1.5 MB
 * per million rows, a small-files layout; 1,000,000 gives ~12 MB files); both conversions run
 * through the Lakeplan convert task, in alternating order, into fresh tables each time.
 *
 * <pre>
 * bench/run-spark-bench.sh --class io.lakeplan.bench.spark.ConvertScaling \
 *     --rows 1000000,4000000,10000000 --reps 3
 * </pre>
 */
public final class ConvertScaling {

  private ConvertScaling() {}

  public static void main(String[] args) throws Exception {
    List<Long> sizes = List.of(1_000_000L, 4_000_000L, 10_000_000L);
    int reps = 3;
    long rowsPerFile = 125_000;
    Path out = Path.of("bench", "results", "convert-scaling.json");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rows" ->
            sizes = List.of(args[i + 1].split(",")).stream().map(Long::valueOf).toList();
        case "--reps" -> reps = Integer.parseInt(args[i + 1]);
        case "--rows-per-file" -> rowsPerFile = Long.parseLong(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "Unknown argument: '"
                    + args[i]
                    + "' (expected --rows, --reps, --rows-per-file or --out)");
      }
    }
    Path work = Files.createTempDirectory("lakeplan-convert-scaling-");
    SparkSession spark = LakeplanCatalog.localSession(work.resolve("warehouse"));
    SparkEngine engine =
        new SparkEngine(spark, work.toUri(), new FileWatermarkStore(work.resolve("watermarks")));
    Dag dag = Dag.builder().id("bench.convert").useCase("bench").build();
    List<Map<String, Object>> results = new ArrayList<>();
    try {
      System.out.printf(
          Locale.ROOT,
          "%12s %14s %14s %9s %14s %9s%n",
          "rows",
          "REWRITE ms",
          "ADD_FILES ms",
          "speed-up",
          "reconcile ms",
          "/REWRITE");
      for (long rows : sizes) {
        Path landing = work.resolve("landing-" + rows);
        spark
            .sql(
                "SELECT id AS order_id, id % 10007 AS customer_id,"
                    + " CASE WHEN id % 3 = 0 THEN 'shipped' ELSE 'new' END AS status,"
                    + " CAST(id * 1.25 AS decimal(12,2)) AS amount,"
                    + " CAST(timestamp_seconds(1704067200 + id * 7) AS timestamp_ntz) AS updated_at"
                    + " FROM range(1, "
                    + (rows + 1)
                    + ")")
            .repartition((int) Math.max(1, rows / rowsPerFile))
            .write()
            .parquet(landing.toUri().toString());
        List<Long> rewrite = new ArrayList<>();
        List<Long> addFiles = new ArrayList<>();
        List<Long> reconcile = new ArrayList<>();
        for (int rep = 0; rep <= reps; rep++) {
          List<ConversionMode> order =
              rep % 2 == 0
                  ? List.of(ConversionMode.REWRITE, ConversionMode.ADD_FILES)
                  : List.of(ConversionMode.ADD_FILES, ConversionMode.REWRITE);
          for (ConversionMode mode : order) {
            Migration migration = migration(landing, mode, rows, rep);
            check(engine.run(dag, Task.of("create", TaskSpec.CreateTable.of(migration.target()))));
            System.gc();
            long start = System.nanoTime();
            TaskResult result =
                check(engine.run(dag, Task.of("convert", TaskSpec.Convert.of(migration))));
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (result.rows() != rows) {
              throw new IllegalStateException("Converted " + result.rows() + " rows, not " + rows);
            }
            if (rep > 0) {
              (mode == ConversionMode.REWRITE ? rewrite : addFiles).add(millis);
            }
            if (mode == ConversionMode.REWRITE) {
              // the FULL reconciliation of what REWRITE wrote: source and table compared
              System.gc();
              start = System.nanoTime();
              result =
                  check(engine.run(dag, Task.of("reconcile", TaskSpec.Reconcile.of(migration))));
              if (rep > 0) {
                reconcile.add((System.nanoTime() - start) / 1_000_000);
              }
              if (result.rows() != rows) {
                throw new IllegalStateException(
                    "Reconciled " + result.rows() + " rows, not " + rows);
              }
            }
          }
        }
        long rewriteMedian = median(rewrite);
        long addFilesMedian = median(addFiles);
        long reconcileMedian = median(reconcile);
        double speedUp = (double) rewriteMedian / addFilesMedian;
        double reconcileFraction = (double) reconcileMedian / rewriteMedian;
        System.out.printf(
            Locale.ROOT,
            "%,12d %,14d %,14d %8.1fx %,14d %9.2f%n",
            rows,
            rewriteMedian,
            addFilesMedian,
            speedUp,
            reconcileMedian,
            reconcileFraction);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("rows", rows);
        entry.put("rewriteMs", rewrite);
        entry.put("addFilesMs", addFiles);
        entry.put("rewriteMedianMs", rewriteMedian);
        entry.put("addFilesMedianMs", addFilesMedian);
        entry.put("reconcileFullMs", reconcile);
        entry.put("speedUp", Math.round(speedUp * 10) / 10.0);
        entry.put("reconcileFullMedianMs", reconcileMedian);
        entry.put("reconcileFractionOfRewrite", Math.round(reconcileFraction * 100) / 100.0);
        results.add(entry);
      }
    } finally {
      spark.stop();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lakeplan-convert-scaling");
    json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    json.put("repetitions", reps);
    json.put("rowsPerFile", rowsPerFile);
    json.put("results", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static Migration migration(Path landing, ConversionMode mode, long rows, int rep) {
    String suffix = mode.name().toLowerCase(Locale.ROOT) + "_" + rows + "_" + rep;
    return Migration.builder()
        .id("convert-" + suffix.replace('_', '-'))
        .fromPath(landing.toAbsolutePath().toString(), FileFormat.PARQUET)
        .target(
            "bench.scaling_" + suffix,
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

  private static TaskResult check(TaskResult result) {
    if (!result.isSuccess()) {
      throw new IllegalStateException("Task failed: " + result.summary());
    }
    return result;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
