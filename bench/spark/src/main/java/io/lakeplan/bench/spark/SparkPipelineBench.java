package io.lakeplan.bench.spark;

import io.lakeplan.bench.PipelineBenchData;
import io.lakeplan.bench.PipelineBenchData.Order;
import io.lakeplan.bench.PipelineBenchSide;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of the testkit-vs-Spark pipeline benchmark: the pipeline test of {@link
 * PipelineBenchData} on {@link SparkEngine} ({@code engine.run(dag, task)} over {@code
 * Planner.plan(useCase)}), with local Spark ({@code local[2]}, Hadoop catalog) and a real
 * in-process Kafka broker. Each run plans the use case, writes the history rows as Parquet under a
 * fresh base folder, runs the migration DAG, produces the records to a fresh topic, runs the
 * ingestion, transformation and maintenance DAGs and checks the row counts — all timed; the Spark
 * session and the broker are started once (as a test suite would share them), and the tables are
 * dropped ({@code PURGE}) after every run, untimed.
 *
 * <p>Maintenance tasks may come back SKIPPED (an engine without a maintenance executor); every
 * other task must succeed. Run by {@code bench/run-pipeline-bench.sh}; the in-memory side runs in
 * another JVM because the two engines' Iceberg classes cannot share a class path.
 *
 * <p>Arguments (all optional): {@code --warmups N} (default 5: Spark keeps getting faster over its
 * first few runs), {@code --runs N} timed runs (default 5), {@code --out FILE} (default {@code
 * bench/target/pipeline-bench-spark.json}).
 */
public final class SparkPipelineBench {

  private static final StructType HISTORY_SCHEMA =
      new StructType()
          .add("order_id", DataTypes.LongType, false)
          .add("customer_id", DataTypes.LongType)
          .add("status", DataTypes.StringType)
          .add("amount", DataTypes.createDecimalType(12, 2))
          .add("op", DataTypes.StringType)
          .add("updated_at", DataTypes.TimestampNTZType);

  private SparkPipelineBench() {}

  public static void main(String[] args) throws Exception {
    PipelineBenchSide.Options options =
        PipelineBenchSide.Options.parse(
            args,
            new PipelineBenchSide.Options(
                5, 5, Path.of("bench", "target", "pipeline-bench-spark.json")),
            1);
    int warmups = options.warmups();
    int runs = options.runs();
    Path out = options.out();
    List<List<Order>> history = PipelineBenchData.historyFiles();
    List<Order> records = PipelineBenchData.kafkaRecords();
    long expected = PipelineBenchData.expectedProcessRows(history, records);
    PipelineBenchSide side = new PipelineBenchSide("Spark (SparkEngine, local[2])", warmups);
    Path work = Files.createTempDirectory("lakeplan-pipeline-bench-");
    long setup = System.nanoTime();
    SparkSession spark = LakeplanCatalog.localSession(work.resolve("warehouse"));
    try (KafkaBroker kafka = KafkaBroker.start()) {
      side.detail("setupMs (Spark session + broker, once, untimed)", elapsedMillis(setup));
      side.detail("sparkVersion", spark.version());
      System.out.printf(
          Locale.ROOT,
          "Spark pipeline test: %,d history rows, %,d Kafka records, %,d rows expected in %s;"
              + " %d warm-ups + %d runs%n",
          PipelineBenchData.HISTORY_ROWS,
          PipelineBenchData.KAFKA_RECORDS,
          expected,
          PipelineBenchData.PROCESS_TABLE,
          warmups,
          runs);
      for (int run = 0; run < warmups + runs; run++) {
        String topic = PipelineBenchData.TOPIC + "-" + run;
        // keep the old record times: the broker's default time retention would delete them
        kafka.createTopic(topic, PipelineBenchData.PARTITIONS, Map.of("retention.ms", "-1"));
        Path base = work.resolve("run-" + run);
        Files.createDirectories(base);
        System.gc();
        long start = System.nanoTime();
        pipelineTest(
            run, spark, kafka.bootstrapServers(), topic, base, history, records, expected, side);
        long nanos = System.nanoTime() - start;
        side.record(run, nanos / 1_000_000, nanos / 1e6);
        for (String table :
            List.of(
                PipelineBenchData.PROCESS_TABLE,
                PipelineBenchData.DEAD_LETTER_TABLE,
                PipelineBenchData.RAW_TABLE)) {
          spark.sql("DROP TABLE IF EXISTS " + LakeplanCatalog.NAME + "." + table + " PURGE");
        }
      }
      side.detail("expectedProcessRows", expected);
      side.detail("historyRows", PipelineBenchData.HISTORY_ROWS);
      side.detail("kafkaRecords", PipelineBenchData.KAFKA_RECORDS);
      side.write(out);
    } finally {
      spark.stop();
    }
    System.exit(0); // the broker's test kit can leave non-daemon threads behind
  }

  /** One pipeline test on Spark; throws when a task fails or the result is wrong. */
  private static void pipelineTest(
      int run,
      SparkSession spark,
      String bootstrapServers,
      String topic,
      Path base,
      List<List<Order>> history,
      List<Order> records,
      long expected,
      PipelineBenchSide side) {
    long time = System.nanoTime();
    UseCase useCase = PipelineBenchData.useCase(bootstrapServers, topic);
    Plan plan = Planner.plan(useCase);
    SparkEngine engine =
        new SparkEngine(spark, base.toUri(), new FileWatermarkStore(base.resolve("watermarks")));
    time = side.lap(run, "plan + engine", time);

    String historyPath = base.resolve(PipelineBenchData.HISTORY_PATH).toUri().toString();
    for (List<Order> file : history) {
      List<Row> rows =
          file.stream()
              .map(
                  o ->
                      RowFactory.create(
                          o.orderId(),
                          o.customerId(),
                          o.status(),
                          o.amount(),
                          o.op(),
                          o.updatedAt()))
              .toList();
      spark
          .createDataFrame(rows, HISTORY_SCHEMA)
          .coalesce(1)
          .write()
          .mode(SaveMode.Append)
          .parquet(historyPath);
    }
    time = side.lap(run, "add history (Parquet)", time);
    runStage(engine, plan, DagKind.MIGRATION, side);
    time = side.lap(run, "migration DAG", time);

    produce(bootstrapServers, topic, records);
    time = side.lap(run, "send records (Kafka)", time);
    runStage(engine, plan, DagKind.INGESTION, side);
    time = side.lap(run, "ingestion DAG", time);
    runStage(engine, plan, DagKind.TRANSFORMATION, side);
    time = side.lap(run, "transformation DAG", time);
    runStage(engine, plan, DagKind.MAINTENANCE, side);
    time = side.lap(run, "maintenance DAG", time);

    long raw = spark.table(LakeplanCatalog.NAME + "." + PipelineBenchData.RAW_TABLE).count();
    long processed =
        spark.table(LakeplanCatalog.NAME + "." + PipelineBenchData.PROCESS_TABLE).count();
    PipelineBenchData.requireRowCounts(raw, processed, expected);
    side.lap(run, "check row counts", time);
  }

  private static void runStage(
      SparkEngine engine, Plan plan, DagKind kind, PipelineBenchSide side) {
    for (Dag dag : PipelineBenchData.dags(plan, kind)) {
      for (Task task : dag.tasksInOrder()) {
        TaskResult result = engine.run(dag, task);
        boolean maintenanceSkipped =
            task.spec() instanceof TaskSpec.Maintain
                && result.status() == TaskResult.Status.SKIPPED;
        if (result.status() != TaskResult.Status.SUCCEEDED && !maintenanceSkipped) {
          throw new IllegalStateException(
              "Task " + dag.id() + "/" + task.id() + " did not succeed: " + result);
        }
        side.taskStatus(dag.id(), task.id(), result.status().name());
      }
    }
  }

  /** Sends the records to {@code topic}, record {@code i} to partition {@code i % partitions}. */
  private static void produce(String bootstrapServers, String topic, List<Order> records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < records.size(); i++) {
        Order order = records.get(i);
        producer.send(
            new ProducerRecord<>(
                topic,
                i % PipelineBenchData.PARTITIONS,
                order.recordTime().toEpochMilli(),
                null,
                order.toJson()));
      }
      producer.flush();
    }
  }

  private static long elapsedMillis(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
