package io.lakeplan.testkit.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Planner;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * Differential testing of the engines (issue 23): seeded inputs across types — decimal precision
 * and scale edges, timestamps with and without zones, bare dates, epoch numbers, numbers as text,
 * nulls, duplicate keys, ties and null ordering values — run through a Kafka ingestion, a JDBC
 * ingestion and a merge, on any engine through its {@link ConformanceSession}. Two engines' {@link
 * Outcome}s are compared with {@link #disagreements}: every one is a bug in one of them.
 *
 * <p>The in-memory engine cannot share a JVM with Spark's (unshaded iceberg-core and Avro against
 * iceberg-spark-runtime's shaded ones): {@link #main} runs one scenario on it and prints the
 * outcome as JSON, for the Spark side's test to start in a child JVM.
 */
public final class EngineDifferential {

  /** The line prefix of the outcome {@link #main} prints. */
  public static final String OUTCOME_LINE = "OUTCOME ";

  private static final ObjectMapper JSON = new ObjectMapper();

  private EngineDifferential() {}

  /** A task kind under test, with its use case and its generated inputs. */
  public enum Scenario {
    /** JSON records of every type into a Kafka ingestion: rows and dead letters. */
    KAFKA_JSON,
    /** A JDBC source with wider decimals than the target: rows, or a failure naming the column. */
    JDBC,
    /** Changes with duplicate keys, ties, null ordering values and null keys merged by key. */
    MERGE;

    /** The table whose rows are compared. */
    public String target() {
      return switch (this) {
        case KAFKA_JSON -> "raw.diff_events";
        case JDBC -> "raw.diff_payments";
        case MERGE -> "process.diff_orders";
      };
    }
  }

  /** One generated run: a scenario, its seed, how many values, and a token naming its inputs. */
  public record Case(Scenario scenario, long seed, int records, String token) {

    String topic() {
      return "differential_" + seed + "_" + token;
    }

    String sourceTable() {
      return "public.diff_" + seed + "_" + token;
    }

    /** The Kafka records as sent, by offset (empty for other scenarios). */
    public List<String> kafkaRecords() {
      return scenario == Scenario.KAFKA_JSON
          ? EngineDifferential.kafkaRecords(seed, records)
          : List.of();
    }
  }

  /** What one engine did: each task's status, the failures, the target's rows, the dead letters. */
  public record Outcome(
      Map<String, String> tasks,
      Map<String, String> failures,
      Map<Long, String> rows,
      Map<Long, String> deadLetters) {

    /** As one line of JSON. */
    public String toJson() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot write an outcome as JSON", e);
      }
    }

    /** The outcome {@link #toJson} wrote. */
    public static Outcome fromJson(String json) {
      try {
        return JSON.readValue(json, Outcome.class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("Not an outcome: " + json, e);
      }
    }
  }

  /**
   * Runs one case on the in-memory engine and prints its outcome: {@code <scenario> <seed>
   * <records> <token>}.
   */
  public static void main(String[] args) {
    Case run =
        new Case(
            Scenario.valueOf(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2]), args[3]);
    Outcome outcome;
    UseCase useCase = useCase(run, Endpoints.none());
    try (InMemoryConformanceSession session = InMemoryConformanceSession.open(useCase)) {
      outcome = run(session, useCase, run);
    }
    System.out.println(OUTCOME_LINE + outcome.toJson());
  }

  /** The use case of {@code run}, reaching its servers at {@code endpoints}. */
  public static UseCase useCase(Case run, Endpoints endpoints) {
    UseCase.Builder builder =
        UseCase.named("differential").owner("differential@example.com").schedule("@daily");
    return switch (run.scenario()) {
      case KAFKA_JSON ->
          builder
              .table(
                  run.scenario().target(),
                  t -> {
                    t.requiredColumn("id", "long");
                    KAFKA_COLUMNS.forEach(t::column);
                  })
              .ingestKafka(
                  k -> {
                    k.id("events")
                        .bootstrapServers(endpoints.kafkaBootstrapServers())
                        .addTopic(run.topic())
                        .column("id", "long");
                    KAFKA_COLUMNS.forEach(k::column);
                    k.mode(StreamMode.MICRO_BATCH)
                        .startingPosition(StartingPosition.EARLIEST)
                        .checkpoint("checkpoints/events")
                        .target(run.scenario().target());
                  })
              .build();
      case JDBC ->
          builder
              .table(
                  run.scenario().target(),
                  t ->
                      t.requiredColumn("id", "long")
                          .column("amount", "decimal(10,2)")
                          .column("quantity", "long")
                          .column("updated_at", "timestamp"))
              .ingestJdbc(
                  j ->
                      j.id("payments")
                          .connection(
                              c ->
                                  c.url(endpoints.jdbcUrl())
                                      .dialect(JdbcDialect.POSTGRES)
                                      .user(endpoints.jdbcUser())
                                      .password(SecretRef.env(endpoints.jdbcPasswordVariable())))
                          .table(run.sourceTable())
                          .incrementalColumn("updated_at")
                          .target(run.scenario().target()))
              .build();
      case MERGE ->
          builder
              .table(
                  run.scenario().target(),
                  t ->
                      t.requiredColumn("order_id", "long")
                          .column("status", "string")
                          .column("updated_at", "timestamp"))
              .migrate(
                  m ->
                      m.id("history")
                          .fromPath("data/history", FileFormat.PARQUET)
                          .target(
                              "raw.diff_orders",
                              t ->
                                  t.column("order_id", "long")
                                      .column("status", "string")
                                      .column("op", "string")
                                      .column("updated_at", "timestamp")))
              .mergeInto(
                  run.scenario().target(),
                  m ->
                      m.id("upsert")
                          .source("raw.diff_orders")
                          .addKey("order_id")
                          .orderBy("updated_at")
                          .deleteWhen("op = 'D'"))
              .build();
    };
  }

  /** Gives {@code session} the case's inputs, runs every task of the plan in order, and reports. */
  public static Outcome run(ConformanceSession session, UseCase useCase, Case run) {
    switch (run.scenario()) {
      case KAFKA_JSON -> {
        session.createTopic(run.topic());
        Instant sent = Instant.parse("2024-03-01T00:00:00Z");
        for (String record : run.kafkaRecords()) {
          session.send(run.topic(), "k", record, sent);
        }
      }
      case JDBC -> {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", "long");
        columns.put("amount", "decimal(12,3)");
        columns.put("quantity", "decimal(6,1)");
        columns.put("updated_at", "timestamp");
        session.createSourceTable(run.sourceTable(), columns);
        session.insertSourceRows(run.sourceTable(), jdbcRows(run.seed(), run.records()));
      }
      case MERGE -> session.addMigrationFile("history", changes(run.seed(), run.records()));
    }
    Plan plan = Planner.plan(useCase);
    Map<String, String> tasks = new LinkedHashMap<>();
    Map<String, String> failures = new LinkedHashMap<>();
    boolean failed = false;
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        if (failed) {
          tasks.put(task.id(), "not run");
          continue;
        }
        TaskResult result = session.runTask(dag.id(), task.id());
        tasks.put(task.id(), result.status() + " rows=" + result.rows());
        if (result.status() == TaskResult.Status.FAILED) {
          failures.put(task.id(), result.summary());
          failed = true;
        }
      }
    }
    Map<Long, String> rows = new TreeMap<>();
    for (Map<String, Object> row : session.rows(run.scenario().target())) {
      rows.put(key(row.values().iterator().next()), normalized(row));
    }
    Map<Long, String> deadLetters = new TreeMap<>();
    if (run.scenario() == Scenario.KAFKA_JSON) {
      for (Map<String, Object> letter : session.rows(run.scenario().target() + "_dead_letter")) {
        deadLetters.put(key(letter.get("kafka_offset")), String.valueOf(letter.get("reason")));
      }
    }
    return new Outcome(tasks, failures, rows, deadLetters);
  }

  /** Each column's values as JSON: edges of its type and the forms producers really send. */
  private static final Map<String, List<String>> JSON_VALUES = new LinkedHashMap<>();

  static {
    JSON_VALUES.put(
        "l",
        List.of(
            "1",
            "-7",
            "9223372036854775807",
            "9223372036854775808",
            "1.0",
            "1.9",
            "\"12\"",
            "\"abc\"",
            "1e3",
            "true"));
    JSON_VALUES.put("i", List.of("2147483647", "2147483648", "-3", "2.5", "\"8\"", "4.0"));
    JSON_VALUES.put(
        "d",
        List.of(
            "10.5",
            "10.005",
            "10.000",
            "\"10.10\"",
            "99999999.99",
            "100000000.00",
            "-0.01",
            "7",
            "1e2",
            "\"x\"",
            "1e-2",
            "-0.010",
            "\" 3.5 \""));
    List<String> times =
        List.of(
            "\"2024-01-02T03:04:05\"",
            "\"2024-01-02 03:04:05\"",
            "\"2024-01-02T03:04:05.123456\"",
            "\"2024-01-02T03:04:05Z\"",
            "\"2024-01-02T23:30:00+02:00\"",
            "\"2024-01-02\"",
            "1704164645",
            "\"garbage\"",
            "\"2024-01-02T23:30:00+0200\"",
            "\"2024-01-02T23:30:00-05\"",
            "\"2024-01-02T03:04:05.1234567\"",
            "\"2024-01-02T03:04:05.123456000\"");
    JSON_VALUES.put("ts", times);
    JSON_VALUES.put("tz", times);
    JSON_VALUES.put(
        "dt",
        List.of(
            "\"2024-01-02\"",
            "\"2024-01-02T03:04:05\"",
            "\"2024-02-30\"",
            "19724",
            "\"x\"",
            "\"2024-01-02T00:00:00\"",
            "\"2024-01-02T01:00:00+01:00\""));
    JSON_VALUES.put("s", List.of("\"x\"", "\"\"", "5", "true", "\"ünï\""));
    JSON_VALUES.put("b", List.of("true", "false", "\"true\"", "1", "\"yes\""));
  }

  private static final Map<String, String> KAFKA_COLUMNS = new LinkedHashMap<>();

  static {
    KAFKA_COLUMNS.put("l", "long");
    KAFKA_COLUMNS.put("i", "int");
    KAFKA_COLUMNS.put("d", "decimal(10,2)");
    KAFKA_COLUMNS.put("ts", "timestamp");
    KAFKA_COLUMNS.put("tz", "timestamptz");
    KAFKA_COLUMNS.put("dt", "date");
    KAFKA_COLUMNS.put("s", "string");
    KAFKA_COLUMNS.put("b", "boolean");
  }

  /** One JSON record per id: each column absent, null, its first value or any of its values. */
  static List<String> kafkaRecords(long seed, int count) {
    Random random = new Random(seed);
    List<String> records = new ArrayList<>();
    for (int id = 0; id < count; id++) {
      if (random.nextInt(40) == 0) {
        records.add(random.nextBoolean() ? "{\"id\": " + id + ", \"l\": " : "[" + id + "]");
        continue;
      }
      StringBuilder json = new StringBuilder("{\"id\": ").append(id);
      for (Map.Entry<String, List<String>> column : JSON_VALUES.entrySet()) {
        // mostly the column's first (plain) value, so most records carry a row to compare
        int draw = random.nextInt(10);
        if (draw == 0) {
          continue; // absent
        }
        List<String> values = column.getValue();
        json.append(", \"").append(column.getKey()).append("\": ");
        json.append(
            draw == 1
                ? "null"
                : draw <= 4 ? values.get(random.nextInt(values.size())) : values.get(0));
      }
      records.add(json.append('}').toString());
    }
    return records;
  }

  /**
   * JDBC source rows: a wider decimal and a numeric column read into narrower target types, so a
   * value the target cannot hold exactly is in some runs and not in others.
   */
  static List<Map<String, Object>> jdbcRows(long seed, int count) {
    Random random = new Random(seed * 31 + 7);
    boolean excessScale = random.nextInt(3) == 0;
    boolean fraction = random.nextInt(3) == 0;
    List<Map<String, Object>> rows = new ArrayList<>();
    LocalDateTime base = LocalDateTime.of(2024, 1, 2, 3, 4, 5);
    for (int id = 0; id < count; id++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", (long) id);
      long cents = random.nextInt(2_000_000) - 1_000_000;
      BigDecimal amount = BigDecimal.valueOf(cents, 2).setScale(3);
      if (excessScale && id == count / 2) {
        amount = amount.add(new BigDecimal("0.005"));
      }
      row.put("amount", random.nextInt(10) == 0 ? null : amount);
      BigDecimal quantity = BigDecimal.valueOf(random.nextInt(1000)).setScale(1);
      if (fraction && id == count / 3) {
        quantity = quantity.add(new BigDecimal("0.9"));
      }
      row.put("quantity", random.nextInt(10) == 0 ? null : quantity);
      row.put("updated_at", base.plusSeconds(random.nextInt(86_400)));
      rows.add(row);
    }
    return rows;
  }

  /**
   * Changes of a few keys: duplicates of a key with equal, null and distinct ordering values,
   * deletes, and now and then a null key.
   */
  static List<Map<String, Object>> changes(long seed, int count) {
    Random random = new Random(seed * 17 + 3);
    boolean nullKey = random.nextInt(4) == 0;
    List<Map<String, Object>> rows = new ArrayList<>();
    LocalDateTime base = LocalDateTime.of(2024, 1, 2, 0, 0);
    for (int i = 0; i < count; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("order_id", nullKey && i == count / 2 ? null : (long) random.nextInt(count / 4 + 1));
      row.put("status", "s" + i);
      row.put("op", random.nextInt(8) == 0 ? "D" : "U");
      row.put("updated_at", random.nextInt(10) == 0 ? null : base.plusHours(random.nextInt(6)));
      rows.add(row);
    }
    return rows;
  }

  /** A row's key (its first column, a number in every target here); null first. */
  private static Long key(Object value) {
    return value == null ? Long.MIN_VALUE : ((Number) value).longValue();
  }

  /** A row as text, values in one form whatever the engine's Java type. */
  private static String normalized(Map<String, Object> row) {
    Map<String, String> values = new TreeMap<>();
    row.forEach(
        (column, value) -> {
          String text;
          if (value instanceof BigDecimal decimal) {
            text = decimal.toPlainString();
          } else if (value instanceof LocalDateTime || value instanceof LocalDate) {
            text = value.toString();
          } else if (value instanceof Instant instant) {
            text = instant.toString();
          } else {
            text = String.valueOf(value);
          }
          values.put(column.toLowerCase(Locale.ROOT), text);
        });
    return values.toString();
  }

  /**
   * Where {@code left} and {@code right} disagree: task outcomes, the columns a failure names, each
   * row, and each dead letter's presence and the columns its reason names. {@code inputs}: the
   * Kafka records by offset, quoted with a disagreement they caused.
   */
  public static List<String> disagreements(
      Outcome left, Outcome right, List<String> inputs, String leftName, String rightName) {
    List<String> differences = new ArrayList<>();
    Sides sides = new Sides(leftName, rightName);
    if (!left.tasks().equals(right.tasks())) {
      differences.add(sides.describe("task outcomes", left.tasks(), right.tasks()));
    }
    for (String task : union(left.failures(), right.failures())) {
      String a = left.failures().get(task);
      String b = right.failures().get(task);
      if (!columnsNamed(a).equals(columnsNamed(b))) {
        differences.add(sides.describe("the columns task " + task + " names", a, b));
      }
    }
    for (Long id : union(left.rows(), right.rows())) {
      String a = left.rows().get(id);
      String b = right.rows().get(id);
      if (!Objects.equals(a, b)) {
        differences.add(sides.describe("row " + id + quoted(inputs, id), a, b));
      }
    }
    for (Long offset : union(left.deadLetters(), right.deadLetters())) {
      String a = left.deadLetters().get(offset);
      String b = right.deadLetters().get(offset);
      if ((a == null) != (b == null) || (a != null && !columnsNamed(a).equals(columnsNamed(b)))) {
        differences.add(
            sides.describe("dead letter at offset " + offset + quoted(inputs, offset), a, b));
      }
    }
    return differences;
  }

  /** The two engines' names, to show what each did side by side. */
  private record Sides(String left, String right) {
    String describe(String what, Object leftValue, Object rightValue) {
      return what + "\n    " + left + ": " + leftValue + "\n    " + right + ": " + rightValue;
    }
  }

  private static String quoted(List<String> inputs, long index) {
    return index < 0 || index >= inputs.size() ? "" : " from " + inputs.get((int) index);
  }

  private static <K extends Comparable<K>> List<K> union(
      Map<K, String> left, Map<K, String> right) {
    TreeMap<K, String> all = new TreeMap<>(left);
    all.putAll(right);
    return new ArrayList<>(all.keySet());
  }

  /** The scenarios' columns a message names ("column amount: …"). */
  static List<String> columnsNamed(String message) {
    List<String> named = new ArrayList<>();
    if (message == null) {
      return named;
    }
    for (String column :
        List.of(
            "id", "l", "i", "d", "ts", "tz", "dt", "s", "b", "amount", "quantity", "order_id")) {
      if (message.matches("(?s).*\\bcolumn " + column + "\\b.*")) {
        named.add(column);
      }
    }
    return named;
  }
}
