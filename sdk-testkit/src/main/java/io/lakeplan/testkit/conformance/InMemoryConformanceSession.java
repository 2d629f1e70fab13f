package io.lakeplan.testkit.conformance;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.UseCase;
import io.lakeplan.run.DagRun;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.ManifestEntry;
import io.lakeplan.testkit.PipelineTestDriver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory engine as a {@link ConformanceSession}, through {@link PipelineTestDriver}: what
 * the conformance suite and the engines' differential test run on the testkit's side.
 */
public record InMemoryConformanceSession(PipelineTestDriver driver) implements ConformanceSession {

  /**
   * A session on a new driver for {@code useCase}, its clock at half past midnight today (UTC):
   * advancing it by a few hours fires no daily schedule.
   */
  public static InMemoryConformanceSession open(UseCase useCase) {
    Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofMinutes(30));
    return new InMemoryConformanceSession(
        PipelineTestDriver.builder().useCase(useCase).startTime(start).build());
  }

  @Override
  public Instant now() {
    return driver.now();
  }

  @Override
  public void advanceClock(Duration duration) {
    driver.advanceWallClockTime(duration);
  }

  @Override
  public void addMigrationFile(String migrationId, List<Map<String, Object>> rows) {
    driver.landingFiles(migrationId).addFile(rows);
  }

  @Override
  public void createSourceTable(String table, Map<String, String> columns) {
    driver.sourceTable(table).columns(columns);
  }

  @Override
  public void insertSourceRows(String table, List<Map<String, Object>> rows) {
    driver.sourceTable(table).insert(rows);
  }

  @Override
  public void createTopic(String topic, int partitions) {
    driver.inputTopic(topic, partitions);
  }

  @Override
  public void createTopicRequiringAuth(
      String topic, KafkaAuth.Mechanism mechanism, String user, String password) {
    driver.inputTopic(topic, 1).requireAuth(mechanism, user, password);
  }

  @Override
  public void send(String topic, int partition, String key, String value, Instant timestamp) {
    driver.inputTopic(topic).send(partition, key, value, timestamp);
  }

  @Override
  public TaskResult runTask(String dagId, String taskId) {
    return driver.runTask(dagId, taskId);
  }

  @Override
  public DagRun runDag(String dagId) {
    return driver.run(dagId);
  }

  @Override
  public List<DagRun> runAll() {
    return driver.runAll();
  }

  @Override
  public void failTask(String dagId, String taskId, int attempts) {
    driver.failTask(dagId, taskId, attempts);
  }

  @Override
  public void createTableOutside(TableDefinition definition) {
    driver.table(definition.table().toString()).createAs(definition);
  }

  @Override
  public void addStrayFile(String table, Duration age) {
    driver.table(table).addStrayFile(age);
  }

  @Override
  public boolean tableExists(String table) {
    return driver.table(table).exists();
  }

  @Override
  public List<Map<String, Object>> rows(String table) {
    return driver.table(table).rows();
  }

  @Override
  public int snapshotCount(String table) {
    return driver.table(table).snapshotCount();
  }

  @Override
  public int dataFileCount(String table) {
    return driver.table(table).dataFileCount();
  }

  @Override
  public List<ManifestEntry> manifestEntries(String table) {
    return driver.table(table).manifestEntries();
  }

  @Override
  public void tag(String table, String name) {
    driver.table(table).tag(name);
  }

  @Override
  public String tableProperty(String table, String key) {
    return driver.table(table).properties().get(key);
  }

  @Override
  public Optional<Watermark> watermark(String key) {
    return driver.watermarks().get(key);
  }

  @Override
  public void crashAfterNextCommit(String dagId, String taskId) {
    driver.crashAfterCommit(dagId, taskId);
  }

  @Override
  public void deleteCheckpoint(String ingestionId) {
    driver.deleteCheckpoint(ingestionId);
  }

  @Override
  public void close() {
    driver.close();
  }
}
