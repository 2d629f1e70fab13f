package io.lakeplan.bench.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spi.TaskResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Ingestion throughput, Lakeplan vs bare Spark, side by side: (1) Kafka → Iceberg, the Lakeplan
 * Kafka ingestion task (micro-batch, available-now) vs a bare Structured Streaming query with the
 * same JSON schema and trigger; (2) JDBC → Iceberg, the Lakeplan JDBC ingestion task vs a bare
 * Spark JDBC read appended to the table. The same records for both sides: {@code --records} JSON
 * records on a 2-partition topic of an in-process KRaft broker, and as many rows in an embedded
 * PostgreSQL table. Fresh tables and checkpoints every repetition, order alternating, medians after
 * one warm-up.
 *
 * <pre>
 * bench/run-spark-bench.sh --class io.lakeplan.bench.spark.IngestBench --records 1000000 --reps 3
 * </pre>
 */
public final class IngestBench {

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    long records = 1_000_000;
    int reps = 3;
    Path out = Path.of("bench", "results", "ingest-bench.json");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--records" -> records = Long.parseLong(args[i + 1]);
        case "--reps" -> reps = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "Unknown argument: '" + args[i] + "' (expected --records, --reps or --out)");
      }
    }
    Path work = Files.createTempDirectory("lakeplan-ingest-bench-");
    KafkaBroker kafka = KafkaBroker.start();
    kafka.createTopic("orders", 2, Map.of());
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    SparkSession spark = LakeplanCatalog.localSession(work.resolve("warehouse"));
    // where each side's streaming time goes: Spark's own per-batch durations (addBatch is the
    // write, queryPlanning and latestOffset the rest), printed next to the timings
    spark.streams().addListener(new ProgressPrinter());
    // and the tasks' own time: a stage's wall clock, its tasks' run time and CPU time, so a
    // difference in addBatch shows as work on the executors or as waiting
    spark.sparkContext().addSparkListener(new StagePrinter());
    try {
      String bootstrap = kafka.bootstrapServers();
      String url = postgres.getJdbcUrl("postgres", "postgres");
      long start = System.nanoTime();
      produce(bootstrap, records);
      try (Connection connection = DriverManager.getConnection(url, "postgres", "");
          Statement statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE src AS SELECT g AS order_id, 's' || (g % 5) AS status,"
                + " TIMESTAMP '2024-01-01 00:00:00' + g * INTERVAL '1 second' AS updated_at"
                + " FROM generate_series(1, "
                + records
                + ") g");
      }
      System.out.printf(
          Locale.ROOT,
          "%,d records in Kafka and PostgreSQL in %.1f s%n",
          records,
          (System.nanoTime() - start) / 1e9);

      Map<String, List<Long>> timings = new LinkedHashMap<>();
      for (String name : List.of("kafka-lakeplan", "kafka-bare", "jdbc-lakeplan", "jdbc-bare")) {
        timings.put(name, new ArrayList<>());
      }
      Dag dag = Dag.builder().id("bench.ingestion").useCase("bench").build();
      final long expected = records;
      for (int rep = 0; rep <= reps; rep++) {
        Path run = work.resolve("rep" + rep);
        SparkEngine engine =
            new SparkEngine(spark, run.toUri(), new FileWatermarkStore(run.resolve("watermarks")));
        String suffix = "_" + rep;
        for (String table : List.of("k_lp", "k_bare", "j_lp", "j_bare")) {
          // Lakeplan's tables require the key (it routes records without one to dead letters);
          // the bare jobs write Spark's nullable columns, which Iceberg refuses for required ones
          TableDefinition.Builder definition = TableDefinition.builder();
          definition.table("ingest." + table + suffix);
          if (table.endsWith("_lp")) {
            definition.requiredColumn("order_id", "long");
          } else {
            definition.column("order_id", "long");
          }
          definition.column("status", "string").column("updated_at", "timestamp");
          check(engine.run(dag, Task.of("create", TaskSpec.CreateTable.of(definition.build()))));
        }
        KafkaIngestion kafkaIngestion =
            KafkaIngestion.builder()
                .id("kafka" + suffix)
                .bootstrapServers(bootstrap)
                .addTopic("orders")
                .column("order_id", "long")
                .column("status", "string")
                .column("updated_at", "timestamp")
                .startingPosition(StartingPosition.EARLIEST)
                .checkpoint(run.resolve("checkpoint-lp").toUri().toString())
                .target("ingest.k_lp" + suffix)
                .build();
        JdbcIngestion jdbcIngestion =
            JdbcIngestion.builder()
                .id("jdbc" + suffix)
                .connection(
                    c ->
                        c.url(url)
                            .dialect(JdbcDialect.POSTGRES)
                            .user("postgres")
                            .password(SecretRef.env("LAKEPLAN_BENCH_PG_PASSWORD")))
                .table("public.src")
                .incrementalColumn("updated_at")
                .target("ingest.j_lp" + suffix)
                .build();
        Map<String, LongSupplier> steps = new LinkedHashMap<>();
        steps.put(
            "kafka-lakeplan",
            () ->
                check(engine.run(dag, Task.of("kafka", TaskSpec.IngestKafka.of(kafkaIngestion))))
                    .rows());
        steps.put(
            "kafka-bare",
            () -> bareKafka(spark, bootstrap, run, "lakeplan.ingest.k_bare" + suffix));
        steps.put(
            "jdbc-lakeplan",
            () ->
                check(engine.run(dag, Task.of("jdbc", TaskSpec.IngestJdbc.of(jdbcIngestion))))
                    .rows());
        steps.put("jdbc-bare", () -> bareJdbc(spark, url, "lakeplan.ingest.j_bare" + suffix));
        List<String> order = new ArrayList<>(steps.keySet());
        if (rep % 2 == 1) {
          order = List.of("kafka-bare", "kafka-lakeplan", "jdbc-bare", "jdbc-lakeplan");
        }
        for (String name : order) {
          System.gc();
          long begin = System.nanoTime();
          long rows = steps.get(name).getAsLong();
          long millis = (System.nanoTime() - begin) / 1_000_000;
          if (rows != expected) {
            throw new IllegalStateException(name + " ingested " + rows + " rows, not " + expected);
          }
          System.out.printf(
              Locale.ROOT,
              "  %-8s %-16s %,8d ms%n",
              rep == 0 ? "warm-up" : "rep " + rep,
              name,
              millis);
          if (rep > 0) {
            timings.get(name).add(millis);
          }
        }
      }
      report(records, reps, timings, out);
    } finally {
      spark.stop();
      postgres.close();
      kafka.close();
    }
    System.exit(0); // the broker's test kit can leave non-daemon threads behind
  }

  /** Prints the durations of every micro-batch of every streaming query, by query name. */
  private static final class ProgressPrinter extends StreamingQueryListener {
    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      var progress = event.progress();
      if (progress.numInputRows() > 0) {
        System.out.printf(
            Locale.ROOT,
            "    progress %-16s batch %d: %,d rows, %s ms%n",
            progress.name() == null ? "(bare)" : progress.name(),
            progress.batchId(),
            progress.numInputRows(),
            new java.util.TreeMap<>(progress.durationMs()));
      }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }

  /** Prints each completed stage's wall clock and its tasks' summed run and CPU time. */
  private static final class StagePrinter extends SparkListener {
    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
      StageInfo stage = event.stageInfo();
      TaskMetrics metrics = stage.taskMetrics();
      if (metrics == null || stage.submissionTime().isEmpty() || stage.completionTime().isEmpty()) {
        return;
      }
      long wall = (Long) stage.completionTime().get() - (Long) stage.submissionTime().get();
      if (wall < 500) {
        return; // catalog and count jobs: only the writes matter here
      }
      System.out.printf(
          Locale.ROOT,
          "    stage %d (%s): %d tasks, %,d ms wall, tasks %,d ms run, %,d ms CPU, %,d ms GC%n",
          stage.stageId(),
          stage.name(),
          stage.numTasks(),
          wall,
          metrics.executorRunTime(),
          metrics.executorCpuTime() / 1_000_000,
          metrics.jvmGCTime());
    }
  }

  private static long bareKafka(SparkSession spark, String bootstrap, Path run, String table) {
    try {
      StreamingQuery query =
          spark
              .readStream()
              .format("kafka")
              .option("kafka.bootstrap.servers", bootstrap)
              .option("subscribe", "orders")
              .option("startingOffsets", "earliest")
              .load()
              .selectExpr(
                  "from_json(CAST(value AS string),"
                      + " 'order_id BIGINT, status STRING, updated_at TIMESTAMP_NTZ') AS r")
              .selectExpr("r.order_id", "r.status", "r.updated_at")
              .writeStream()
              .format("iceberg")
              .outputMode("append")
              .trigger(Trigger.AvailableNow())
              .option("checkpointLocation", run.resolve("checkpoint-bare").toUri().toString())
              .toTable(table);
      query.awaitTermination();
      spark.catalog().refreshTable(table);
      return spark.table(table).count();
    } catch (Exception e) {
      throw new IllegalStateException("Bare Kafka query failed", e);
    }
  }

  private static long bareJdbc(SparkSession spark, String url, String table) {
    try {
      spark
          .read()
          .format("jdbc")
          .option("url", url)
          .option("user", "postgres")
          .option("dbtable", "public.src")
          .option("fetchsize", "10000")
          .option("preferTimestampNTZ", "true")
          .load()
          .writeTo(table)
          .append();
      return spark.table(table).count();
    } catch (Exception e) {
      throw new IllegalStateException("Bare JDBC read failed", e);
    }
  }

  private static TaskResult check(TaskResult result) {
    if (!result.isSuccess()) {
      throw new IllegalStateException("Task failed: " + result.summary());
    }
    return result;
  }

  private static void produce(String bootstrap, long records) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (long id = 1; id <= records; id++) {
        String json =
            "{\"order_id\":"
                + id
                + ",\"status\":\"s"
                + (id % 5)
                + "\",\"updated_at\":\"2024-01-01T00:00:00\"}";
        producer.send(new ProducerRecord<>("orders", (int) (id % 2), null, json));
      }
      producer.flush();
    }
  }

  private static void report(long records, int reps, Map<String, List<Long>> timings, Path out)
      throws Exception {
    Map<String, Long> medians = new LinkedHashMap<>();
    timings.forEach(
        (name, values) ->
            medians.put(name, values.stream().sorted().toList().get(values.size() / 2)));
    double kafka = (double) medians.get("kafka-bare") / medians.get("kafka-lakeplan");
    double jdbc = (double) medians.get("jdbc-bare") / medians.get("jdbc-lakeplan");
    System.out.printf(Locale.ROOT, "%nIngestion, %,d records, median of %d%n", records, reps);
    timings.forEach(
        (name, values) ->
            System.out.printf(
                Locale.ROOT,
                "%-16s %,8d ms  %,10.0f records/s  %s%n",
                name,
                medians.get(name),
                records * 1000.0 / medians.get(name),
                values));
    System.out.printf(
        Locale.ROOT, "Kafka: Lakeplan throughput / bare = %.3f (target >= 0.95)%n", kafka);
    System.out.printf(
        Locale.ROOT, "JDBC:  Lakeplan throughput / bare = %.3f (target >= 0.95)%n", jdbc);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lakeplan-ingestion");
    json.put("records", records);
    json.put("repetitions", reps);
    json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    json.put("timingsMs", timings);
    json.put("mediansMs", medians);
    json.put("kafkaThroughputRatio", Math.round(kafka * 1000) / 1000.0);
    json.put("jdbcThroughputRatio", Math.round(jdbc * 1000) / 1000.0);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("wrote " + out.toAbsolutePath());
  }
}
