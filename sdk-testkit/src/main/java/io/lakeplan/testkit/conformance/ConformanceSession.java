package io.lakeplan.testkit.conformance;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.ManifestEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One engine running one conformance scenario on a fresh lake: what {@link
 * AbstractEngineConformanceTest} needs from an engine. Rows are maps from column name to value with
 * the Java types of Spark's Java 8 date-time API: {@code Long}, {@code Integer}, {@code BigDecimal}
 * at the column's scale, {@code String}, {@code LocalDateTime} for {@code timestamp}, {@code
 * Instant} for {@code timestamptz}, {@code LocalDate}.
 */
public interface ConformanceSession extends AutoCloseable {

  /** The session clock's time (maintenance cut-offs use it). */
  Instant now();

  /** Moves the session clock forward. */
  void advanceClock(Duration duration);

  /**
   * Adds one file of {@code rows} to migration {@code migrationId}'s source (Parquet on Spark).
   * Each column has the target column's type when the target has that column, else string.
   */
  void addMigrationFile(String migrationId, List<Map<String, Object>> rows);

  /** Creates JDBC source table {@code table} with columns of Lakeplan types (name → type). */
  void createSourceTable(String table, Map<String, String> columns);

  /** Inserts rows into a JDBC source table. */
  void insertSourceRows(String table, List<Map<String, Object>> rows);

  /** Creates Kafka topic {@code topic} with one partition. */
  default void createTopic(String topic) {
    createTopic(topic, 1);
  }

  /** Creates Kafka topic {@code topic} with {@code partitions} partitions. */
  void createTopic(String topic, int partitions);

  /**
   * Creates Kafka topic {@code topic} (one partition) on brokers that require SASL {@code
   * mechanism} credentials of {@code user} with {@code password}: those of {@link
   * AbstractEngineConformanceTest#authenticatedKafka()} (in memory, {@link
   * io.lakeplan.testkit.InputTopic#requireAuth}). Records are sent to it with {@link #send} as to
   * any topic.
   */
  void createTopicRequiringAuth(
      String topic, KafkaAuth.Mechanism mechanism, String user, String password);

  /** Sends one record to partition 0 of {@code topic}. */
  default void send(String topic, String key, String value, Instant timestamp) {
    send(topic, 0, key, value, timestamp);
  }

  /** Sends one record to partition {@code partition} of {@code topic}. */
  void send(String topic, int partition, String key, String value, Instant timestamp);

  /** Runs one task of the scenario's use case. */
  TaskResult runTask(String dagId, String taskId);

  /**
   * Runs DAG {@code dagId} once, now, through the {@link io.lakeplan.run.DagRunner}: failed tasks
   * retried as the DAG says (the delay moves the session's clock), a failure blocking its
   * downstream tasks, depends-on-past honoured.
   */
  DagRun runDag(String dagId);

  /** Runs every DAG once, now, in plan order through the runner; failures block downstream DAGs. */
  List<DagRun> runAll();

  /**
   * Makes the next {@code attempts} attempts of a task in DAG runs fail before they do anything.
   */
  void failTask(String dagId, String taskId, int attempts);

  /**
   * Creates a table from {@code definition} outside the use case, as another tool would before the
   * pipeline runs (the use case's create-table task then checks it against its own definition).
   */
  void createTableOutside(TableDefinition definition);

  /**
   * Writes a file into {@code table}'s data folder that no snapshot references (a failed writer's
   * leftover), last modified {@code age} before {@link #now()}.
   */
  void addStrayFile(String table, Duration age);

  /** Whether {@code table} exists now. */
  boolean tableExists(String table);

  /** The rows of {@code table} now; empty when it does not exist. */
  List<Map<String, Object>> rows(String table);

  /** The snapshots {@code table} retains. */
  int snapshotCount(String table);

  /** The live data files of {@code table}. */
  int dataFileCount(String table);

  /**
   * Every entry, live or deleted, of every manifest reachable from a snapshot {@code table}
   * retains, read from the manifest files themselves with {@link ManifestEntry#readAll}.
   */
  List<ManifestEntry> manifestEntries(String table);

  /** Tags the current snapshot of {@code table} as {@code name} (a retention). */
  void tag(String table, String name);

  /** The table property {@code key} of {@code table}, or null when it is not set. */
  String tableProperty(String table, String key);

  /** The watermark store's value for {@code key}. */
  Optional<Watermark> watermark(String key);

  /**
   * Makes the next run of the task crash right after its data commit, before it records progress
   * outside the table (watermark store for JDBC, checkpoint for Kafka) and before a Kafka batch's
   * dead letters are written.
   */
  void crashAfterNextCommit(String dagId, String taskId);

  /**
   * Deletes the streaming checkpoint of Kafka ingestion {@code ingestionId}, as an operator
   * removing its folder would.
   */
  void deleteCheckpoint(String ingestionId);

  /** Releases the session's lake. */
  @Override
  void close();
}
