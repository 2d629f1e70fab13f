package io.lakeplan.testkit;

import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Migration;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.run.RunClock;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.internal.InMemoryEngine;
import io.lakeplan.testkit.internal.Inputs;
import io.lakeplan.testkit.internal.Lake;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ValidationException;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a use case's plan in memory, in milliseconds, for unit tests — what Kafka Streams' {@code
 * TopologyTestDriver} is to a topology. No Spark, no cluster, no cloud: tables live in Iceberg's
 * in-memory catalog and file IO (real snapshots, schemas, partitions and manifests; data files are
 * Avro written with Iceberg's generic records), Kafka topics and JDBC source tables are in-memory
 * inputs, and a controllable clock drives the schedules.
 *
 * <pre>{@code
 * try (PipelineTestDriver driver = PipelineTestDriver.builder().useCase(orders).build()) {
 *   driver.landingFiles("orders-history").addFile(row("order_id", 1, "status", "NEW", ...));
 *   driver.runAll();
 *   assertThat(driver.table("process.orders")).containsExactlyInAnyOrder(row("order_id", 1, ...));
 * }
 * }</pre>
 *
 * <h2>Inputs and outputs</h2>
 *
 * {@link #inputTopic}, {@link #sourceTable} and {@link #landingFiles} feed the use case's Kafka
 * ingestions, JDBC ingestions and migrations; {@link #table} reads any table the plan reads or
 * writes. Names the plan does not know fail with the list of the known ones; reads never return
 * null (a table not created yet reads as empty).
 *
 * <h2>Running</h2>
 *
 * Runs go through Lakeplan's {@link DagRunner}, as {@code lakeplan run} does on Spark: {@link #run}
 * runs one DAG (its tasks in dependency order; a failed task's downstream tasks do not run, the
 * others do; failed tasks are retried as often as the DAG says, after its retry delay on the driver
 * clock; a DAG that depends on the past does not start while its previous run failed), {@link
 * #runAll} every DAG in plan order (a DAG whose upstream DAG failed does not run), {@link
 * #advanceWallClockTime} moves the clock and runs each DAG whose schedule fires on the way, in time
 * order. {@link #failTask} and {@link #crashAfterCommit} inject faults to test recovery.
 *
 * <h2>Differences from the Spark engine, Iceberg on S3 and AWS</h2>
 *
 * <ul>
 *   <li>Data files are uncompressed Avro, whatever the table's {@code write.format.default} and
 *       compression settings; file sizes differ from Parquet's, so size-driven compaction decisions
 *       can differ for large tables (file counts after compaction match for data well under the
 *       target size).
 *   <li>Threads: a task runs on the test's thread, and shares row-by-row work (data files by
 *       partition, Kafka parsing, migration files, merge rows, the two sides of a reconciliation)
 *       with the common fork-join pool, as Spark shares it between tasks; results and errors keep
 *       the input's order. Iceberg's manifest scans run on the test's thread, and appends write
 *       their manifest there too; only the manifests of partition replacements, overwrites and
 *       compactions are written on Iceberg's worker pool.
 *   <li>Migration sources are the rows tests add with {@link #landingFiles}, not Parquet, ORC or
 *       CSV files: format-specific reading (and format errors such as corrupt Parquet) is not
 *       simulated; ADD_FILES registers Avro files written from those rows, with the same no-cast
 *       type check as Spark's {@code add_files}.
 *   <li>A merge with a SQL file, a JDBC ingestion from a query and custom Spark jobs cannot run and
 *       fail with a message naming the alternative (use {@link Builder#skipTask} to leave a task
 *       out). JDBC connection settings, secrets, fetch sizes and partitioned reads are ignored.
 *   <li>Kafka: streaming mode ingests what is available, one batch per run (it does not keep
 *       running); keyed records go to {@code hash(key) mod partitions} (not Kafka's murmur2); Avro
 *       values are unsupported (as on Spark); {@code options} are ignored. SASL {@code auth} is
 *       checked against what a topic requires ({@link InputTopic#requireAuth}), the password
 *       resolved through {@link Builder#secrets}; no TLS, and AWS_MSK_IAM compares the mechanism
 *       only (nothing is signed). JSON parsing follows Spark's: no partial results, a value of the
 *       wrong JSON type makes the record malformed.
 *   <li>Time: schedules, retention cut-offs (expiry, orphans, hard delete) and record times use the
 *       driver clock; Iceberg itself stamps snapshots with the wall clock, so snapshot ages are
 *       taken from the commit times the driver recorded. A retry's delay moves the driver clock;
 *       tasks take no driver time, so SLA misses come only from retry delays.
 *   <li>Orphan files are the data files written by a task that never committed (e.g. a crash before
 *       the commit); metadata files are not scanned.
 *   <li>AWS: DataSync copies, EMR Serverless submission, SNS/e-mail/Slack delivery and IAM are not
 *       involved: copies move the in-memory files, notifications are recorded ({@link
 *       #notifications()}).
 * </ul>
 *
 * <p>Not thread-safe: one driver per test.
 */
public final class PipelineTestDriver implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineTestDriver.class);

  /** The most schedule firings one {@link #advanceWallClockTime} call runs. */
  static final int MAX_FIRINGS = 10_000;

  private final Plan plan;
  private final List<UseCase> useCases;
  private final Lake lake;
  private final Inputs inputs = new Inputs();
  private final InMemoryWatermarkStore watermarks;
  private final InMemoryEngine engine;
  private final DagRunner runner;
  private final Set<String> skipped;
  private final List<Notification> notifications = new ArrayList<>();
  private final Map<String, Integer> injectedFailures = new HashMap<>();
  private final Set<String> injectedCrashes = new HashSet<>();
  private final Map<String, LocalDateTime> lastFired = new HashMap<>();
  private Instant now;
  private boolean closed;

  private PipelineTestDriver(Builder builder) {
    this.useCases = List.copyOf(builder.useCases);
    this.plan = Planner.plan(useCases);
    this.now =
        builder.startTime != null
            ? builder.startTime
            : Instant.now().truncatedTo(ChronoUnit.MILLIS);
    this.watermarks =
        builder.watermarks != null ? builder.watermarks : new InMemoryWatermarkStore();
    this.skipped = Set.copyOf(builder.skipped);
    this.lake = new Lake(() -> now);
    this.engine = new InMemoryEngine(lake, watermarks, inputs, builder.secrets, this::afterCommit);
    this.runner =
        DagRunner.builder(plan, new DriverEngine())
            .clock(new DriverClock())
            .notifier(this::record)
            .build();
    for (String skip : skipped) {
      int dot = skip.indexOf('\u0000');
      plan.dag(skip.substring(0, dot)).task(skip.substring(dot + 1));
    }
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PipelineTestDriver}. */
  public static final class Builder {
    private final List<UseCase> useCases = new ArrayList<>();
    private Instant startTime;
    private InMemoryWatermarkStore watermarks;
    private SecretResolver secrets = SecretResolver.environmentVariables();
    private final Set<String> skipped = new TreeSet<>();

    private Builder() {}

    /** Adds a use case (several may be tested together, with their cross-DAG dependencies). */
    public Builder useCase(UseCase useCase) {
      useCases.add(Objects.requireNonNull(useCase, "useCase"));
      return this;
    }

    /**
     * Adds every use case in a YAML file or folder, strictly: any invalid file fails the build with
     * its problems.
     */
    public Builder useCases(Path path) {
      useCases.addAll(
          Workspace.loadStrict(path).useCases().stream().map(loaded -> loaded.useCase()).toList());
      return this;
    }

    /**
     * The driver clock's start; default: the wall-clock time at build. Fix it to make times in
     * assertions deterministic.
     */
    public Builder startTime(Instant startTime) {
      this.startTime = Objects.requireNonNull(startTime, "startTime");
      return this;
    }

    /** The watermark store to use, e.g. one pre-seeded; default: a new empty one. */
    public Builder watermarkStore(InMemoryWatermarkStore store) {
      this.watermarks = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * How the engine resolves secret references (Kafka SASL passwords, checked against the
     * credentials an {@link InputTopic#requireAuth input topic requires}), as an engine's resolver
     * does when a task runs; default: {@code env:} references from this process's environment
     * variables, the Spark engine's default. A test passes its own, e.g. {@code ref ->
     * Map.of("KAFKA_PASSWORD", "test").get(ref.name())} wrapped to throw {@link
     * io.lakeplan.spi.SecretResolutionException} for an unknown one.
     */
    public Builder secrets(SecretResolver secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /**
     * Leaves task {@code taskId} of {@code dagId} out of every run: it is reported SKIPPED and its
     * downstream tasks run. For tasks the in-memory engine cannot run (custom Spark jobs).
     */
    public Builder skipTask(String dagId, String taskId) {
      skipped.add(dagId + '\u0000' + taskId);
      return this;
    }

    /**
     * The driver.
     *
     * @throws ValidationException listing every problem when a use case is invalid
     * @throws IllegalArgumentException when no use case was given, or a skipped task is unknown
     */
    public PipelineTestDriver build() {
      if (useCases.isEmpty()) {
        throw new IllegalArgumentException("No use case: call useCase(…) or useCases(path)");
      }
      List<Problem> problems = new ArrayList<>();
      for (UseCase useCase : useCases) {
        problems.addAll(Validator.validate(useCase));
      }
      if (!problems.isEmpty()) {
        throw new ValidationException(problems);
      }
      return new PipelineTestDriver(this);
    }
  }

  // ---- inputs and outputs ----------------------------------------------------------------------

  /** The plan the driver runs. */
  public Plan plan() {
    return plan;
  }

  /**
   * The Kafka topic {@code name}: as created before (with any partition count), or created now with
   * one partition.
   *
   * @throws IllegalArgumentException naming the known topics when no ingestion reads it
   */
  public InputTopic inputTopic(String name) {
    return inputTopic(name, inputs.hasTopic(name) ? inputs.partitions(name) : 1);
  }

  /**
   * The Kafka topic {@code name}, created with {@code partitions} partitions on first use.
   *
   * @throws IllegalArgumentException naming the known topics when no ingestion reads it, or when it
   *     exists with another partition count
   */
  public InputTopic inputTopic(String name, int partitions) {
    checkOpen();
    boolean known = false;
    Set<String> topics = new TreeSet<>();
    for (KafkaIngestion ingestion : kafkaIngestions()) {
      if (ingestion.topicPattern() != null) {
        topics.add("/" + ingestion.topicPattern() + "/");
        known |= Pattern.compile(ingestion.topicPattern()).matcher(name).matches();
      } else {
        topics.addAll(ingestion.topics());
        known |= ingestion.topics().contains(name);
      }
    }
    if (!known) {
      throw new IllegalArgumentException(
          "Unknown topic '"
              + name
              + "' (topics the use cases read: "
              + String.join(", ", topics)
              + ")");
    }
    inputs.createTopic(name, partitions);
    return new InputTopic(name, inputs, () -> now);
  }

  /**
   * The JDBC source table {@code name} (as the ingestion's {@code table} says, any case).
   *
   * @throws IllegalArgumentException naming the known source tables when no ingestion reads it
   */
  public SourceTable sourceTable(String name) {
    checkOpen();
    Set<String> known = new TreeSet<>();
    for (UseCase useCase : useCases) {
      for (JdbcIngestion ingestion : useCase.jdbcIngestions()) {
        if (ingestion.table() != null) {
          known.add(ingestion.table());
        }
      }
    }
    if (known.stream().noneMatch(name::equalsIgnoreCase)) {
      throw new IllegalArgumentException(
          "Unknown source table '"
              + name
              + "' (tables the JDBC ingestions read: "
              + String.join(", ", known)
              + ")");
    }
    return new SourceTable(inputs.sourceTable(name));
  }

  /**
   * The source files of migration {@code migrationId}.
   *
   * @throws IllegalArgumentException naming the known migrations when there is none by that id
   */
  public LandingFiles landingFiles(String migrationId) {
    checkOpen();
    Set<String> known = new TreeSet<>();
    for (UseCase useCase : useCases) {
      for (Migration migration : useCase.migrations()) {
        known.add(migration.id());
      }
    }
    if (!known.contains(migrationId)) {
      throw new IllegalArgumentException(
          "Unknown migration '" + migrationId + "' (migrations: " + String.join(", ", known) + ")");
    }
    return new LandingFiles(migrationId, inputs);
  }

  /**
   * The table {@code name} ({@code namespace.table}).
   *
   * @throws IllegalArgumentException naming the known tables when the plan neither reads nor writes
   *     it
   */
  public OutputTable table(String name) {
    checkOpen();
    Set<TableId> known = knownTables();
    TableId id;
    try {
      id = TableId.parse(name);
    } catch (IllegalArgumentException e) {
      id = null;
    }
    if (id == null || !known.contains(id)) {
      throw new IllegalArgumentException(
          "Unknown table '"
              + name
              + "' (tables of the plan: "
              + String.join(", ", known.stream().map(TableId::toString).toList())
              + ")");
    }
    return new OutputTable(id, lake);
  }

  /** The watermark store, to pre-seed or inspect. */
  public InMemoryWatermarkStore watermarks() {
    return watermarks;
  }

  /** The notifications recorded so far, oldest first; a copy. */
  public List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /** The driver clock's time. */
  public Instant now() {
    return now;
  }

  // ---- running ---------------------------------------------------------------------------------

  /**
   * Runs DAG {@code dagId} once, now.
   *
   * @throws IllegalArgumentException naming the known DAGs when there is none by that id
   */
  public DagRun run(String dagId) {
    checkOpen();
    return runner.run(plan.dag(dagId), now);
  }

  /**
   * Runs one task of a DAG, now, regardless of its upstream tasks; no retries.
   *
   * @throws IllegalArgumentException naming the known DAGs or tasks
   */
  public TaskResult runTask(String dagId, String taskId) {
    checkOpen();
    Dag dag = plan.dag(dagId);
    try {
      return attempt(
          RunContext.startedNow(Clock.fixed(now, ZoneOffset.UTC)), dag, dag.task(taskId));
    } catch (InjectedCrash crash) {
      return TaskResult.failed(Duration.ZERO, crash.getMessage());
    }
  }

  /** Runs every DAG once, in plan order; a DAG whose upstream DAG failed does not run. */
  public List<DagRun> runAll() {
    checkOpen();
    return runner.runAll();
  }

  /**
   * Moves the clock forward by {@code duration}, running every DAG whose schedule fires on the way
   * (at its firing time, in time order; {@code @once} DAGs fire at the first advance).
   *
   * @return the runs, in the order they ran
   * @throws IllegalArgumentException when {@code duration} is negative, or more than {@value
   *     #MAX_FIRINGS} runs would fire
   */
  public List<DagRun> advanceWallClockTime(Duration duration) {
    checkOpen();
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid clock advance: " + duration + " (time cannot go backwards)");
    }
    Instant end = now.plus(duration);
    LocalDateTime until = LocalDateTime.ofInstant(end, ZoneOffset.UTC);
    List<Map.Entry<LocalDateTime, Dag>> firings = new ArrayList<>();
    List<Dag> order = plan.dagsInOrder();
    // the firings are recorded only once all of them are known: a refused advance changes nothing
    Map<String, LocalDateTime> fired = new HashMap<>(lastFired);
    for (Dag dag : order) {
      Schedule schedule = dag.schedule();
      if (schedule == null) {
        continue;
      }
      LocalDateTime from =
          fired.getOrDefault(dag.id(), LocalDateTime.ofInstant(now, ZoneOffset.UTC));
      if (schedule.isOnce()) {
        if (!fired.containsKey(dag.id())) {
          firings.add(Map.entry(from, dag));
          fired.put(dag.id(), LocalDateTime.MAX);
        }
        continue;
      }
      for (LocalDateTime next = schedule.nextAfter(from);
          next != null && !next.isAfter(until);
          next = schedule.nextAfter(next)) {
        firings.add(Map.entry(next, dag));
        fired.put(dag.id(), next);
        if (firings.size() > MAX_FIRINGS) {
          throw new IllegalArgumentException(
              "Advancing the clock by "
                  + duration
                  + " would run more than "
                  + MAX_FIRINGS
                  + " DAG runs (DAG "
                  + dag.id()
                  + " runs "
                  + schedule
                  + "); advance in smaller steps");
        }
      }
    }
    lastFired.putAll(fired);
    firings.sort(
        Comparator.comparing((Map.Entry<LocalDateTime, Dag> firing) -> firing.getKey())
            .thenComparing(firing -> order.indexOf(firing.getValue())));
    List<DagRun> runs = new ArrayList<>();
    for (Map.Entry<LocalDateTime, Dag> firing : firings) {
      Instant at = firing.getKey().toInstant(ZoneOffset.UTC);
      if (at.isAfter(now)) {
        now = at;
      }
      runs.add(runner.run(firing.getValue(), at));
    }
    now = end;
    return runs;
  }

  /**
   * Makes the next {@code attempts} attempts of a task fail before they do anything (retries
   * included), as a failing cluster would.
   *
   * @throws IllegalArgumentException naming the known DAGs or tasks, or when {@code attempts < 1}
   */
  public void failTask(String dagId, String taskId, int attempts) {
    plan.dag(dagId).task(taskId);
    if (attempts < 1) {
      throw new IllegalArgumentException("Invalid attempts: " + attempts + " (must be >= 1)");
    }
    injectedFailures.merge(key(dagId, taskId), attempts, Integer::sum);
  }

  /** Makes the next attempt of a task fail before it does anything. */
  public void failTask(String dagId, String taskId) {
    failTask(dagId, taskId, 1);
  }

  /**
   * Makes the next run of a task crash right after its data commit, before it records its progress
   * outside the table (watermark store, streaming checkpoint) and, for a Kafka ingestion, before it
   * writes the batch's dead letters — where a killed process would stop. The task ends FAILED and
   * is not retried; run it again to test the recovery.
   *
   * @throws IllegalArgumentException naming the known DAGs or tasks
   */
  public void crashAfterCommit(String dagId, String taskId) {
    plan.dag(dagId).task(taskId);
    injectedCrashes.add(key(dagId, taskId));
  }

  /**
   * Deletes the streaming checkpoint of Kafka ingestion {@code ingestionId}, as an operator
   * removing its folder would. The next run starts a new checkpoint: after the records the target
   * already holds, or from the starting position when it holds none.
   *
   * @throws IllegalArgumentException naming the known Kafka ingestions
   */
  public void deleteCheckpoint(String ingestionId) {
    checkOpen();
    List<KafkaIngestion> ingestions = kafkaIngestions();
    KafkaIngestion ingestion =
        ingestions.stream()
            .filter(candidate -> candidate.id().equals(ingestionId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Unknown Kafka ingestion '"
                            + ingestionId
                            + "' (Kafka ingestions: "
                            + (ingestions.isEmpty()
                                ? "none"
                                : String.join(
                                    ", ", ingestions.stream().map(KafkaIngestion::id).toList()))
                            + ")"));
    inputs.deleteCheckpoint(ingestion);
  }

  /** Drops every table and input. The driver cannot be used afterwards. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      lake.close();
    }
  }

  // ---- internals -------------------------------------------------------------------------------

  /**
   * The in-memory engine as the runner drives it, with the test's faults on top: a left-out task is
   * skipped, an injected failure fails the attempt before it does anything, and an injected crash
   * fails the attempt after its commit (the runner retries it, as Airflow retries a task whose
   * process died).
   */
  private final class DriverEngine implements Engine {
    @Override
    public String name() {
      return engine.name();
    }

    @Override
    public TaskResult run(RunContext context, Dag dag, Task task) {
      if (skipped.contains(key(dag.id(), task.id()))) {
        return TaskResult.skipped("left out of the test (PipelineTestDriver.Builder.skipTask)");
      }
      try {
        return attempt(context, dag, task);
      } catch (InjectedCrash crash) {
        return TaskResult.failed(Duration.ZERO, crash.getMessage());
      }
    }
  }

  /** The driver's clock: a retry's delay moves it forward. */
  private final class DriverClock implements RunClock {
    @Override
    public Clock clock() {
      return Clock.fixed(now, ZoneOffset.UTC);
    }

    @Override
    public void sleep(Duration duration) {
      now = now.plus(duration);
    }
  }

  private TaskResult attempt(RunContext context, Dag dag, Task task) {
    String key = key(dag.id(), task.id());
    Integer failures = injectedFailures.get(key);
    if (failures != null) {
      if (failures <= 1) {
        injectedFailures.remove(key);
      } else {
        injectedFailures.put(key, failures - 1);
      }
      return TaskResult.failed(Duration.ZERO, "injected failure (PipelineTestDriver.failTask)");
    }
    return engine.run(context, dag, task);
  }

  private void afterCommit(String dagId, String taskId, String table) {
    if (injectedCrashes.remove(key(dagId, taskId))) {
      throw new InjectedCrash(
          "injected crash after the commit to "
              + table
              + ", before the watermark or checkpoint update (PipelineTestDriver.crashAfterCommit)");
    }
  }

  /** Keeps a run event as the notification Airflow would have sent. */
  private void record(RunEvent event) {
    List<String> targets = new ArrayList<>();
    for (NotificationTarget target : event.policy().targets()) {
      if (target instanceof NotificationTarget.Sns sns) {
        targets.add("sns:" + sns.topicArn());
      } else if (target instanceof NotificationTarget.Email email) {
        targets.add("email:" + email.address());
      } else {
        // a Slack webhook is a secret: name the kind only
        targets.add("slack");
      }
    }
    notifications.add(
        new Notification(
            event.dagId(),
            event.taskId(),
            Notification.Event.valueOf(event.kind().name()),
            event.message(),
            List.copyOf(targets),
            event.time()));
  }

  private List<KafkaIngestion> kafkaIngestions() {
    List<KafkaIngestion> ingestions = new ArrayList<>();
    for (UseCase useCase : useCases) {
      ingestions.addAll(useCase.kafkaIngestions());
    }
    return ingestions;
  }

  private Set<TableId> knownTables() {
    Set<TableId> tables = new TreeSet<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        TaskSpec spec = task.spec();
        tables.addAll(spec.reads());
        tables.addAll(spec.writes());
        if (spec instanceof TaskSpec.Maintain maintain) {
          tables.add(maintain.table());
        }
      }
    }
    tables.addAll(lake.tables());
    return tables;
  }

  private static String key(String dagId, String taskId) {
    return dagId + '\u0000' + taskId;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("The driver is closed");
    }
  }

  /** An injected crash: the process "dies" after a commit. */
  private static final class InjectedCrash extends InMemoryEngine.Interruption {
    private static final long serialVersionUID = 1L;

    InjectedCrash(String message) {
      super(message);
    }
  }
}
