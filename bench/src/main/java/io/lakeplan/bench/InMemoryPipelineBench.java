package io.lakeplan.bench;

import io.lakeplan.bench.PipelineBenchData.Order;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.InputTopic;
import io.lakeplan.testkit.LandingFiles;
import io.lakeplan.testkit.PipelineTestDriver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The in-memory side of the testkit-vs-Spark pipeline benchmark: the pipeline test of {@link
 * PipelineBenchData} on {@link PipelineTestDriver}, each run with a fresh driver (built, fed, run,
 * checked, closed — all timed). Run by {@code bench/run-pipeline-bench.sh}; the Spark side runs in
 * another JVM because the two engines' Iceberg classes cannot share a class path.
 *
 * <p>Arguments (all optional): {@code --warmups N} (default 60: the JIT needs a few dozen runs),
 * {@code --runs N} timed runs (default 30, at least 10), {@code --out FILE} (default {@code
 * bench/target/pipeline-bench-in-memory.json}).
 */
public final class InMemoryPipelineBench {

  private static final Instant START = Instant.parse("2024-06-01T00:00:00Z");

  private InMemoryPipelineBench() {}

  public static void main(String[] args) throws Exception {
    PipelineBenchSide.Options options =
        PipelineBenchSide.Options.parse(
            args,
            new PipelineBenchSide.Options(
                60, 30, Path.of("bench", "target", "pipeline-bench-in-memory.json")),
            10);
    int warmups = options.warmups();
    int runs = options.runs();
    Path out = options.out();
    UseCase useCase = PipelineBenchData.useCase("localhost:9092", PipelineBenchData.TOPIC);
    List<List<Order>> history = PipelineBenchData.historyFiles();
    List<Order> records = PipelineBenchData.kafkaRecords();
    long expected = PipelineBenchData.expectedProcessRows(history, records);
    PipelineBenchSide side = new PipelineBenchSide("in-memory (PipelineTestDriver)", warmups);
    System.out.printf(
        Locale.ROOT,
        "in-memory pipeline test: %,d history rows, %,d Kafka records, %,d rows expected in %s;"
            + " %d warm-ups + %d runs%n",
        PipelineBenchData.HISTORY_ROWS,
        PipelineBenchData.KAFKA_RECORDS,
        expected,
        PipelineBenchData.PROCESS_TABLE,
        warmups,
        runs);
    for (int run = 0; run < warmups + runs; run++) {
      System.gc();
      long start = System.nanoTime();
      pipelineTest(run, useCase, history, records, expected, side);
      long nanos = System.nanoTime() - start;
      side.record(run, nanos / 1_000_000, nanos / 1e6);
    }
    side.detail("expectedProcessRows", expected);
    side.detail("historyRows", PipelineBenchData.HISTORY_ROWS);
    side.detail("kafkaRecords", PipelineBenchData.KAFKA_RECORDS);
    side.write(out);
  }

  /** One pipeline test, as a unit test would write it; throws when the result is wrong. */
  private static void pipelineTest(
      int run,
      UseCase useCase,
      List<List<Order>> history,
      List<Order> records,
      long expected,
      PipelineBenchSide side) {
    long time = System.nanoTime();
    PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(useCase).startTime(START).build();
    try (driver) {
      Plan plan = driver.plan();
      time = side.lap(run, "build driver", time);
      LandingFiles landing = driver.landingFiles(PipelineBenchData.MIGRATION);
      for (List<Order> file : history) {
        landing.addFile(file.stream().map(Order::toRow).toList());
      }
      time = side.lap(run, "add history", time);
      runStage(run, driver, plan, DagKind.MIGRATION, side);
      time = side.lap(run, "migration DAG", time);

      InputTopic topic = driver.inputTopic(PipelineBenchData.TOPIC, PipelineBenchData.PARTITIONS);
      for (int i = 0; i < records.size(); i++) {
        Order order = records.get(i);
        topic.send(i % PipelineBenchData.PARTITIONS, null, order.toJson(), order.recordTime());
      }
      time = side.lap(run, "send records", time);
      runStage(run, driver, plan, DagKind.INGESTION, side);
      time = side.lap(run, "ingestion DAG", time);
      runStage(run, driver, plan, DagKind.TRANSFORMATION, side);
      time = side.lap(run, "transformation DAG", time);
      runStage(run, driver, plan, DagKind.MAINTENANCE, side);
      time = side.lap(run, "maintenance DAG", time);

      long raw = driver.table(PipelineBenchData.RAW_TABLE).rowCount();
      long processed = driver.table(PipelineBenchData.PROCESS_TABLE).rowCount();
      PipelineBenchData.requireRowCounts(raw, processed, expected);
      time = side.lap(run, "check row counts", time);
    }
    side.lap(run, "close driver", time);
  }

  private static void runStage(
      int runIndex, PipelineTestDriver driver, Plan plan, DagKind kind, PipelineBenchSide side) {
    for (Dag dag : PipelineBenchData.dags(plan, kind)) {
      DagRun run = driver.run(dag.id());
      for (Map.Entry<String, TaskResult> entry : run.results().entrySet()) {
        // the engine's own timing of each task, to see where a stage's time goes
        side.stage(runIndex, "  task " + entry.getKey(), entry.getValue().duration().toNanos());
        TaskResult result = entry.getValue();
        if (result.status() != TaskResult.Status.SUCCEEDED) {
          throw new IllegalStateException(
              "Task " + dag.id() + "/" + entry.getKey() + " did not succeed: " + result);
        }
        side.taskStatus(dag.id(), entry.getKey(), result.status().name());
      }
    }
  }
}
