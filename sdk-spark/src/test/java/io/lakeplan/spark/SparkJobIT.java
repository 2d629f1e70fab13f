package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A legacy workspace's own PySpark step (an imported {@code spark-job}) run by the Spark engine
 * with {@code spark-submit} of the team's script, with PySpark from {@code .venv-pyspark} (made by
 * bin/setup-pyspark before the ITs; {@code PYSPARK_PYTHON} names its interpreter). Two submissions
 * in all run to their end: the report and the failing script; the missing script starts none, and
 * the interrupted one is stopped while its JVM starts.
 */
class SparkJobIT {

  private static final String TITLE = "orders by customer";

  /** The team's script: one file, what it does chosen by its first argument. */
  private static final String SCRIPT =
      """
      import sys
      from pyspark.sql import SparkSession, functions as F
      from pyspark.sql.types import StringType

      mode, source, target = sys.argv[1:4]
      if mode == "fail":
          raise ValueError("bad partition 7")
      spark = SparkSession.builder.appName("orders-report").getOrCreate()
      title = spark.conf.get("spark.lakeplan.report.title", "<unset>")
      # a Python UDF, so Python runs in the executors too
      band = F.udf(lambda amount: "large" if amount >= 100 else "small", StringType())
      report = (
          spark.read.parquet(source)
          .where(F.col("status") != "CANCELLED")
          .withColumn("band", band(F.col("amount")))
          .groupBy("customer", "band")
          .agg(F.count(F.lit(1)).alias("orders"), F.sum("amount").alias("total"))
          .withColumn("title", F.lit(title)))
      report.write.mode("overwrite").parquet(target)
      print("report written to %s (title %s)" % (target, title), flush=True)
      spark.stop()
      """;

  private static Path workspace;
  private static Path orders;
  private static Path report;
  private static Path kept;
  private static List<Row> input;
  private static Plan plan;

  @BeforeAll
  static void legacyWorkspace() throws IOException {
    String python = System.getenv("PYSPARK_PYTHON");
    assertThat(python)
        .as(
            "PYSPARK_PYTHON must name the interpreter of .venv-pyspark: run bin/setup-pyspark (the"
                + " Maven build runs it before the ITs and sets PYSPARK_PYTHON)")
        .isNotBlank();
    assertThat(Path.of(python))
        .as("PYSPARK_PYTHON %s: run bin/setup-pyspark to create .venv-pyspark", python)
        .isExecutable();

    Path root = TestSpark.newDir("spark-job");
    workspace = Files.createDirectories(root.resolve("workspace"));
    Files.createDirectories(workspace.resolve("jobs"));
    Files.writeString(workspace.resolve("jobs/report.py"), SCRIPT);
    orders = root.resolve("data/orders");
    report = root.resolve("out/report");
    kept = Files.createDirectories(root.resolve("out/kept"));
    Files.writeString(kept.resolve("previous.txt"), "written before the failing runs\n");

    input = new ArrayList<>();
    String[] statuses = {"NEW", "SHIPPED", "CANCELLED"};
    for (int i = 0; i < 14; i++) {
      input.add(RowFactory.create("c" + (i % 3), statuses[i % statuses.length], 30L + 17L * i));
    }
    StructType schema =
        new StructType()
            .add("customer", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("amount", DataTypes.LongType);
    TestSpark.session().createDataFrame(input, schema).write().parquet(orders.toString());

    // the seed's legacy format: owner and dags[], each DAG running one Spark job
    Files.writeString(
        workspace.resolve("orders-report.yaml"),
        """
        owner: sales-data@example.com
        dags:
          - name: orders_report
            type: transformation
            tags: [sales]
            notification:
              on_success_callback: false
              on_failure_callback: true
            spark:
              entrypoint: jobs/report.py
              arguments: ["report", "%1$s", "%2$s"]
              spark_submit_parameters: "--conf 'spark.lakeplan.report.title=%4$s' --conf spark.sql.shuffle.partitions=2 --conf spark.ui.enabled=false"
          - name: orders_report_broken
            type: transformation
            spark:
              entrypoint: jobs/report.py
              arguments: ["fail", "%1$s", "%3$s"]
              spark_submit_parameters: ""
          - name: orders_report_missing
            type: transformation
            spark:
              entrypoint: jobs/missing.py
              arguments: ["report", "%1$s", "%3$s"]
              spark_submit_parameters: ""
        """
            .formatted(orders, report, kept, TITLE));
    plan = Workspace.loadStrict(workspace).plan();
  }

  @Test
  void legacyPySparkStep_runsTheTeamsScriptWithSparkSubmit_rowsExitCodeAndLogTailInTheResult() {
    TaskResult result = run("orders_report");

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    Path script = workspace.resolve("jobs/report.py");
    List<String> expected = expectedReport();
    assertThat(result.summary())
        .startsWith(
            "Spark job orders_report: spark-submit of "
                + script
                + " exited with code 0; last lines:")
        .contains("report written to " + report + " (title " + TITLE + ")");
    // the title came from the step's spark-submit parameters (--conf, quoted)
    List<String> written =
        TestSpark.session().read().parquet(report.toString()).collectAsList().stream()
            .map(
                row ->
                    String.join(
                        "|",
                        row.<String>getAs("customer"),
                        row.<String>getAs("band"),
                        String.valueOf(row.<Long>getAs("orders")),
                        String.valueOf(row.<Long>getAs("total")),
                        row.<String>getAs("title")))
            .toList();
    assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void failingScript_failsTheTaskWithItsLastErrorLineAndExitCode_targetUnchanged()
      throws IOException {
    Map<String, String> before = listing(kept);

    TaskResult result = run("orders_report_broken");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Spark job orders_report_broken: spark-submit of "
                + workspace.resolve("jobs/report.py")
                + " exited with code 1: ValueError: bad partition 7 (its last lines are in the"
                + " log)");
    assertThat(listing(kept)).isEqualTo(before);
  }

  @Test
  void missingScript_failsOnOneLineNamingThePath_startsNoProcess_targetUnchanged()
      throws IOException {
    Map<String, String> before = listing(kept);
    TaskResult result;
    String log;
    try (LogCapture capture = LogCapture.start()) {
      result = run("orders_report_missing");
      log = capture.text();
    }

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Spark job orders_report_missing: entry point "
                + workspace.resolve("jobs/missing.py")
                + " does not exist (spark-jobs[orders_report_missing].entrypoint; a relative path"
                + " resolves against the use case's folder)");
    assertThat(log).contains("orders_report_missing").doesNotContain("started spark-submit");
    assertThat(listing(kept)).isEqualTo(before);
  }

  @Test
  void interruptedWhileTheScriptRuns_stopsSparkSubmit_andFailsSayingSo() {
    // the flag is set before the run: the engine starts spark-submit, and its wait is interrupted
    Thread.currentThread().interrupt();
    TaskResult result;
    try {
      result = run("orders_report_broken");
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    Matcher stopped =
        Pattern.compile(
                "Spark job orders_report_broken: interrupted; spark-submit \\(pid (\\d+)\\) was"
                    + " stopped")
            .matcher(result.summary());
    assertThat(stopped.matches()).as(result.summary()).isTrue();
    long pid = Long.parseLong(stopped.group(1));
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  private static TaskResult run(String dagId) {
    Dag dag = plan.dag(dagId);
    Task task = dag.tasksInOrder().get(0);
    assertThat(task.spec()).isInstanceOf(TaskSpec.RunSparkJob.class);
    return TestSpark.engine(workspace).run(dag, task);
  }

  /** The script's report computed from the input rows: {@code customer|band|orders|total|title}. */
  private static List<String> expectedReport() {
    Map<String, long[]> groups = new TreeMap<>();
    for (Row row : input) {
      if (row.getString(1).equals("CANCELLED")) {
        continue;
      }
      long amount = row.getLong(2);
      String key = row.getString(0) + "|" + (amount >= 100 ? "large" : "small");
      long[] counts = groups.computeIfAbsent(key, k -> new long[2]);
      counts[0]++;
      counts[1] += amount;
    }
    return groups.entrySet().stream()
        .map(e -> e.getKey() + "|" + e.getValue()[0] + "|" + e.getValue()[1] + "|" + TITLE)
        .toList();
  }

  /** Every file under {@code folder} with its size and modification time. */
  private static Map<String, String> listing(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        files.put(
            folder.relativize(file).toString(),
            Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file));
      }
    }
    assertThat(files).as("files under %s", folder).isNotEmpty();
    return files;
  }
}
