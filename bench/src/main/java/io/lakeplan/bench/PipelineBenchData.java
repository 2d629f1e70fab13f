package io.lakeplan.bench;

import io.lakeplan.model.DagKind;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline test both sides of the testkit-vs-Spark benchmark run (see {@code bench/README.md},
 * "Testkit vs Spark pipeline test"): one use case built with the Java DSL and its deterministic
 * input data. The in-memory side ({@link InMemoryPipelineBench}) and the Spark side ({@code
 * io.lakeplan.bench.spark.SparkPipelineBench}) both take the use case, the rows and the records
 * from here, so they cannot drift apart; each checks its result against {@link
 * #expectedProcessRows}.
 *
 * <p>This class uses only {@code sdk-api} and the JDK: the Spark side puts the {@code bench} jar on
 * a class path whose Iceberg classes come from the Spark runtime bundle.
 */
public final class PipelineBenchData {

  /** The use case's name; its DAG ids start with it. */
  public static final String USE_CASE = "orders";

  /** The migration's id (the testkit's landing files are found by it). */
  public static final String MIGRATION = "history";

  /** The Kafka topic the in-memory side reads; the Spark side uses a fresh topic per run. */
  public static final String TOPIC = "orders";

  /** Partitions of the topic; records go round-robin by index. */
  public static final int PARTITIONS = 2;

  /** The landing table both the migration and the Kafka ingestion write. */
  public static final String RAW_TABLE = "raw.orders";

  /** The merge target. */
  public static final String PROCESS_TABLE = "process.orders";

  /** The Kafka ingestion's dead-letter table (created by the ingestion). */
  public static final String DEAD_LETTER_TABLE = "raw.orders_dead_letter";

  /** Where the migration reads Parquet, relative to the engine's base folder. */
  public static final String HISTORY_PATH = "history/orders";

  /** History rows added per run. */
  public static final int HISTORY_ROWS = 10_000;

  /** Kafka records sent per run. */
  public static final int KAFKA_RECORDS = 10_000;

  /** History rows per landing file: two files of 5,000 rows. */
  public static final int HISTORY_ROWS_PER_FILE = HISTORY_ROWS / 2;

  private static final LocalDateTime HISTORY_START = LocalDateTime.parse("2024-05-01T00:00:00");
  // a day after the last history row (10,000 minutes after HISTORY_START is 2024-05-07T22:40):
  // every record is after the migration watermark
  private static final LocalDateTime KAFKA_START = LocalDateTime.parse("2024-05-09T00:00:00");
  private static final String[] STATUSES = {"NEW", "PAID", "SHIPPED", "CANCELLED"};

  private PipelineBenchData() {}

  /** One order change: a history row or the payload of one Kafka record. */
  public record Order(
      long orderId,
      long customerId,
      String status,
      BigDecimal amount,
      String op,
      LocalDateTime updatedAt) {

    /** The row as column name to value, in column order (for the testkit's landing files). */
    public Map<String, Object> toRow() {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("order_id", orderId);
      row.put("customer_id", customerId);
      row.put("status", status);
      row.put("amount", amount);
      row.put("op", op);
      row.put("updated_at", updatedAt);
      return row;
    }

    /** The Kafka record value: a JSON object, the time as ISO-8601 text without zone. */
    public String toJson() {
      return "{\"order_id\":"
          + orderId
          + ",\"customer_id\":"
          + customerId
          + ",\"status\":\""
          + status
          + "\",\"amount\":"
          + amount.toPlainString()
          + ",\"op\":\""
          + op
          + "\",\"updated_at\":\""
          + updatedAt
          + "\"}";
    }

    /** The Kafka record time: {@code updated_at} read as UTC. */
    public Instant recordTime() {
      return updatedAt.toInstant(ZoneOffset.UTC);
    }
  }

  /**
   * The use case: migration {@value #MIGRATION} (Parquet under {@value #HISTORY_PATH} into {@value
   * #RAW_TABLE}, partitioned by day, FULL reconciliation, watermark on {@code updated_at}), a JSON
   * Kafka ingestion in micro-batches from the migration watermark into the same table, a merge into
   * {@value #PROCESS_TABLE} (key {@code order_id}, latest {@code updated_at} wins, {@code op = 'D'}
   * deletes) and maintenance of {@value #PROCESS_TABLE} (compaction of at least two files, snapshot
   * expiry).
   *
   * @param bootstrapServers the broker the Kafka ingestion reads (ignored by the testkit)
   * @param topic the topic it reads
   */
  public static UseCase useCase(String bootstrapServers, String topic) {
    return UseCase.named(USE_CASE)
        .owner("bench@example.com")
        .schedule(Schedule.HOURLY)
        .table(
            PROCESS_TABLE,
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp"))
        .migrate(
            m ->
                m.id(MIGRATION)
                    .fromPath(HISTORY_PATH, FileFormat.PARQUET)
                    .target(
                        RAW_TABLE,
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("customer_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .partitionBy("day(updated_at)"))
                    .watermarkColumn("updated_at")
                    .reconcile(ReconcileLevel.FULL))
        .ingestKafka(
            k ->
                k.id("orders-kafka")
                    .bootstrapServers(bootstrapServers)
                    .addTopic(topic)
                    .column("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("op", "string")
                    .column("updated_at", "timestamp")
                    .mode(StreamMode.MICRO_BATCH)
                    .startingPosition(StartingPosition.MIGRATION_WATERMARK)
                    .checkpoint("checkpoints/orders-kafka")
                    .target(RAW_TABLE))
        .mergeInto(
            PROCESS_TABLE,
            m ->
                m.id("orders-upsert")
                    .source(RAW_TABLE)
                    .addKey("order_id")
                    .orderBy("updated_at")
                    .deleteWhen("op = 'D'"))
        .maintain(
            PROCESS_TABLE,
            m ->
                m.id("process-orders")
                    .compact(c -> c.minInputFiles(2))
                    .expireSnapshots(Duration.ofDays(7), 1))
        .build();
  }

  /** The use case's DAGs of {@code kind}, in plan order (the stages run in kind order). */
  public static List<Dag> dags(Plan plan, DagKind kind) {
    List<Dag> dags = plan.dagsInOrder().stream().filter(dag -> dag.kind() == kind).toList();
    if (dags.isEmpty()) {
      throw new IllegalStateException("The plan has no " + kind + " DAG: " + plan.dags());
    }
    return dags;
  }

  /**
   * {@value #HISTORY_ROWS} history rows over 9,000 keys (keys 1..1,000 twice; the later row wins),
   * one row in 20 a delete ({@code op = 'D'}), one minute apart from 2024-05-01, as {@value
   * #HISTORY_ROWS_PER_FILE}-row files.
   */
  public static List<List<Order>> historyFiles() {
    int keys = HISTORY_ROWS * 9 / 10;
    List<List<Order>> files = new ArrayList<>();
    List<Order> file = new ArrayList<>();
    for (int i = 0; i < HISTORY_ROWS; i++) {
      long orderId = 1 + i % keys;
      String op = i % 20 == 7 ? "D" : i < keys ? "I" : "U";
      file.add(order(orderId, i, op, HISTORY_START.plusMinutes(i)));
      if (file.size() == HISTORY_ROWS_PER_FILE) {
        files.add(file);
        file = new ArrayList<>();
      }
    }
    if (!file.isEmpty()) {
      files.add(file);
    }
    return files;
  }

  /**
   * {@value #KAFKA_RECORDS} change records over 9,000 keys from 4,501: half of them change history
   * keys, half are new; keys 4,501..5,500 come twice (the later record wins); one in 25 is a
   * delete. One second apart from 2024-05-09, after every history row (so after the migration
   * watermark). Record {@code i} goes to partition {@code i % }{@value #PARTITIONS}.
   */
  public static List<Order> kafkaRecords() {
    int keys = KAFKA_RECORDS * 9 / 10;
    long firstKey = HISTORY_ROWS * 9 / 10 / 2 + 1;
    List<Order> records = new ArrayList<>(KAFKA_RECORDS);
    for (int i = 0; i < KAFKA_RECORDS; i++) {
      String op = i % 25 == 3 ? "D" : "U";
      records.add(order(firstKey + i % keys, i + 7, op, KAFKA_START.plusSeconds(i)));
    }
    return records;
  }

  /**
   * The rows {@value #PROCESS_TABLE} must hold after the merge: the keys whose latest change (by
   * {@code updated_at}, over history and Kafka records) is not a delete.
   */
  public static long expectedProcessRows(List<List<Order>> historyFiles, List<Order> records) {
    Map<Long, Order> latest = new HashMap<>();
    List<Order> all = new ArrayList<>();
    historyFiles.forEach(all::addAll);
    all.addAll(records);
    for (Order order : all) {
      latest.merge(order.orderId(), order, (a, b) -> a.updatedAt().isAfter(b.updatedAt()) ? a : b);
    }
    return latest.values().stream().filter(order -> !"D".equals(order.op())).count();
  }

  /**
   * Checks a run's result: {@value #RAW_TABLE} must hold every history row and Kafka record,
   * {@value #PROCESS_TABLE} the {@code expected} rows of {@link #expectedProcessRows}.
   *
   * @throws IllegalStateException naming both counts when either is wrong
   */
  public static void requireRowCounts(long raw, long processed, long expected) {
    long rawExpected = HISTORY_ROWS + KAFKA_RECORDS;
    if (raw != rawExpected || processed != expected) {
      throw new IllegalStateException(
          "Wrong result: "
              + RAW_TABLE
              + " has "
              + raw
              + " rows (expected "
              + rawExpected
              + "), "
              + PROCESS_TABLE
              + " has "
              + processed
              + " (expected "
              + expected
              + ")");
    }
  }

  private static Order order(long orderId, int seed, String op, LocalDateTime updatedAt) {
    return new Order(
        orderId,
        1 + (orderId * 31 + seed) % 997,
        STATUSES[seed % STATUSES.length],
        BigDecimal.valueOf((orderId * 7919 + seed * 13L) % 100_000, 2),
        op,
        updatedAt);
  }
}
