package io.lakeplan.testkit.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What tests feed the in-memory engine: Kafka topics (partitioned logs with offsets and record
 * times) and the streaming checkpoints that remember how far each ingestion read, JDBC source
 * tables, and the files of each migration's source. Not thread-safe: one driver, one test thread.
 */
public final class Inputs {

  /** One Kafka record as it sits in the log. */
  public record KafkaRecord(
      String topic, int partition, long offset, String key, String value, Instant timestamp) {}

  /** A topic and partition. */
  public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    @Override
    public int compareTo(TopicPartition other) {
      int byTopic = topic.compareTo(other.topic);
      return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
    }

    @Override
    public String toString() {
      return topic + "-" + partition;
    }
  }

  /**
   * A streaming checkpoint, as Structured Streaming keeps one: the last committed batch and the
   * offsets after it, and the batch planned next (its offset range is fixed before it runs, so a
   * batch replayed after a crash reads exactly the same records).
   */
  public static final class Checkpoint {
    /**
     * Who numbered the batches: a new checkpoint at the same location (deleted and created again)
     * is another one, as Spark gives a new checkpoint a new query id.
     */
    final String id;

    long committedBatch = -1;
    final Map<TopicPartition, Long> committedOffsets = new TreeMap<>();
    long plannedBatch = -1;
    Map<TopicPartition, Long> plannedStart;
    Map<TopicPartition, Long> plannedEnd;

    /**
     * The offsets the first batch starts at, fixed by the first run as Spark's Kafka source writes
     * them into a new checkpoint: {@code latest} means the end of the topic when the ingestion
     * first ran, not at every run. Null until the first run.
     */
    Map<TopicPartition, Long> initialOffsets;

    Checkpoint(String id) {
      this.id = id;
    }

    /** The last batch whose completion the checkpoint recorded, or -1. */
    public long committedBatch() {
      return committedBatch;
    }

    /** The offsets the next batch starts at, per partition; a copy. */
    public Map<TopicPartition, Long> committedOffsets() {
      return new TreeMap<>(committedOffsets);
    }
  }

  /**
   * The credentials a topic's brokers require ({@code user} and {@code password} null for
   * AWS_MSK_IAM). The password is the broker's copy, test data: never printed.
   */
  public record TopicAuth(KafkaAuth.Mechanism mechanism, String user, String password) {
    @Override
    public String toString() {
      return mechanism + (user == null ? "" : " user " + user);
    }
  }

  private final Map<String, List<List<KafkaRecord>>> topics = new TreeMap<>();
  private final Map<String, TopicAuth> topicAuth = new TreeMap<>();
  private final Map<String, Integer> roundRobin = new LinkedHashMap<>();
  private final Map<String, Checkpoint> checkpoints = new TreeMap<>();
  private int checkpointsCreated;
  private final Map<String, SourceTableData> sourceTables = new TreeMap<>();
  private final Map<String, List<List<Map<String, Object>>>> migrationFiles = new TreeMap<>();
  private final Map<String, List<List<Map<String, Object>>>> landedFiles = new TreeMap<>();
  // by input file (identity: files never change once added), then by what was derived; files are
  // converted side by side
  private final Map<List<Map<String, Object>>, Map<Object, Object>> derived =
      Collections.synchronizedMap(new IdentityHashMap<>());

  // ---- Kafka -------------------------------------------------------------------------------

  /** Creates {@code topic} with {@code partitions} partitions if it does not exist. */
  public void createTopic(String topic, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "Invalid partition count for topic " + topic + ": " + partitions + " (must be >= 1)");
    }
    List<List<KafkaRecord>> existing = topics.get(topic);
    if (existing != null) {
      if (existing.size() != partitions) {
        throw new IllegalArgumentException(
            "Topic "
                + topic
                + " already has "
                + existing.size()
                + " partitions (asked for "
                + partitions
                + ")");
      }
      return;
    }
    List<List<KafkaRecord>> logs = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      logs.add(new ArrayList<>());
    }
    topics.put(topic, logs);
  }

  /** Makes {@code topic}'s brokers require {@code auth} (replacing what they required). */
  public void requireAuth(String topic, TopicAuth auth) {
    log(topic);
    topicAuth.put(topic, Objects.requireNonNull(auth, "auth"));
  }

  /** What {@code topic}'s brokers require, or null when they take any client. */
  public TopicAuth requiredAuth(String topic) {
    return topicAuth.get(topic);
  }

  /** Whether topic {@code topic} was created. */
  public boolean hasTopic(String topic) {
    return topics.containsKey(topic);
  }

  /** The partition count of {@code topic}. */
  public int partitions(String topic) {
    return log(topic).size();
  }

  /**
   * Appends a record. With no partition, a keyed record goes to the partition its key hashes to and
   * an unkeyed one round-robin.
   */
  public KafkaRecord send(
      String topic, Integer partition, String key, String value, Instant timestamp) {
    List<List<KafkaRecord>> logs = log(topic);
    int target;
    if (partition != null) {
      if (partition < 0 || partition >= logs.size()) {
        throw new IllegalArgumentException(
            "Invalid partition "
                + partition
                + " of topic "
                + topic
                + " (it has partitions 0.."
                + (logs.size() - 1)
                + ")");
      }
      target = partition;
    } else if (key != null) {
      target = Math.floorMod(key.hashCode(), logs.size());
    } else {
      target = roundRobin.merge(topic, 1, Integer::sum) % logs.size();
    }
    List<KafkaRecord> log = logs.get(target);
    KafkaRecord record =
        new KafkaRecord(
            topic, target, log.size(), key, value, Objects.requireNonNull(timestamp, "timestamp"));
    log.add(record);
    return record;
  }

  /** The topics, sorted. */
  public List<String> topicNames() {
    return new ArrayList<>(topics.keySet());
  }

  /** The topics matching {@code pattern} (whole name), sorted. */
  public List<String> topicsMatching(String pattern) {
    Pattern compiled = Pattern.compile(pattern);
    return topics.keySet().stream().filter(name -> compiled.matcher(name).matches()).toList();
  }

  /** The offset the next record of a partition will get. */
  public long endOffset(TopicPartition partition) {
    return log(partition.topic()).get(partition.partition()).size();
  }

  /** The records of a partition in {@code [from, to)}. */
  public List<KafkaRecord> read(TopicPartition partition, long from, long to) {
    List<KafkaRecord> log = log(partition.topic()).get(partition.partition());
    return new ArrayList<>(log.subList((int) from, (int) Math.min(to, log.size())));
  }

  /**
   * Kafka's offset-for-time lookup: the first offset whose record time is at or after {@code time},
   * or the end offset when there is none.
   */
  public long offsetForTime(TopicPartition partition, Instant time) {
    List<KafkaRecord> log = log(partition.topic()).get(partition.partition());
    for (KafkaRecord record : log) {
      if (!record.timestamp().isBefore(time)) {
        return record.offset();
      }
    }
    return log.size();
  }

  private List<List<KafkaRecord>> log(String topic) {
    List<List<KafkaRecord>> logs = topics.get(topic);
    if (logs == null) {
      throw new IllegalArgumentException(
          "Unknown topic '" + topic + "' (topics: " + String.join(", ", topics.keySet()) + ")");
    }
    return logs;
  }

  /** The checkpoint at {@code location}, created empty if there is none. */
  public Checkpoint checkpoint(String location) {
    return checkpoints.computeIfAbsent(
        location, ignored -> new Checkpoint(location + "#" + ++checkpointsCreated));
  }

  /** Deletes {@code ingestion}'s checkpoint, as an operator removing its folder would. */
  public void deleteCheckpoint(KafkaIngestion ingestion) {
    checkpoints.remove(KafkaIngestTask.checkpoint(ingestion));
  }

  // ---- JDBC sources --------------------------------------------------------------------------

  /** A JDBC source table: its name as the use case writes it and its rows. */
  public static final class SourceTableData {
    final String name;
    final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, ColumnType> declared = new LinkedHashMap<>();

    SourceTableData(String name) {
      this.name = name;
    }

    /** Declares the table's columns (name to Lakeplan type), replacing any declared before. */
    public void declare(Map<String, String> columns) {
      declared.clear();
      columns.forEach((column, type) -> declared.put(column, ColumnType.parse(type)));
    }

    /**
     * The table's columns and their types: the declared ones, else those the rows use, typed by
     * their first value that is not null (string when all are null), in the order rows use them.
     */
    public Map<String, ColumnType> columns() {
      if (!declared.isEmpty()) {
        return new LinkedHashMap<>(declared);
      }
      return Values.columnsOf(rows);
    }

    /** The rows, as inserted; a copy. */
    public List<Map<String, Object>> rows() {
      return new ArrayList<>(rows);
    }

    /** Adds a row (a copy of it). */
    public void insert(Map<String, ?> row) {
      rows.add(new LinkedHashMap<>(row));
    }

    /** Removes every row. */
    public void clear() {
      rows.clear();
    }
  }

  /** The source table {@code name} (any case), created empty on first use. */
  public SourceTableData sourceTable(String name) {
    return sourceTables.computeIfAbsent(
        name.toLowerCase(Locale.ROOT), ignored -> new SourceTableData(name));
  }

  /** The source table {@code name}, or null when no test created it. */
  public SourceTableData findSourceTable(String name) {
    return sourceTables.get(name.toLowerCase(Locale.ROOT));
  }

  // ---- migration files -----------------------------------------------------------------------

  /** Adds one file of {@code rows} to the source of migration {@code migrationId}. */
  public void addMigrationFile(String migrationId, List<Map<String, Object>> rows) {
    migrationFiles.computeIfAbsent(migrationId, ignored -> new ArrayList<>()).add(rows);
  }

  /** The files of migration {@code migrationId}'s source; empty when none were added. */
  public List<List<Map<String, Object>>> migrationFiles(String migrationId) {
    return migrationFiles.getOrDefault(migrationId, List.of());
  }

  /** Records that the migration's files were copied to its landing location. */
  public void land(String migrationId, List<List<Map<String, Object>>> files) {
    landedFiles.put(migrationId, new ArrayList<>(files));
  }

  /** The files copied to the migration's landing location, or null when none were copied. */
  public List<List<Map<String, Object>>> landedFiles(String migrationId) {
    return landedFiles.get(migrationId);
  }

  /**
   * What {@code derivation} makes of input {@code file}, made once per {@code key}: input files
   * never change once added, so a migration's conversion and its reconciliation convert each file
   * once between them. {@code key} must hold everything the result depends on besides the file.
   * Threads may derive from different files at once.
   */
  @SuppressWarnings("unchecked")
  public <T> T derived(
      List<Map<String, Object>> file,
      Object key,
      Function<List<Map<String, Object>>, T> derivation) {
    Map<Object, Object> byKey = derived.computeIfAbsent(file, ignored -> new ConcurrentHashMap<>());
    Object result = byKey.get(key);
    if (result == null) {
      result = derivation.apply(file);
      Object first = byKey.putIfAbsent(key, result);
      result = first != null ? first : result;
    }
    return (T) result;
  }
}
