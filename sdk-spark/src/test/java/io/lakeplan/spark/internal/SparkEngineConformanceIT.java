package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Column;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Migration;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.run.RunClock;
import io.lakeplan.spark.FileWatermarkStore;
import io.lakeplan.spark.SecuredKafka;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestKafka;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import io.lakeplan.testkit.ManifestEntry;
import io.lakeplan.testkit.conformance.AbstractEngineConformanceTest;
import io.lakeplan.testkit.conformance.AuthenticatedKafka;
import io.lakeplan.testkit.conformance.ConformanceSession;
import io.lakeplan.testkit.conformance.Endpoints;
import io.lakeplan.workspace.Planner;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine conformance suite (sdk-testkit's {@link AbstractEngineConformanceTest}) on the Spark
 * engine: local Spark with the Iceberg catalog, a real embedded PostgreSQL for JDBC sources and an
 * in-process KRaft broker for Kafka. The in-memory engine runs the same scenarios in sdk-testkit.
 */
class SparkEngineConformanceIT extends AbstractEngineConformanceTest {

  private static final String PASSWORD_VARIABLE = "LAKEPLAN_IT_PG_PASSWORD";

  private static EmbeddedPostgres postgres;
  private static KafkaClusterTestKit kafka;

  @BeforeAll
  static void startServers() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    kafka = TestKafka.start();
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @AfterEach
  void clearHook() {
    KafkaIngestExecutor.afterCommit = null;
  }

  @Override
  protected Endpoints endpoints() {
    return new Endpoints(
        kafka.bootstrapServers(),
        postgres.getJdbcUrl("postgres", "postgres"),
        "postgres",
        PASSWORD_VARIABLE);
  }

  /**
   * The JVM's SASL_SSL broker ({@link SecuredKafka}, started on the first authentication scenario),
   * trusted through the PEM truststore options.
   */
  @Override
  protected AuthenticatedKafka authenticatedKafka() {
    SecuredKafka secured = SecuredKafka.get();
    return new AuthenticatedKafka(secured.bootstrapServers(), secured.trustOptions());
  }

  @Override
  protected ConformanceSession open(UseCase useCase) {
    return new SparkConformanceSession(useCase);
  }

  /** A clock tests move forward. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.now();

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A watermark store whose next compare-and-set can be made to crash. */
  private static final class CrashingStore implements WatermarkStore {
    private final WatermarkStore delegate;
    private final AtomicBoolean crashNext = new AtomicBoolean();

    CrashingStore(WatermarkStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Watermark> get(String key) {
      return delegate.get(key);
    }

    @Override
    public boolean compareAndSet(String key, Watermark expected, Watermark next) {
      if (crashNext.getAndSet(false)) {
        throw new IllegalStateException("injected crash before the watermark store update");
      }
      return delegate.compareAndSet(key, expected, next);
    }
  }

  private static final class SparkConformanceSession implements ConformanceSession {
    private final UseCase useCase;
    private final Plan plan;
    private final Path base = TestSpark.newDir("conformance");
    private final SparkSession spark = TestSpark.session();
    private final MovableClock clock = new MovableClock();
    private final CrashingStore store =
        new CrashingStore(new FileWatermarkStore(base.resolve("watermarks")));
    private final SparkEngine engine;
    private final Map<String, Map<String, String>> sourceColumns = new LinkedHashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private DagRunner runner;
    private KafkaProducer<String, String> producer;
    private KafkaProducer<String, String> securedProducer;
    private final java.util.Set<String> securedTopics = new java.util.HashSet<>();

    SparkConformanceSession(UseCase useCase) {
      this.useCase = useCase;
      this.plan = Planner.plan(useCase);
      this.engine = new SparkEngine(spark, base.toUri(), store, clock);
      dropTables();
    }

    /** Every scenario uses the same table names in the JVM's one catalog: start from none. */
    private void dropTables() {
      for (Dag dag : plan.dags()) {
        for (io.lakeplan.plan.Task task : dag.tasks()) {
          List<io.lakeplan.model.TableId> tables = new ArrayList<>(task.spec().writes());
          tables.addAll(task.spec().reads());
          if (task.spec() instanceof io.lakeplan.plan.TaskSpec.MergeInto merge
              && merge.merge().target() != null) {
            tables.add(merge.merge().tombstoneTable());
          }
          for (io.lakeplan.model.TableId table : tables) {
            spark.sql("DROP TABLE IF EXISTS " + Sql.table(table) + " PURGE");
          }
        }
      }
    }

    @Override
    public Instant now() {
      return clock.now;
    }

    @Override
    public void advanceClock(Duration duration) {
      clock.now = clock.now.plus(duration);
    }

    @Override
    public void addMigrationFile(String migrationId, List<Map<String, Object>> rows) {
      Migration migration =
          useCase.migrations().stream()
              .filter(m -> m.id().equals(migrationId))
              .findFirst()
              .orElseThrow();
      List<StructField> fields = new ArrayList<>();
      List<String> names = new ArrayList<>(rows.get(0).keySet());
      for (String name : names) {
        Column column =
            migration.target().columns().stream()
                .filter(c -> c.name().equalsIgnoreCase(name))
                .findFirst()
                .orElse(null);
        DataType type =
            column == null ? DataTypes.StringType : DataType.fromDDL(Sql.type(column.type()));
        fields.add(DataTypes.createStructField(name, type, true));
      }
      List<Row> data = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        data.add(RowFactory.create(names.stream().map(row::get).toArray()));
      }
      String path = base.resolve(migration.source().path()).toString();
      spark
          .createDataFrame(data, new StructType(fields.toArray(StructField[]::new)))
          .coalesce(1)
          .write()
          .mode("append")
          .parquet(path);
      // a folder of data files only, as on HDFS: without Spark's _SUCCESS marker and the local
      // file system's .crc checksums
      try (Stream<Path> files = Files.list(Path.of(path))) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (name.startsWith("_") || name.startsWith(".")) {
            Files.delete(file);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot tidy " + path, e);
      }
    }

    @Override
    public void createSourceTable(String table, Map<String, String> columns) {
      sourceColumns.put(table, columns);
      List<String> definitions = new ArrayList<>();
      columns.forEach((name, type) -> definitions.add(name + " " + postgresType(type)));
      postgres("CREATE TABLE " + table + " (" + String.join(", ", definitions) + ")");
    }

    @Override
    public void insertSourceRows(String table, List<Map<String, Object>> rows) {
      Map<String, String> columns = sourceColumns.get(table);
      List<String> names = new ArrayList<>(columns.keySet());
      String sql =
          "INSERT INTO "
              + table
              + " ("
              + String.join(", ", names)
              + ") VALUES ("
              + String.join(", ", names.stream().map(n -> "?").toList())
              + ")";
      try (Connection connection = connection();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        for (Map<String, Object> row : rows) {
          for (int i = 0; i < names.size(); i++) {
            Object value = row.get(names.get(i));
            if (value == null) {
              statement.setNull(i + 1, sqlType(columns.get(names.get(i))));
            } else {
              statement.setObject(i + 1, value);
            }
          }
          statement.addBatch();
        }
        statement.executeBatch();
      } catch (SQLException e) {
        throw new IllegalStateException("Cannot insert into " + table, e);
      }
    }

    @Override
    public void createTopic(String topic, int partitions) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot create topic " + topic, e);
      }
    }

    @Override
    public void createTopicRequiringAuth(
        String topic, KafkaAuth.Mechanism mechanism, String user, String password) {
      if (mechanism != KafkaAuth.Mechanism.SCRAM_SHA_256
          && mechanism != KafkaAuth.Mechanism.SCRAM_SHA_512) {
        throw new UnsupportedOperationException(
            "The Spark conformance session creates SCRAM users only, not " + mechanism);
      }
      SecuredKafka secured = SecuredKafka.get();
      secured.addScramUser(user, password);
      secured.createTopic(topic, 1);
      securedTopics.add(topic);
    }

    @Override
    public void send(String topic, int partition, String key, String value, Instant timestamp) {
      try {
        // each record acknowledged before the next is sent: the scenario's order is the log's
        (securedTopics.contains(topic) ? securedProducer() : producer())
            .send(new ProducerRecord<>(topic, partition, timestamp.toEpochMilli(), key, value))
            .get();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot send to " + topic, e);
      }
    }

    /** The session's producer to the SASL_SSL broker, as its admin user. */
    private KafkaProducer<String, String> securedProducer() {
      if (securedProducer == null) {
        securedProducer = SecuredKafka.get().producer();
      }
      return securedProducer;
    }

    /** The session's one producer (a producer per record spent seconds per scenario). */
    private KafkaProducer<String, String> producer() {
      if (producer == null) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props);
      }
      return producer;
    }

    @Override
    public TaskResult runTask(String dagId, String taskId) {
      Dag dag = plan.dag(dagId);
      return engine.run(dag, dag.task(taskId));
    }

    /** The runner over the engine, with the injected failures first, on the movable clock. */
    private DagRunner runner() {
      if (runner == null) {
        Engine faulty =
            new Engine() {
              @Override
              public String name() {
                return engine.name();
              }

              @Override
              public TaskResult run(RunContext context, Dag dag, io.lakeplan.plan.Task task) {
                String key = dag.id() + "/" + task.id();
                Integer left = failures.get(key);
                if (left != null) {
                  if (left <= 1) {
                    failures.remove(key);
                  } else {
                    failures.put(key, left - 1);
                  }
                  return TaskResult.failed(
                      Duration.ZERO, "injected failure (PipelineTestDriver.failTask)");
                }
                return engine.run(context, dag, task);
              }
            };
        runner =
            DagRunner.builder(plan, faulty)
                .clock(
                    new RunClock() {
                      @Override
                      public Clock clock() {
                        return clock;
                      }

                      @Override
                      public void sleep(Duration duration) {
                        clock.now = clock.now.plus(duration);
                      }
                    })
                .build();
      }
      return runner;
    }

    @Override
    public DagRun runDag(String dagId) {
      return runner().run(dagId);
    }

    @Override
    public List<DagRun> runAll() {
      return runner().runAll();
    }

    @Override
    public void failTask(String dagId, String taskId, int attempts) {
      plan.dag(dagId).task(taskId);
      failures.merge(dagId + "/" + taskId, attempts, Integer::sum);
    }

    @Override
    public void createTableOutside(io.lakeplan.model.TableDefinition definition) {
      // the engine's own create-table task, outside the use case's plan
      TaskResult created =
          engine.run(
              io.lakeplan.plan.Dag.builder().id("outside").useCase("outside").build(),
              io.lakeplan.plan.Task.of(
                  "outside.create-table", TaskSpec.CreateTable.of(definition)));
      assertThat(created.status()).as(created.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    }

    @Override
    public void addStrayFile(String table, Duration age) {
      org.apache.hadoop.fs.Path file =
          new org.apache.hadoop.fs.Path(
              iceberg(table).location()
                  + "/data/stray-"
                  + java.util.UUID.randomUUID()
                  + ".parquet");
      try {
        org.apache.hadoop.fs.FileSystem fs =
            file.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (java.io.OutputStream out = fs.create(file, false)) {
          out.write("left by a failed writer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        fs.setTimes(file, clock.now.minus(age).toEpochMilli(), -1);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file, e);
      }
    }

    @Override
    public boolean tableExists(String table) {
      return spark
          .catalog()
          .tableExists(LakeplanCatalogNames.of(io.lakeplan.model.TableId.parse(table)));
    }

    @Override
    public List<Map<String, Object>> rows(String table) {
      String name = LakeplanCatalogNames.of(io.lakeplan.model.TableId.parse(table));
      if (!spark.catalog().tableExists(name)) {
        return List.of();
      }
      spark.catalog().refreshTable(name);
      org.apache.spark.sql.Dataset<Row> data = spark.table(name);
      String[] columns = data.columns();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Row row : data.collectAsList()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
          values.put(columns[i], javaValue(row.get(i)));
        }
        rows.add(values);
      }
      return rows;
    }

    @Override
    public int snapshotCount(String table) {
      return count(table, "snapshots");
    }

    @Override
    public int dataFileCount(String table) {
      return count(table, "data_files");
    }

    @Override
    public void tag(String table, String name) {
      spark.sql(
          "ALTER TABLE "
              + LakeplanCatalogNames.of(io.lakeplan.model.TableId.parse(table))
              + " CREATE TAG `"
              + name
              + "`");
    }

    @Override
    public String tableProperty(String table, String key) {
      return iceberg(table).properties().get(key);
    }

    @Override
    public List<ManifestEntry> manifestEntries(String table) {
      return ManifestEntry.readAll(iceberg(table));
    }

    private org.apache.iceberg.Table iceberg(String table) {
      String name = LakeplanCatalogNames.of(io.lakeplan.model.TableId.parse(table));
      try {
        org.apache.iceberg.Table iceberg =
            org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, name);
        iceberg.refresh();
        return iceberg;
      } catch (Exception e) {
        throw new IllegalStateException("Cannot load " + name, e);
      }
    }

    private int count(String table, String metadata) {
      String name = LakeplanCatalogNames.of(io.lakeplan.model.TableId.parse(table));
      spark.catalog().refreshTable(name);
      return (int) spark.sql("SELECT count(*) FROM " + name + "." + metadata).first().getLong(0);
    }

    @Override
    public Optional<Watermark> watermark(String key) {
      return store.get(key);
    }

    @Override
    public void deleteCheckpoint(String ingestionId) {
      KafkaIngestion ingestion =
          useCase.kafkaIngestions().stream()
              .filter(candidate -> candidate.id().equals(ingestionId))
              .findFirst()
              .orElseThrow();
      Path checkpoint = base.resolve(ingestion.checkpoint());
      assertThat(checkpoint).as("the checkpoint of " + ingestionId).isDirectory();
      try (Stream<Path> files = Files.walk(checkpoint)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void crashAfterNextCommit(String dagId, String taskId) {
      TaskSpec spec = plan.dag(dagId).task(taskId).spec();
      if (spec instanceof TaskSpec.IngestJdbc) {
        // the JDBC task's first store update of the run follows its commit
        store.crashNext.set(true);
      } else if (spec instanceof TaskSpec.IngestKafka) {
        AtomicBoolean armed = new AtomicBoolean(true);
        KafkaIngestExecutor.afterCommit =
            batchId -> {
              if (armed.getAndSet(false)) {
                throw new IllegalStateException("injected crash before the checkpoint");
              }
            };
      } else {
        throw new IllegalArgumentException("No crash point for " + spec.getClass().getSimpleName());
      }
    }

    @Override
    public void close() {
      KafkaIngestExecutor.afterCommit = null;
      if (producer != null) {
        producer.close();
      }
      if (securedProducer != null) {
        securedProducer.close();
      }
      dropTables();
    }

    private static Object javaValue(Object value) {
      if (value instanceof java.sql.Timestamp timestamp) {
        return timestamp.toInstant();
      }
      if (value instanceof java.sql.Date date) {
        return date.toLocalDate();
      }
      // timestamp_ntz (LocalDateTime), decimals, numbers and text come as the suite expects
      return value;
    }

    private static String postgresType(String type) {
      String lower = type.toLowerCase(Locale.ROOT);
      if (lower.startsWith("decimal")) {
        return lower.replace("decimal", "NUMERIC");
      }
      return switch (lower) {
        case "long" -> "BIGINT";
        case "int" -> "INTEGER";
        case "string" -> "TEXT";
        case "timestamp" -> "TIMESTAMP";
        case "timestamptz" -> "TIMESTAMPTZ";
        case "date" -> "DATE";
        default -> throw new IllegalArgumentException("No PostgreSQL type for " + type);
      };
    }

    private static int sqlType(String type) {
      String lower = type.toLowerCase(Locale.ROOT);
      if (lower.startsWith("decimal")) {
        return Types.NUMERIC;
      }
      return switch (lower) {
        case "long" -> Types.BIGINT;
        case "int" -> Types.INTEGER;
        case "timestamp" -> Types.TIMESTAMP;
        default -> Types.VARCHAR;
      };
    }

    private static void postgres(String sql) {
      try (Connection connection = connection();
          Statement statement = connection.createStatement()) {
        statement.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL: " + sql, e);
      }
    }

    private static Connection connection() throws SQLException {
      return DriverManager.getConnection(
          postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
    }
  }
}
