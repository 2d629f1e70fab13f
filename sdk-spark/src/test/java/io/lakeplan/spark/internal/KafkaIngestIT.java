package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.TestKafka;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.RDDScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.MicroBatchScanExec;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Kafka ingestion from a real in-process KRaft broker (Kafka's KafkaClusterTestKit) into Iceberg on
 * local Spark: the start from the migration watermark, the checkpoint winning afterwards, dead
 * letters, and crashes between the Iceberg commit and the checkpoint, and mid-stream.
 */
class KafkaIngestIT {

  private static final Instant NOW = Instant.parse("2024-07-01T12:00:00Z");

  private static KafkaClusterTestKit kafka;
  private static String bootstrap;

  private final Path base = TestSpark.newDir("kafka");
  private final SparkSession spark = TestSpark.session();
  private final FileWatermarkStore store = new FileWatermarkStore(base.resolve("watermarks"));
  private final Context context = new Context(spark, base.toUri(), store);

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = TestKafka.start();
    bootstrap = kafka.bootstrapServers();
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @AfterEach
  void clearFault() {
    KafkaIngestExecutor.afterCommit = null;
  }

  private static void topic(String name) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, 2, (short) 1))).all().get();
    }
  }

  /** Orders {@code ids} as JSON, alternating the two partitions, stamped {@code time}. */
  private static void produce(String topic, Instant time, long... ids) {
    String[] values =
        LongStream.of(ids)
            .mapToObj(id -> "{\"order_id\": " + id + ", \"status\": \"s" + id + "\"}")
            .toArray(String[]::new);
    produceRaw(topic, time, values);
  }

  private static void produceRaw(String topic, Instant time, String... values) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < values.length; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, i % 2, time.toEpochMilli(), Integer.toString(i), values[i]));
      }
      producer.flush();
    }
  }

  private void table(String name) {
    TaskResult created =
        TaskExecutors.execute(
            spark,
            base.toUri(),
            store,
            TaskSpec.CreateTable.of(
                TableDefinition.builder()
                    .table("kafka_raw." + name)
                    .requiredColumn("order_id", "long")
                    .column("status", "string")
                    .build()));
    assertThat(created.isSuccess()).as(created.summary()).isTrue();
  }

  private KafkaIngestion.Builder ingestion(String name) {
    KafkaIngestion.Builder builder = KafkaIngestion.builder();
    builder
        .id("orders-" + name)
        .bootstrapServers(bootstrap)
        .addTopic("orders_" + name)
        .column("order_id", "long")
        .column("status", "string")
        .checkpoint(base.resolve("checkpoint-" + name).toUri().toString())
        .target("kafka_raw." + name);
    return builder;
  }

  private TaskResult run(KafkaIngestion ingestion) {
    try {
      return TaskExecutors.execute(spark, base.toUri(), store, TaskSpec.IngestKafka.of(ingestion));
    } catch (RuntimeException e) {
      return TaskResult.failed(Duration.ZERO, e.getMessage());
    }
  }

  /**
   * The Parquet files under {@code name}'s data folder that its current snapshot does not list:
   * files a failed or replayed batch wrote and left behind.
   */
  private Set<String> strayDataFiles(String name) throws IOException {
    org.apache.iceberg.Table table = Tables.load(context, TableId.of("kafka_raw", name));
    Set<String> listed = new HashSet<>();
    if (table.currentSnapshot() != null) {
      try (var tasks = table.newScan().planFiles()) {
        tasks.forEach(task -> listed.add(local(task.file().location()).toString()));
      }
    }
    Path data = local(table.location()).resolve("data");
    if (!Files.exists(data)) {
      return Set.of();
    }
    try (var files = Files.walk(data)) {
      return files
          .filter(file -> file.toString().endsWith(".parquet"))
          .map(Path::toString)
          .filter(file -> !listed.contains(file))
          .collect(Collectors.toSet());
    }
  }

  private static Path local(String location) {
    return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
  }

  private List<Long> ids(String name) {
    // the stream writes through its own session: drop this session's cached table state
    spark.sql("REFRESH TABLE lakeplan.kafka_raw." + name);
    return spark
        .sql("SELECT order_id FROM lakeplan.kafka_raw." + name + " ORDER BY order_id")
        .collectAsList()
        .stream()
        .map(row -> row.getLong(0))
        .toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void microBatch_firstRunStartsAfterTheMigrationWatermark_thenTheCheckpointWins()
      throws Exception {
    topic("orders_handoff");
    table("handoff");
    produce("orders_handoff", NOW.minusSeconds(600), 1, 2, 3, 4, 5);
    produce("orders_handoff", NOW, 6, 7, 8, 9, 10);
    store.compareAndSet("kafka_raw.handoff", null, Watermark.of(NOW.minusSeconds(300)));

    TaskResult first =
        run(ingestion("handoff").startingPosition(StartingPosition.MIGRATION_WATERMARK).build());

    assertThat(first.status()).as(first.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.rows()).isEqualTo(5);
    assertThat(ids("handoff")).isEqualTo(range(6, 10));

    // the store moving on must not matter any more: the checkpoint decides
    store.compareAndSet(
        "kafka_raw.handoff",
        Watermark.of(NOW.minusSeconds(300)),
        Watermark.of(NOW.plusSeconds(900)));
    produce("orders_handoff", NOW.plusSeconds(60), 11, 12, 13);
    TaskResult second =
        run(ingestion("handoff").startingPosition(StartingPosition.MIGRATION_WATERMARK).build());

    assertThat(second.rows()).isEqualTo(3);
    assertThat(ids("handoff")).isEqualTo(range(6, 13));
    TaskResult nothingNew =
        run(ingestion("handoff").startingPosition(StartingPosition.MIGRATION_WATERMARK).build());
    assertThat(nothingNew.rows()).isZero();
    assertThat(ids("handoff")).isEqualTo(range(6, 13));
  }

  @Test
  void appendNewColumns_addsTheColumnInTheCommitOfTheFirstBatch() throws Exception {
    topic("orders_evolve");
    table("evolve");
    store.compareAndSet("kafka_raw.evolve", null, Watermark.of(NOW.minusSeconds(300)));
    produce("orders_evolve", NOW, 1, 2);
    KafkaIngestion before = ingestion("evolve").build();
    assertThat(run(before).rows()).isEqualTo(2);
    long last = Tables.currentSnapshotId(Tables.load(context, TableId.of("kafka_raw", "evolve")));
    // both to partition 0, one after the other
    produceRaw(
        "orders_evolve",
        NOW.plusSeconds(60),
        "{\"order_id\": 3, \"status\": \"s3\", \"channel\": \"web\"}");
    produceRaw("orders_evolve", NOW.plusSeconds(60), "{\"order_id\": 4, \"status\": \"s4\"}");
    KafkaIngestion evolving =
        ingestion("evolve")
            .column("channel", "string")
            .onSchemaChange(SchemaChangePolicy.APPEND_NEW_COLUMNS)
            // a batch per record: the second batch writes into the column the first one added
            .putOption("maxOffsetsPerTrigger", "1")
            .build();

    TaskResult result = run(evolving);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("added column channel to kafka_raw.evolve");
    // no version of the table has the column without the first batch's rows
    long[] around =
        TestSpark.snapshotsAroundFirstVersionWith("lakeplan.kafka_raw.evolve", "channel");
    org.apache.iceberg.Table evolved = Tables.load(context, TableId.of("kafka_raw", "evolve"));
    assertThat(around[0]).isEqualTo(last);
    assertThat(evolved.snapshot(around[1]).parentId()).isEqualTo(last);
    assertThat(evolved.snapshot(around[1]).summary()).containsEntry("added-records", "1");
    assertThat(evolved.currentSnapshot().parentId()).isEqualTo(around[1]);
    spark.sql("REFRESH TABLE lakeplan.kafka_raw.evolve");
    assertThat(
            spark
                .sql("SELECT order_id, channel FROM lakeplan.kafka_raw.evolve ORDER BY order_id")
                .collectAsList()
                .toString())
        .isEqualTo("[[1,null], [2,null], [3,web], [4,null]]");
    // the next batch writes into the column as the table has it now
    produceRaw("orders_evolve", NOW.plusSeconds(120), "{\"order_id\": 5, \"channel\": \"shop\"}");
    assertThat(run(evolving).rows()).isEqualTo(1);
    spark.sql("REFRESH TABLE lakeplan.kafka_raw.evolve");
    assertThat(
            spark
                .sql("SELECT channel FROM lakeplan.kafka_raw.evolve WHERE order_id = 5")
                .first()
                .getString(0))
        .isEqualTo("shop");
  }

  @Test
  void noMigrationWatermark_failsNamingTheFix() throws Exception {
    topic("orders_nowatermark");
    table("nowatermark");

    TaskResult result =
        run(
            ingestion("nowatermark")
                .startingPosition(StartingPosition.MIGRATION_WATERMARK)
                .build());

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains(
            "starts from the migration watermark of kafka_raw.nowatermark, but none is recorded")
        .contains("starting-position to earliest, latest or timestamp");
  }

  @Test
  void malformedRecords_goToTheDeadLetterTableWithTheirReason() throws Exception {
    topic("orders_malformed");
    table("malformed");
    produceRaw(
        "orders_malformed",
        NOW,
        "{\"order_id\": 1, \"status\": \"ok\"}",
        "{not json",
        "{\"status\": \"no key\"}",
        "{\"order_id\": 3, \"status\": ",
        "{\"order_id\": 2, \"status\": \"ok\"}");

    TaskResult result =
        run(ingestion("malformed").startingPosition(StartingPosition.EARLIEST).build());

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("3 malformed to kafka_raw.malformed_dead_letter");
    assertThat(ids("malformed")).containsExactly(1L, 2L);
    spark.sql("REFRESH TABLE lakeplan.kafka_raw.malformed_dead_letter");
    List<String> dead =
        spark
            .sql(
                "SELECT record_value, reason, topic, kafka_offset IS NOT NULL FROM"
                    + " lakeplan.kafka_raw.malformed_dead_letter ORDER BY record_value")
            .collectAsList()
            .stream()
            .map(
                row ->
                    row.getString(0)
                        + " | "
                        + row.getString(1)
                        + " | "
                        + row.getString(2)
                        + " | "
                        + row.getBoolean(3))
            .toList();
    assertThat(dead)
        .containsExactly(
            "{\"order_id\": 3, \"status\":  | value is not JSON of the declared schema |"
                + " orders_malformed | true",
            "{\"status\": \"no key\"} | required column order_id has no value | orders_malformed | true",
            "{not json | value is not JSON of the declared schema | orders_malformed | true");
  }

  @Test
  void deadLetterTable_isCreatedWithTheFirstMalformedRecord() throws Exception {
    topic("orders_lazy");
    table("lazy");
    KafkaIngestion ingestion =
        ingestion("lazy").startingPosition(StartingPosition.EARLIEST).build();
    produce("orders_lazy", NOW, 1, 2);

    TaskResult clean = run(ingestion);

    assertThat(clean.status()).as(clean.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(ids("lazy")).containsExactly(1L, 2L);
    assertThat(spark.catalog().tableExists("lakeplan.kafka_raw.lazy_dead_letter"))
        .as("no malformed record yet")
        .isFalse();

    produceRaw("orders_lazy", NOW, "{not json", "{\"order_id\": 3, \"status\": \"ok\"}");
    TaskResult malformed = run(ingestion);

    assertThat(malformed.summary()).contains("1 malformed to kafka_raw.lazy_dead_letter");
    assertThat(ids("lazy")).containsExactly(1L, 2L, 3L);
    assertThat(deadLetters("lazy")).containsExactly("{not json");
  }

  @Test
  void crashAfterCommitBeforeDeadLetters_restartWritesTheBatchDeadLettersOnce() throws Exception {
    topic("orders_crash_dead");
    table("crash_dead");
    produceRaw(
        "orders_crash_dead",
        NOW,
        "{\"order_id\": 1, \"status\": \"ok\"}",
        "{not json",
        "{\"status\": \"no key\"}",
        "{\"order_id\": 2, \"status\": \"ok\"}");
    KafkaIngestExecutor.afterCommit =
        batch -> {
          throw new IllegalStateException("process killed after committing batch " + batch);
        };
    KafkaIngestion ingestion =
        ingestion("crash_dead").startingPosition(StartingPosition.EARLIEST).build();

    TaskResult crashed = run(ingestion);

    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(ids("crash_dead")).as("committed before the crash").containsExactly(1L, 2L);
    assertThat(spark.catalog().tableExists("lakeplan.kafka_raw.crash_dead_dead_letter"))
        .as("the crash came before the dead letters")
        .isFalse();

    KafkaIngestExecutor.afterCommit = null;
    TaskResult restarted = run(ingestion);
    TaskResult again = run(ingestion);

    assertThat(restarted.status()).as(restarted.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(restarted.summary()).contains("2 malformed to kafka_raw.crash_dead_dead_letter");
    assertThat(again.rows()).isZero();
    assertThat(ids("crash_dead")).containsExactly(1L, 2L);
    assertThat(deadLetters("crash_dead")).containsExactly("{\"status\": \"no key\"}", "{not json");
  }

  /** The values in {@code name}'s dead-letter table, sorted. */
  private List<String> deadLetters(String name) {
    String table = "lakeplan.kafka_raw." + name + "_dead_letter";
    spark.sql("REFRESH TABLE " + table);
    return spark
        .sql("SELECT record_value FROM " + table + " ORDER BY record_value")
        .collectAsList()
        .stream()
        .map(row -> row.getString(0))
        .toList();
  }

  @Test
  void aBatch_flowsFromTheKafkaScanIntoTheWrite_parsedOnce_withoutACopyOfItsRecords()
      throws Exception {
    topic("orders_parse_once");
    table("parse_once");
    produceRaw(
        "orders_parse_once",
        NOW,
        "{\"order_id\": 1, \"status\": \"ok\"}",
        "{not json",
        "{\"status\": \"no key\"}",
        "{\"order_id\": 2, \"status\": \"ok\"}");

    StreamingQuery query =
        KafkaIngestExecutor.start(
            context, ingestion("parse_once").startingPosition(StartingPosition.EARLIEST).build());
    query.awaitTermination();

    assertThat(ids("parse_once")).containsExactly(1L, 2L);
    assertThat(deadLetters("parse_once")).containsExactly("{\"status\": \"no key\"}", "{not json");
    // the batch's own plan: a foreachBatch would hand the batch over as an RDD and copy each
    // record again (RDDScanExec) before the parse
    SparkPlan batch =
        ((StreamingQueryWrapper) query).streamingQuery().lastExecution().executedPlan();
    assertThat(count(batch, JsonToStructs.class)).as(batch.toString()).isEqualTo(1);
    assertThat(count(batch, RDDScanExec.class)).as(batch.toString()).isZero();
    assertThat(count(batch, MicroBatchScanExec.class)).as(batch.toString()).isEqualTo(1);
  }

  /** The nodes of class {@code type} in {@code node}'s tree, the expressions of plans included. */
  private static int count(TreeNode<?> node, Class<?> type) {
    int found = type.isInstance(node) ? 1 : 0;
    for (Object child : CollectionConverters.asJava(node.children())) {
      found += count((TreeNode<?>) child, type);
    }
    if (node instanceof QueryPlan<?> plan) {
      for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
        found += count(expression, type);
      }
    }
    return found;
  }

  @Test
  void malformedRecords_withFailOnMalformed_failTheBatchBeforeAnyCommit() throws Exception {
    topic("orders_strict");
    table("strict");
    produceRaw("orders_strict", NOW, "{\"order_id\": 1}", "{not json");

    TaskResult result =
        run(
            ingestion("strict")
                .startingPosition(StartingPosition.EARLIEST)
                .failOnMalformed(true)
                .build());

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .contains("1 malformed records in batch 0")
        .contains("value is not JSON")
        .contains("nothing committed");
    assertThat(ids("strict")).isEmpty();
    // the files the batch's clean task wrote stay behind, not in the table, as after any failed
    // Spark write to Iceberg 1.11 (it cleans up on abort only after a failed commit of its own);
    // orphan-file maintenance removes them
    assertThat(Tables.load(context, TableId.of("kafka_raw", "strict")).currentSnapshot()).isNull();
  }

  @Test
  void crashAfterCommitBeforeCheckpoint_restartSkipsTheReplayedBatch() throws Exception {
    topic("orders_crash");
    table("crash");
    produce("orders_crash", NOW, 1, 2, 3, 4, 5, 6);
    KafkaIngestExecutor.afterCommit =
        batch -> {
          throw new IllegalStateException("process killed after committing batch " + batch);
        };
    KafkaIngestion ingestion =
        ingestion("crash").startingPosition(StartingPosition.EARLIEST).build();

    TaskResult crashed = run(ingestion);

    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(ids("crash")).as("committed before the crash").isEqualTo(range(1, 6));

    KafkaIngestExecutor.afterCommit = null;
    produce("orders_crash", NOW.plusSeconds(1), 7, 8);
    TaskResult restarted = run(ingestion);

    assertThat(restarted.status()).as(restarted.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(ids("crash")).isEqualTo(range(1, 8));
    assertThat(strayDataFiles("crash"))
        .as("the replayed batch was not written again, and the crashed one kept its files")
        .isEmpty();
  }

  @Test
  void streaming_stoppedMidStreamAndRestarted_losesAndDuplicatesNothing() throws Exception {
    topic("orders_stream");
    table("stream");
    KafkaIngestion ingestion =
        ingestion("stream")
            .mode(StreamMode.STREAMING)
            .trigger(Duration.ofMillis(200))
            .startingPosition(StartingPosition.EARLIEST)
            .build();
    produce("orders_stream", NOW, 1, 2, 3);

    StreamingQuery query = KafkaIngestExecutor.start(context, ingestion);
    query.processAllAvailable();
    produce("orders_stream", NOW.plusSeconds(1), 4, 5);
    query.processAllAvailable();
    query.stop();
    produce("orders_stream", NOW.plusSeconds(2), 6, 7, 8);
    StreamingQuery restarted = KafkaIngestExecutor.start(context, ingestion);
    restarted.processAllAvailable();
    restarted.stop();

    assertThat(ids("stream")).isEqualTo(range(1, 8));
  }
}
