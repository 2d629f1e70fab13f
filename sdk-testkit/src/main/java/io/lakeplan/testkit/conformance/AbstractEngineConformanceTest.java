package io.lakeplan.testkit.conformance;

import static io.lakeplan.testkit.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.Merge;
import io.lakeplan.model.MergeHistory;
import io.lakeplan.model.Migration;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.WriteMode;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.DagRun;
import io.lakeplan.spi.EngineSteps;
import io.lakeplan.spi.HardDeletes;
import io.lakeplan.spi.Merges;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.ManifestEntry;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine conformance suite: scenarios (inputs, steps, expected outputs) that every engine must
 * pass with identical results — the in-memory engine in sdk-testkit and the Spark engine in
 * sdk-spark run this same class. Merges with duplicates and deletes, incremental re-runs, the
 * migration → ingestion watermark hand-off for JDBC and Kafka, crashes between the data commit and
 * the progress update, malformed records, compaction, snapshot expiry, hard delete and bad input.
 *
 * <p>An engine's test extends this class and implements {@link #endpoints()} and {@link #open}.
 * Expected values are computed from the inputs, never read from an engine.
 */
public abstract class AbstractEngineConformanceTest {

  private static final String RAW = "raw.orders";
  private static final String PROCESSED = "process.orders";

  private ConformanceSession session;
  private UseCase useCase;
  private Plan plan;
  private LocalDateTime base;
  // records sent per topic partition ("topic/partition"): the next record's offset
  private final Map<String, Integer> sent = new LinkedHashMap<>();

  /** The servers scenario use cases point at. */
  protected abstract Endpoints endpoints();

  /** A fresh session (empty lake, stores, checkpoints) running {@code useCase}. */
  protected abstract ConformanceSession open(UseCase useCase);

  @AfterEach
  void closeSession() {
    if (session != null) {
      session.close();
      session = null;
    }
  }

  // ---- merge ---------------------------------------------------------------------------------

  @Test
  void merge_withDuplicatesAndDeletes_keepsLatestPerKeyAndDeletesMatchedRows() {
    start(orders(builder -> builder));
    migrate(
        raw(1, "NEW", "10.00", "I", 0),
        raw(1, "PAID", "10.00", "U", 60),
        raw(2, "NEW", "20.50", "I", 5),
        raw(3, "NEW", "30.00", "I", 6),
        raw(3, "GONE", "30.00", "D", 90));
    succeed("create.process.orders");
    succeed("upsert");
    // a second wave: order 2 deleted, order 4 new
    session.addMigrationFile(
        "history",
        List.of(raw(2, "CANCELLED", "20.50", "D", 120), raw(4, "NEW", "40.00", "I", 130)));
    succeed("history.convert");
    succeed("upsert");

    assertRows(PROCESSED, processed(1, "PAID", "10.00", 60), processed(4, "NEW", "40.00", 130));
  }

  @Test
  void merge_lateChangesAndDeletes_olderThanTheTargetRow_areSkippedAndCounted() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "PAID", "10.00", "U", 120), raw(2, "NEW", "20.00", "I", 60));
    succeed("create.process.orders");
    succeed("upsert");
    // delivered late (after the migration, with older change times): an update of 1 and a delete
    // of 2, both older than the rows merged; 3 is new
    session.createTopic(topic);
    send(topic, raw(1, "NEW", "10.00", "I", 0), 130);
    send(topic, raw(2, "GONE", "20.00", "D", 30), 131);
    send(topic, raw(3, "NEW", "30.00", "I", 10), 132);
    succeed("orders-kafka");

    TaskResult merged = succeed("upsert");

    assertRows(
        PROCESSED,
        processed(1, "PAID", "10.00", 120),
        processed(2, "NEW", "20.00", 60),
        processed(3, "NEW", "30.00", 10));
    assertThat(merged.summary())
        .contains("; 2 late changes ignored (older than the target's updated_at)");
  }

  @Test
  void merge_deletesStayDeleted_anOlderChangeArrivingLaterDoesNotResurrectTheRow() {
    String topic = "orders_" + unique();
    start(
        orders(
            builder ->
                kafka(builder, topic, false)
                    .maintain(
                        PROCESSED, m -> m.id("tidy").expireSnapshots(Duration.ofDays(1), 1))));
    migrate(raw(1, "NEW", "10.00", "I", 60), raw(2, "NEW", "20.00", "I", 60));
    succeed("create.process.orders");
    succeed("upsert");
    session.createTopic(topic);
    send(topic, raw(1, "GONE", "10.00", "D", 120), 130);
    // a delete of a key the target never held leaves a tombstone too
    send(topic, raw(3, "GONE", "30.00", "D", 50), 131);
    succeed("orders-kafka");
    succeed("upsert");
    assertRows(PROCESSED, processed(2, "NEW", "20.00", 60));

    // delivered late: an update of 1 older than its delete; 3 newer than its delete; 2 updated
    send(topic, raw(1, "PAID", "10.00", "U", 90), 132);
    send(topic, raw(3, "NEW", "30.00", "I", 70), 133);
    send(topic, raw(2, "PAID", "20.00", "U", 100), 134);
    succeed("orders-kafka");
    TaskResult merged = succeed("upsert");

    assertRows(PROCESSED, processed(2, "PAID", "20.00", 100), processed(3, "NEW", "30.00", 70));
    assertThat(merged.summary())
        .contains("; 1 late change ignored (older than the target's updated_at)");

    // past the retention (7 days by default) maintenance removes the tombstones: from then on an
    // older change arriving that late is applied again (the documented trade-off)
    assertThat(session.rows(PROCESSED + "_tombstones")).hasSize(2);
    session.advanceClock(Duration.ofDays(8));
    succeed("tidy.expire-snapshots");
    assertThat(session.rows(PROCESSED + "_tombstones")).isEmpty();
    send(topic, raw(1, "PAID", "10.00", "U", 90), 135);
    succeed("orders-kafka");
    succeed("upsert");
    assertRows(
        PROCESSED,
        processed(1, "PAID", "10.00", 90),
        processed(2, "PAID", "20.00", 100),
        processed(3, "NEW", "30.00", 70));
  }

  @Test
  void merge_scd2_keepsEveryVersion_lateChangesSlotInAndDeletesCloseTheCurrentOne() {
    String topic = "orders_" + unique();
    String history = "process.order_history";
    start(
        orders(
            builder ->
                kafka(builder, topic, false)
                    .table(
                        history,
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("updated_at", "timestamp")
                                .column("valid_from", "timestamp")
                                .column("valid_to", "timestamp")
                                .column("is_current", "boolean"))
                    .mergeInto(
                        history,
                        m ->
                            m.id("versions")
                                .source(RAW)
                                .addKey("order_id")
                                .orderBy("updated_at")
                                .deleteWhen("op = 'D'")
                                .history(MergeHistory.SCD2))));
    migrate(
        raw(1, "NEW", "10.00", "I", 10),
        raw(1, "PAID", "10.00", "U", 20),
        raw(2, "NEW", "20.00", "I", 10));
    succeed("create." + history);
    succeed("versions");
    assertRows(
        history,
        version(1, "NEW", "10.00", 10, 20L),
        version(1, "PAID", "10.00", 20, null),
        version(2, "NEW", "20.00", 10, null));

    // through Kafka, so read incrementally: a newer change, a late one that slots in before it,
    // a delete that closes 2's current version, and a new key
    session.createTopic(topic);
    send(topic, raw(1, "SHIPPED", "10.00", "U", 40), 130);
    send(topic, raw(1, "PACKED", "10.00", "U", 30), 131);
    send(topic, raw(2, "GONE", "20.00", "D", 15), 132);
    send(topic, raw(3, "NEW", "30.00", "I", 5), 133);
    succeed("orders-kafka");
    TaskResult second = succeed("versions");

    assertRows(
        history,
        version(1, "NEW", "10.00", 10, 20L),
        version(1, "PAID", "10.00", 20, 30L),
        version(1, "PACKED", "10.00", 30, 40L),
        version(1, "SHIPPED", "10.00", 40, null),
        version(2, "NEW", "20.00", 10, 15L),
        version(3, "NEW", "30.00", 5, null));
    assertThat(second.summary())
        .contains("; scd2 history of 3 keys rewritten (6 versions, 2 current)");
    // the report counts the files the history commit wrote, as an upsert's does
    assertThat(second.files()).as("files written").isPositive();
    assertThat(second.bytes()).as("bytes written").isPositive();

    // later still: a change of 2 older than its delete slots in before it, and a version of 1
    // with the order value of its current one replaces it (the later arrival wins)
    send(topic, raw(2, "PAID", "20.00", "U", 12), 134);
    send(topic, raw(1, "DELIVERED", "10.00", "U", 40), 135);
    succeed("orders-kafka");
    TaskResult third = succeed("versions");

    assertRows(
        history,
        version(1, "NEW", "10.00", 10, 20L),
        version(1, "PAID", "10.00", 20, 30L),
        version(1, "PACKED", "10.00", 30, 40L),
        version(1, "DELIVERED", "10.00", 40, null),
        version(2, "NEW", "20.00", 10, 12L),
        version(2, "PAID", "20.00", 12, 15L),
        version(3, "NEW", "30.00", 5, null));
    assertThat(third.summary())
        .contains("; scd2 history of 2 keys rewritten (6 versions, 1 current)");
  }

  @Test
  void merge_equalOrderValueInALaterRun_winsAsTheLaterArrival_andANewerChangeApplies() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 60), raw(2, "NEW", "20.00", "I", 60));
    succeed("create.process.orders");
    succeed("upsert");
    session.createTopic(topic);
    send(topic, raw(1, "PAID", "10.00", "U", 60), 130);
    send(topic, raw(2, "GONE", "20.00", "D", 61), 131);
    succeed("orders-kafka");

    TaskResult merged = succeed("upsert");

    assertRows(PROCESSED, processed(1, "PAID", "10.00", 60));
    assertThat(merged.summary()).doesNotContain("late change");
  }

  @Test
  void merge_rerunWithoutNewSourceSnapshots_mergesNothingAndCommitsNothing() {
    start(orders(builder -> builder));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    succeed("create.process.orders");
    succeed("upsert");
    int snapshots = session.snapshotCount(PROCESSED);

    TaskResult rerun = succeed("upsert");

    assertThat(rerun.rows()).isZero();
    assertThat(rerun.summary()).contains("nothing merged");
    assertThat(session.snapshotCount(PROCESSED)).isEqualTo(snapshots);
    assertRows(PROCESSED, processed(1, "NEW", "10.00", 0));
  }

  @Test
  void merge_incremental_readsOnlyRowsAppendedSinceTheLastMerge() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    succeed("create.process.orders");
    succeed("upsert");
    session.createSourceTable(source, sourceColumns());
    session.insertSourceRows(source, List.of(raw(2, "NEW", "20.00", "I", 10)));
    succeed("orders-jdbc");

    TaskResult merged = succeed("upsert");

    assertThat(merged.rows()).as("source rows read").isEqualTo(1);
    assertRows(PROCESSED, processed(1, "NEW", "10.00", 0), processed(2, "NEW", "20.00", 10));
  }

  @Test
  void merge_withoutOrderBy_keepsTheLaterOfTwoRowsOfAKeyInOneFile() {
    start(orders(builder -> builder.mergeInto(PROCESSED, m -> upsertWithoutOrderBy(m))));
    // one landing file, one partition: the rows keep their order in the table's data file
    List<Map<String, Object>> rows =
        List.of(
            raw(1, "PAID", "10.00", "U", 10),
            raw(1, "SHIPPED", "12.00", "U", 10),
            raw(2, "NEW", "20.00", "I", 10));
    migrate(rows.toArray(Map[]::new));
    succeed("create.process.orders");

    succeed("upsert");

    assertRows(PROCESSED, latestPerKey(rows).toArray(Map[]::new));
  }

  @Test
  void merge_orderByTie_keepsTheLaterArrival_andTheGreaterOrderValueBeatsArrival() {
    start(orders(builder -> builder));
    List<Map<String, Object>> rows =
        List.of(
            raw(1, "PAID", "10.00", "U", 10),
            // the same updated_at: a tie, which the later arrival wins
            raw(1, "SHIPPED", "12.00", "U", 10),
            // a greater updated_at wins even though it arrived first
            raw(2, "PAID", "20.00", "U", 11),
            raw(2, "NEW", "20.00", "I", 10));
    migrate(rows.toArray(Map[]::new));
    succeed("create.process.orders");

    succeed("upsert");

    assertRows(PROCESSED, processed(rows.get(1)), processed(rows.get(2)));
  }

  @Test
  void merge_severalOrderColumns_secondDecidesTiesOfTheFirst_withinARunAndAcrossRuns() {
    // amount stands in for a log sequence number: order-by [updated_at, amount]
    String topic = "orders_" + unique();
    start(
        orders(
            builder ->
                kafka(builder, topic, false)
                    .mergeInto(
                        PROCESSED,
                        m ->
                            m.id("upsert")
                                .source(RAW)
                                .addKey("order_id")
                                .orderBy("updated_at", "amount")
                                .deleteWhen("op = 'D'"))));
    List<Map<String, Object>> first =
        List.of(
            // equal updated_at: the greater amount wins although it arrived first
            raw(1, "SHIPPED", "12.00", "U", 10),
            raw(1, "PAID", "10.00", "U", 10),
            // equal in both columns: the later arrival wins
            raw(2, "NEW", "20.00", "I", 10),
            raw(2, "PAID", "20.00", "U", 10),
            raw(4, "NEW", "40.00", "I", 10));
    migrate(first.toArray(Map[]::new));
    succeed("create.process.orders");
    succeed("upsert");
    assertRows(
        PROCESSED, processed(first.get(0)), processed(first.get(3)), processed(first.get(4)));
    List<Map<String, Object>> second =
        List.of(
            // equal updated_at, smaller amount: older than the row merged, so skipped
            raw(1, "LATE", "11.00", "U", 10),
            // equal updated_at, greater amount: newer, applies
            raw(2, "SHIPPED", "25.00", "U", 10),
            // a delete with equal updated_at and a smaller amount: older, skipped
            raw(4, "GONE", "39.00", "D", 10),
            raw(3, "NEW", "30.00", "I", 5));
    // delivered through Kafka: appended to raw.orders, so the merge reads them incrementally
    session.createTopic(topic);
    for (int i = 0; i < second.size(); i++) {
      send(topic, second.get(i), 130 + i);
    }
    succeed("orders-kafka");

    TaskResult merged = succeed("upsert");

    assertRows(
        PROCESSED,
        processed(first.get(0)),
        processed(second.get(1)),
        processed(first.get(4)),
        processed(second.get(3)));
    assertThat(merged.summary())
        .contains("; 2 late changes ignored (older than the target's updated_at, amount)");
  }

  @Test
  void merge_orderByKafkaPartitionAndOffset_breaksTiesByTheRecordsCoordinates() {
    String topic = "events_" + unique();
    String events = "raw.order_events";
    String latest = "process.order_latest";
    start(
        orders(
            builder ->
                builder
                    .table(
                        events,
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .column("kafka_partition", "int")
                                .column("kafka_offset", "long")
                                .partitionBy("day(updated_at)"))
                    .table(
                        latest,
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("updated_at", "timestamp")
                                .column("kafka_partition", "int")
                                .column("kafka_offset", "long"))
                    .ingestKafka(
                        k ->
                            k.id("events-kafka")
                                .bootstrapServers(endpoints().kafkaBootstrapServers())
                                .addTopic(topic)
                                .column("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .mode(StreamMode.MICRO_BATCH)
                                .startingPosition(StartingPosition.EARLIEST)
                                .checkpoint("checkpoints/events-kafka")
                                .target(events))
                    .mergeInto(
                        latest,
                        m ->
                            m.id("latest")
                                .source(events)
                                .addKey("order_id")
                                .orderBy("updated_at", "kafka_partition", "kafka_offset"))));
    succeed("create." + events);
    succeed("create." + latest);
    session.createTopic(topic, 2);
    // every change at the same updated_at: only the Kafka coordinates can tell them apart
    Map<String, Object> a = send(topic, 1, raw(1, "A", "10.00", "U", 10)); // (1, 0)
    send(topic, 0, raw(1, "B", "10.00", "U", 10)); // (0, 0): smaller partition, loses to a
    send(topic, 0, raw(2, "C", "20.00", "U", 10)); // (0, 1)
    Map<String, Object> d = send(topic, 0, raw(2, "D", "20.00", "U", 10)); // (0, 2)
    succeed("events-kafka");
    succeed("latest");
    assertRows(latest, a, d);

    Map<String, Object> e = send(topic, 0, raw(2, "E", "20.00", "U", 10)); // (0, 3): newer than d
    send(topic, 0, raw(1, "F", "10.00", "U", 10)); // (0, 4): older than a's (1, 0), skipped
    Map<String, Object> g = send(topic, 1, raw(3, "G", "30.00", "I", 5)); // (1, 1)
    succeed("events-kafka");

    TaskResult merged = succeed("latest");

    assertRows(latest, a, e, g);
    assertThat(merged.summary())
        .contains(
            "; 1 late change ignored (older than the target's updated_at, kafka_partition,"
                + " kafka_offset)");
  }

  @Test
  void merge_withoutOrderBy_fullReReadSeeingAKeyTwice_keepsItsLatestArrival() {
    String source = "public.src_" + unique();
    start(
        orders(
            builder ->
                jdbc(builder, source)
                    .mergeInto(PROCESSED, m -> upsertWithoutOrderBy(m))
                    .maintain(
                        RAW, m -> m.id("gdpr").hardDelete("updated_at", Duration.ofDays(30)))));
    Map<String, Object> old = raw(9, "OLD", "90.00", "I", -40 * 1440);
    migrate(old);
    succeed("create.process.orders");
    session.createSourceTable(source, sourceColumns());
    // two ingestions: two snapshots of raw.orders, each holding a version of order 1
    Map<String, Object> first = raw(1, "NEW", "10.00", "I", 10);
    Map<String, Object> latest = raw(1, "PAID", "10.00", "U", 20);
    session.insertSourceRows(source, List.of(first));
    succeed("orders-jdbc");
    succeed("upsert");
    session.insertSourceRows(source, List.of(latest));
    succeed("orders-jdbc");
    succeed("upsert");
    // deleting an unrelated row (and expiring the snapshots merged before) is not an append:
    // the next merge reads the whole source, both versions of order 1 at once
    succeed("gdpr.hard-delete");

    TaskResult rerun = succeed("upsert");

    assertThat(rerun.summary()).contains("full read");
    assertThat(rerun.rows()).isEqualTo(2);
    assertRows(PROCESSED, processed(old), processed(latest));
  }

  @Test
  void merge_sourceRowsWithoutKeyValue_failNamingTheKeyColumnAndLeaveTargetUnchanged() {
    String target = "process.order_events";
    start(
        orders(
            builder ->
                builder
                    .table(
                        target,
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("op", "string")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("updated_at", "timestamp"))
                    .mergeInto(
                        target,
                        m ->
                            m.id("upsert")
                                .source(RAW)
                                .addKey("order_id")
                                .addKey("op")
                                .orderBy("updated_at")
                                .deleteWhen("status = 'CANCELLED'"))));
    Map<String, Object> kept = raw(1, "NEW", "10.00", "I", 0);
    migrate(kept);
    succeed("create." + target);
    succeed("upsert");
    int snapshots = session.snapshotCount(target);
    List<Map<String, Object>> wave =
        List.of(
            withoutOp(raw(2, "NEW", "20.00", "I", 5)),
            // a delete without a key must not delete anything either
            withoutOp(raw(1, "CANCELLED", "10.00", "D", 6)),
            raw(3, "NEW", "30.00", "I", 7));
    session.addMigrationFile("history", wave);
    succeed("history.convert");
    long withoutKey = wave.stream().filter(row -> row.get("op") == null).count();

    TaskResult result = run("upsert");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(Merges.nullKeys(merge("upsert"), withoutKey, List.of("op")));
    assertThat(result.summary()).doesNotContain("CANCELLED");
    assertThat(session.snapshotCount(target)).isEqualTo(snapshots);
    assertRows(target, kept);
  }

  // ---- migration -----------------------------------------------------------------------------

  @Test
  void migration_missingRequiredColumn_failsNamingItAndLeavesTableUnchanged() {
    start(orders(builder -> builder));
    Map<String, Object> noId = new LinkedHashMap<>(raw(1, "NEW", "10.00", "I", 0));
    noId.remove("order_id");
    session.addMigrationFile("history", List.of(noId));
    succeed("history.create-table");

    TaskResult result = run("history.convert");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("order_id");
    assertThat(session.rows(RAW)).isEmpty();
  }

  @Test
  void migration_recordsTheNewestConvertedTimeAsWatermark() {
    start(orders(builder -> builder));
    session.addMigrationFile(
        "history", List.of(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 45)));
    migrate(raw(3, "NEW", "30.00", "I", 30));

    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(45)));
    assertThat(session.rows(RAW)).hasSize(3);
  }

  @Test
  void migration_rerunAfterAnIngestion_keepsTheIngestedRowsAndTheStoresWatermark() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 10));
    session.createSourceTable(source, sourceColumns());
    session.insertSourceRows(source, List.of(raw(3, "NEW", "30.00", "I", 11)));
    succeed("orders-jdbc");

    // every step of the migration again, its input unchanged
    runMigration();

    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 10),
        raw(3, "NEW", "30.00", "I", 11));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(11)));

    // a changed input would overwrite the ingested row: refused, nothing written
    int snapshots = session.snapshotCount(RAW);
    session.addMigrationFile("history", List.of(raw(9, "NEW", "90.00", "I", 1)));
    TaskResult changed = run("history.convert");

    assertThat(changed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(changed.summary())
        .contains("The input of migration history changed since it was converted into raw.orders")
        .contains("converting again would overwrite the rows they wrote");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertThat(session.rows(RAW)).hasSize(3);
  }

  // ---- JDBC ----------------------------------------------------------------------------------

  @Test
  void jdbc_firstRunAfterMigration_startsStrictlyAfterTheMigrationWatermark() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 10));
    session.createSourceTable(source, sourceColumns());
    // the source still holds the migrated rows: neither may be read again
    session.insertSourceRows(
        source,
        List.of(
            raw(1, "NEW", "10.00", "I", 0),
            raw(2, "NEW", "20.00", "I", 10),
            raw(3, "NEW", "30.00", "I", 11)));

    TaskResult first = succeed("orders-jdbc");
    session.insertSourceRows(source, List.of(raw(4, "NEW", "40.00", "I", 12)));
    TaskResult second = succeed("orders-jdbc");
    TaskResult third = succeed("orders-jdbc");

    assertThat(first.rows()).isEqualTo(1);
    assertThat(second.rows()).isEqualTo(1);
    assertThat(third.rows()).isZero();
    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 10),
        raw(3, "NEW", "30.00", "I", 11),
        raw(4, "NEW", "40.00", "I", 12));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(12)));
  }

  @Test
  void jdbc_crashAfterCommitBeforeStoreUpdate_restartRepairsStoreWithoutDuplicates() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createSourceTable(source, sourceColumns());
    session.insertSourceRows(
        source, List.of(raw(2, "NEW", "20.00", "I", 5), raw(3, "NEW", "30.00", "I", 6)));
    session.crashAfterNextCommit(dagOf("orders-jdbc"), "orders-jdbc");

    TaskResult crashed = run("orders-jdbc");
    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(session.watermark(RAW))
        .as("store not yet advanced")
        .contains(Watermark.of(instant(0)));
    session.insertSourceRows(source, List.of(raw(4, "NEW", "40.00", "I", 7)));
    TaskResult restarted = succeed("orders-jdbc");

    assertThat(restarted.rows()).isEqualTo(1);
    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 6),
        raw(4, "NEW", "40.00", "I", 7));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(7)));
  }

  @Test
  void jdbc_rowsWithoutIncrementalValue_areCountedAndNamedInEverySummary() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createSourceTable(source, sourceColumns());
    Map<String, Object> withoutTime = new LinkedHashMap<>(raw(7, "NEW", "70.00", "I", 0));
    withoutTime.put("updated_at", null);
    session.insertSourceRows(source, List.of(raw(2, "NEW", "20.00", "I", 5), withoutTime));

    TaskResult first = succeed("orders-jdbc");
    TaskResult nothingNew = succeed("orders-jdbc");

    assertThat(first.rows()).isEqualTo(1);
    assertThat(first.summary())
        .contains("1 source rows have no updated_at and are never read")
        .contains("make updated_at NOT NULL");
    assertThat(nothingNew.summary())
        .contains("nothing ingested")
        .contains("1 source rows have no updated_at");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
  }

  @Test
  void jdbc_failureBeforeCommit_leavesTableAndStoreUnchanged() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    columns.put("order_id", "long");
    session.createSourceTable(source, columns);
    Map<String, Object> noId = new LinkedHashMap<>(raw(2, "NEW", "20.00", "I", 5));
    noId.put("order_id", null);
    session.insertSourceRows(source, List.of(noId, raw(3, "NEW", "30.00", "I", 6)));

    TaskResult failed = run("orders-jdbc");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(0)));
  }

  @Test
  void jdbc_valuesTheTargetCannotHoldUnchanged_failBeforeCommitNamingColumnAndCount() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    columns.put("amount", "decimal(12,3)");
    session.createSourceTable(source, columns);
    session.insertSourceRows(
        source,
        List.of(
            raw(2, "NEW", "20.005", "I", 5),
            raw(3, "NEW", "30.000", "I", 6),
            raw(4, "NEW", "40.001", "I", 7)));

    TaskResult failed = run("orders-jdbc");

    // Spark's cast would round 20.005 to 20.01: a value is written unchanged or not at all
    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .contains("The source of ingestion orders-jdbc holds values its target cannot take")
        .contains("nothing was written")
        .contains(
            "column amount: 2 values refused, e.g. 3 decimals where decimal(12,2) keeps 2"
                + " (Lakeplan never rounds)")
        .doesNotContain("20.005");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(0)));
  }

  @Test
  void jdbc_mergeByKey_rowsWithoutKeyValue_failBeforeWritingNamingTheKeyColumn() {
    String source = "public.src_" + unique();
    start(
        orders(
            builder ->
                jdbc(builder, source, j -> j.writeMode(WriteMode.MERGE).addKey("order_id"))));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    session.createSourceTable(source, columns);
    Map<String, Object> noId = new LinkedHashMap<>(raw(2, "NEW", "20.00", "I", 5));
    noId.put("order_id", null);
    session.insertSourceRows(source, List.of(noId, raw(1, "PAID", "10.00", "U", 6)));

    TaskResult failed = run("orders-jdbc");

    // in SQL a null key matches nothing: the row would be inserted again by every run
    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Ingestion orders-jdbc: 1 source row of "
                + source
                + " has no value for key column order_id; a key identifies a row, so fill it"
                + " upstream or filter those rows out of "
                + source
                + " (raw.orders unchanged)");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
  }

  // ---- JDBC lookback (issue 22 item 6) --------------------------------------------------------

  private static final Duration LOOKBACK = Duration.ofMinutes(10);

  /**
   * The window a run with {@link #LOOKBACK} reads after watermark {@code minutes}, as summaries say
   * it.
   */
  private String rereadWindow(long watermarkMinutes, long upToMinutes) {
    return "["
        + Watermark.of(instant(watermarkMinutes).minus(LOOKBACK))
        + ", "
        + Watermark.of(instant(upToMinutes))
        + "]";
  }

  @Test
  void jdbc_lookback_readsLateRowsAtAndBelowTheWatermark_andSkipsTheRowsAlreadyIngested() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source, j -> j.lookback(LOOKBACK).addKey("order_id"))));
    Map<String, Object> migrated = raw(1, "NEW", "10.00", "I", 0);
    migrate(migrated);
    session.createSourceTable(source, sourceColumns());
    List<Map<String, Object>> first =
        List.of(raw(2, "NEW", "20.00", "I", 5), raw(3, "NEW", "30.00", "I", 6));
    session.insertSourceRows(source, first);
    succeed("orders-jdbc");
    long watermark = 6;

    // committed after run 1: one row at the watermark, one below it within the lookback, one
    // before the lookback's reach
    Map<String, Object> atWatermark = raw(4, "NEW", "40.00", "I", watermark);
    Map<String, Object> belowWatermark = raw(5, "NEW", "50.00", "I", watermark - 5);
    Map<String, Object> beyondLookback =
        raw(6, "NEW", "60.00", "I", watermark - LOOKBACK.toMinutes() - 1);
    session.insertSourceRows(source, List.of(atWatermark, belowWatermark, beyondLookback));
    TaskResult second = succeed("orders-jdbc");

    assertThat(second.rows()).isEqualTo(2);
    assertThat(second.summary())
        .isEqualTo(
            "appended 2 rows of "
                + rereadWindow(watermark, watermark)
                + " into raw.orders; watermark "
                + Watermark.of(instant(watermark))
                + "; "
                + first.size()
                + " rows already ingested skipped (lookback 10m)");
    assertRows(RAW, migrated, first.get(0), first.get(1), atWatermark, belowWatermark);
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(watermark)));
  }

  @Test
  void jdbc_lookbackMergeByKey_mergesLateRows_andAnOlderVersionReadAgainNeverReplacesANewer() {
    String source = "public.src_" + unique();
    start(
        orders(
            builder ->
                jdbc(
                    builder,
                    source,
                    j -> j.writeMode(WriteMode.MERGE).addKey("order_id").lookback(LOOKBACK))));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createSourceTable(source, sourceColumns());
    Map<String, Object> paid = raw(1, "PAID", "10.00", "U", 5);
    Map<String, Object> second = raw(2, "NEW", "20.00", "I", 6);
    session.insertSourceRows(source, List.of(paid, second));
    TaskResult first = succeed("orders-jdbc");
    long watermark = 6;

    Map<String, Object> atWatermark = raw(3, "NEW", "30.00", "I", watermark);
    Map<String, Object> belowWatermark = raw(4, "NEW", "40.00", "I", watermark - 4);
    // an older version of key 2, committed late: the target's newer row must stay
    Map<String, Object> olderVersion = raw(2, "VOID", "20.00", "U", watermark - 2);
    List<Map<String, Object>> late = List.of(atWatermark, belowWatermark, olderVersion);
    session.insertSourceRows(source, late);
    TaskResult merged = succeed("orders-jdbc");
    int snapshots = session.snapshotCount(RAW);
    TaskResult rerun = succeed("orders-jdbc");

    assertThat(first.rows()).isEqualTo(2);
    assertThat(merged.rows()).isEqualTo(late.size());
    assertThat(merged.summary())
        .isEqualTo(
            "merged "
                + late.size()
                + " rows of "
                + rereadWindow(watermark, watermark)
                + " into raw.orders; watermark "
                + Watermark.of(instant(watermark))
                + "; 2 rows already ingested skipped (lookback 10m)");
    assertRows(RAW, paid, second, atWatermark, belowWatermark);
    // a re-run reads the same rows again and writes nothing: four are in the target, and the
    // older version of key 2, the one row it counts, loses to the newer row again
    assertThat(rerun.rows()).isEqualTo(1);
    assertThat(rerun.summary()).endsWith("; 4 rows already ingested skipped (lookback 10m)");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertRows(RAW, paid, second, atWatermark, belowWatermark);
  }

  @Test
  void jdbc_lookbackRerunWithoutNewRows_writesNothingTwice_andSkipsTheMigratedRows() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source, j -> j.lookback(LOOKBACK).addKey("order_id"))));
    Map<String, Object> migrated = raw(1, "NEW", "10.00", "I", 0);
    migrate(migrated);
    session.createSourceTable(source, sourceColumns());
    // the source still holds the migrated row: the first run looks back from the migration's
    // watermark, reads it again and recognises it
    List<Map<String, Object>> fresh =
        List.of(raw(2, "NEW", "20.00", "I", 5), raw(3, "NEW", "30.00", "I", 6));
    List<Map<String, Object>> all = new ArrayList<>(fresh);
    all.add(0, migrated);
    session.insertSourceRows(source, all);

    TaskResult first = succeed("orders-jdbc");
    int snapshots = session.snapshotCount(RAW);
    TaskResult again = succeed("orders-jdbc");

    assertThat(first.rows()).isEqualTo(fresh.size());
    assertThat(first.summary())
        .isEqualTo(
            "appended 2 rows of "
                + rereadWindow(0, 6)
                + " into raw.orders; watermark "
                + Watermark.of(instant(6))
                + "; 1 row already ingested skipped (lookback 10m)");
    assertThat(again.rows()).isZero();
    assertThat(again.summary())
        .isEqualTo(
            "appended 0 rows of "
                + rereadWindow(6, 6)
                + " into raw.orders; watermark "
                + Watermark.of(instant(6))
                + "; "
                + all.size()
                + " rows already ingested skipped (lookback 10m)");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertRows(RAW, migrated, fresh.get(0), fresh.get(1));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(6)));
  }

  @Test
  void jdbc_withoutLookback_neverReadsALateRowAtTheWatermark_andValidationWarnsOfIt() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    Map<String, Object> migrated = raw(1, "NEW", "10.00", "I", 0);
    migrate(migrated);
    session.createSourceTable(source, sourceColumns());
    Map<String, Object> ingested = raw(2, "NEW", "20.00", "I", 5);
    session.insertSourceRows(source, List.of(ingested));
    succeed("orders-jdbc");

    session.insertSourceRows(source, List.of(raw(3, "NEW", "30.00", "I", 5)));
    TaskResult second = succeed("orders-jdbc");

    // the issue's repro: the row at the watermark is never read
    assertThat(second.summary())
        .isEqualTo(
            "no rows after "
                + Watermark.of(instant(5))
                + " in the source of orders-jdbc; nothing ingested");
    assertRows(RAW, migrated, ingested);
    assertThat(Validator.warnings(useCase))
        .extracting(Problem::toString)
        .containsExactly(
            "conformance: jdbc-ingestions[orders-jdbc].lookback: No lookback: each run reads only"
                + " rows with updated_at after the last run's watermark, so a row committed after"
                + " a run with updated_at at or below that watermark (the same second, a"
                + " transaction committing late) is never read; set lookback to the longest time a"
                + " row can take to commit (e.g. lookback: 10m, or a number for a numeric column),"
                + " which needs keys [late-rows-unread]");
  }

  @Test
  void jdbc_lookback_rowsWithoutKeyValue_failBeforeWritingNamingTheKeyColumn() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source, j -> j.lookback(LOOKBACK).addKey("order_id"))));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createSourceTable(source, sourceColumns());
    Map<String, Object> noId = new LinkedHashMap<>(raw(2, "NEW", "20.00", "I", 5));
    noId.put("order_id", null);
    session.insertSourceRows(source, List.of(noId, raw(3, "NEW", "30.00", "I", 6)));

    TaskResult failed = run("orders-jdbc");

    // without a key the row cannot be recognised when read again: it would land twice
    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(Merges.nullKeys(useCase.jdbcIngestions().get(0), 1, List.of("order_id")));
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(0)));
  }

  // ---- schema changes by policy (on-schema-change) -------------------------------------------

  /** {@code row} with {@code column} set to {@code value} (null removes nothing: it is a value). */
  private static Map<String, Object> with(Map<String, Object> row, String column, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(row);
    copy.put(column, value);
    return copy;
  }

  private static Map<String, Object> without(Map<String, Object> row, String column) {
    Map<String, Object> copy = new LinkedHashMap<>(row);
    copy.remove(column);
    return copy;
  }

  /** The scenario's use case with the history migration under {@code policy}. */
  private static UseCase migrationPolicy(UseCase useCase, SchemaChangePolicy policy) {
    List<Migration> migrations =
        useCase.migrations().stream()
            .map(m -> (Migration) Migration.builder().from(m).onSchemaChange(policy).build())
            .toList();
    return UseCase.builder().from(useCase).migrations(migrations).build();
  }

  @Test
  void schema_migrationInputWithAColumnTheTargetLacks_underFail_failsNamingIt_tableUnchanged() {
    start(orders(builder -> builder));
    session.addMigrationFile(
        "history", List.of(with(raw(1, "NEW", "10.00", "I", 0), "channel", "web")));
    succeed("history.create-table");

    TaskResult result = run("history.convert");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Migration history: the input has columns the target raw.orders lacks: channel; set"
                + " on-schema-change: append-new-columns to add them, or ignore to drop them"
                + " (raw.orders unchanged)");
    assertThat(session.rows(RAW)).isEmpty();
    assertThat(session.snapshotCount(RAW)).isZero();
  }

  @Test
  void schema_migrationAppendNewColumns_addsTheColumnInTheConversion_andReconciles() {
    start(migrationPolicy(orders(builder -> builder), SchemaChangePolicy.APPEND_NEW_COLUMNS));
    List<Map<String, Object>> input =
        List.of(
            with(raw(1, "NEW", "10.00", "I", 0), "channel", "web"),
            with(raw(2, "NEW", "20.00", "I", 5), "channel", null));
    session.addMigrationFile("history", input);
    succeed("history.create-table");

    TaskResult converted = succeed("history.convert");
    succeed("history.reconcile");

    assertThat(converted.summary())
        .endsWith("; added column channel to raw.orders (on-schema-change: append-new-columns)");
    assertThat(session.rows(RAW)).containsExactlyInAnyOrderElementsOf(input);
  }

  @Test
  void schema_migrationIgnore_dropsTheColumnAndNamesIt() {
    start(migrationPolicy(orders(builder -> builder), SchemaChangePolicy.IGNORE));
    Map<String, Object> order = raw(1, "NEW", "10.00", "I", 0);
    session.addMigrationFile("history", List.of(with(order, "channel", "web")));
    succeed("history.create-table");

    TaskResult converted = succeed("history.convert");
    succeed("history.reconcile");

    assertThat(converted.summary())
        .endsWith("; dropped source column channel, not in raw.orders (on-schema-change: ignore)");
    assertRows(RAW, order);
  }

  @Test
  void schema_migrationInputWithoutAnOptionalColumn_failsUnderFail_elseIsLeftNullAndNamed() {
    for (SchemaChangePolicy policy : SchemaChangePolicy.values()) {
      start(migrationPolicy(orders(builder -> builder), policy));
      Map<String, Object> order = raw(1, "NEW", "10.00", "I", 0);
      session.addMigrationFile("history", List.of(without(order, "op")));
      succeed("history.create-table");

      TaskResult converted = run("history.convert");

      if (policy == SchemaChangePolicy.FAIL) {
        assertThat(converted.status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(converted.summary())
            .isEqualTo(
                "Migration history: the input lacks column op of raw.orders; set on-schema-change:"
                    + " ignore (or append-new-columns) to leave it null, or add it to the input"
                    + " (raw.orders unchanged)");
        assertThat(session.rows(RAW)).isEmpty();
      } else {
        assertThat(converted.status()).as(policy.name()).isEqualTo(TaskResult.Status.SUCCEEDED);
        succeed("history.reconcile");
        assertThat(converted.summary())
            .endsWith("; raw.orders column op not in the input, left null");
        assertRows(RAW, withoutOp(order));
      }
      closeSession();
    }
  }

  @Test
  void schema_jdbcSourceWithAColumnTheTargetLacks_underFail_failsBeforeWriting() {
    String source = "public.src_" + unique();
    start(orders(builder -> jdbc(builder, source)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    columns.put("channel", "string");
    session.createSourceTable(source, columns);
    session.insertSourceRows(
        source, List.of(with(raw(2, "NEW", "20.00", "I", 5), "channel", "web")));
    int snapshots = session.snapshotCount(RAW);

    TaskResult failed = run("orders-jdbc");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Ingestion orders-jdbc: the source has columns the target raw.orders lacks: channel;"
                + " set on-schema-change: append-new-columns to add them, or ignore to drop them"
                + " (raw.orders unchanged)");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(0)));
  }

  @Test
  void schema_jdbcAppendNewColumns_addsThemTyped_earlierRowsReadNull_laterRunsCarryThem() {
    String source = "public.src_" + unique();
    start(
        orders(
            builder ->
                jdbc(
                    builder,
                    source,
                    j -> j.onSchemaChange(SchemaChangePolicy.APPEND_NEW_COLUMNS))));
    Map<String, Object> migrated = raw(1, "NEW", "10.00", "I", 0);
    migrate(migrated);
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    columns.put("discount", "decimal(10,2)");
    columns.put("channel", "string");
    session.createSourceTable(source, columns);
    Map<String, Object> second =
        with(
            with(raw(2, "NEW", "20.00", "I", 5), "discount", new BigDecimal("1.50")),
            "channel",
            "web");
    Map<String, Object> third =
        with(with(raw(3, "NEW", "30.00", "I", 6), "discount", null), "channel", "shop");
    session.insertSourceRows(source, List.of(second, third));

    TaskResult first = succeed("orders-jdbc");
    Map<String, Object> fourth =
        with(
            with(raw(4, "NEW", "40.00", "I", 7), "discount", new BigDecimal("0.25")),
            "channel",
            null);
    session.insertSourceRows(source, List.of(fourth));
    TaskResult next = succeed("orders-jdbc");

    assertThat(first.summary())
        .endsWith(
            "; added columns discount, channel to raw.orders (on-schema-change:"
                + " append-new-columns)");
    assertThat(next.summary()).doesNotContain("added");
    assertRows(RAW, with(with(migrated, "discount", null), "channel", null), second, third, fourth);
    assertThat(session.watermark(RAW)).contains(Watermark.of(instant(7)));
  }

  @Test
  void schema_jdbcIgnore_dropsTheColumnAndNamesIt() {
    String source = "public.src_" + unique();
    start(
        orders(builder -> jdbc(builder, source, j -> j.onSchemaChange(SchemaChangePolicy.IGNORE))));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
    columns.put("channel", "string");
    session.createSourceTable(source, columns);
    session.insertSourceRows(
        source, List.of(with(raw(2, "NEW", "20.00", "I", 5), "channel", "web")));

    TaskResult result = succeed("orders-jdbc");

    assertThat(result.summary())
        .endsWith("; dropped source column channel, not in raw.orders (on-schema-change: ignore)");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
  }

  @Test
  void schema_jdbcSourceWithoutAnOptionalColumn_failsUnderFail_elseIsLeftNullAndNamed() {
    for (SchemaChangePolicy policy : SchemaChangePolicy.values()) {
      String source = "public.src_" + unique();
      start(orders(builder -> jdbc(builder, source, j -> j.onSchemaChange(policy))));
      migrate(raw(1, "NEW", "10.00", "I", 0));
      Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
      columns.remove("op");
      session.createSourceTable(source, columns);
      session.insertSourceRows(source, List.of(without(raw(2, "NEW", "20.00", "I", 5), "op")));

      TaskResult result = run("orders-jdbc");

      if (policy == SchemaChangePolicy.FAIL) {
        assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(result.summary())
            .isEqualTo(
                "Ingestion orders-jdbc: the source lacks column op of raw.orders; set"
                    + " on-schema-change: ignore (or append-new-columns) to leave it null, or add it"
                    + " to the source (raw.orders unchanged)");
        assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
      } else {
        assertThat(result.status()).as(policy.name()).isEqualTo(TaskResult.Status.SUCCEEDED);
        assertThat(result.summary())
            .endsWith("; raw.orders column op not in the source, left null");
        assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), withoutOp(raw(2, "NEW", "20.00", "I", 5)));
      }
      closeSession();
    }
  }

  @Test
  void schema_jdbcSourceWithoutARequiredColumn_failsUnderEveryPolicyNamingIt() {
    for (SchemaChangePolicy policy : SchemaChangePolicy.values()) {
      String source = "public.src_" + unique();
      start(orders(builder -> jdbc(builder, source, j -> j.onSchemaChange(policy))));
      migrate(raw(1, "NEW", "10.00", "I", 0));
      Map<String, String> columns = new LinkedHashMap<>(sourceColumns());
      columns.remove("order_id");
      session.createSourceTable(source, columns);
      session.insertSourceRows(
          source, List.of(without(raw(2, "NEW", "20.00", "I", 5), "order_id")));

      TaskResult failed = run("orders-jdbc");

      assertThat(failed.status()).as(policy.name()).isEqualTo(TaskResult.Status.FAILED);
      assertThat(failed.summary())
          .isEqualTo(
              "Ingestion orders-jdbc: the source lacks column order_id, required in raw.orders;"
                  + " add it to the source, or make it optional in raw.orders (raw.orders"
                  + " unchanged)");
      assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
      closeSession();
    }
  }

  // ---- Kafka authentication ----------------------------------------------------------------

  /**
   * The environment variable holding the SASL password of the authentication scenarios: both
   * engines resolve {@code env:} references through {@link
   * io.lakeplan.spi.SecretResolver#environmentVariables()}, so the test JVM of every engine must
   * have it set (any value; the build sets it in surefire's and failsafe's environment).
   */
  public static final String KAFKA_PASSWORD_VARIABLE = "LAKEPLAN_CONFORMANCE_KAFKA_PASSWORD";

  /**
   * Where the topics that require credentials live ({@link
   * ConformanceSession#createTopicRequiringAuth}) and the ingestion options that reach them;
   * default: {@link #endpoints()}' brokers without options (the in-memory engine).
   */
  protected AuthenticatedKafka authenticatedKafka() {
    return new AuthenticatedKafka(endpoints().kafkaBootstrapServers(), Map.of());
  }

  /** The value of {@link #KAFKA_PASSWORD_VARIABLE}, which the brokers will require. */
  private static String kafkaPassword() {
    String value = System.getenv(KAFKA_PASSWORD_VARIABLE);
    assertThat(value)
        .as(
            "environment variable %s of the test JVM (set it in surefire/failsafe"
                + " environmentVariables)",
            KAFKA_PASSWORD_VARIABLE)
        .isNotBlank();
    return value;
  }

  /**
   * The orders use case whose Kafka ingestion reads {@code topic} from the authenticated brokers
   * with SASL SCRAM-SHA-512 as {@code user}, the password from {@code password}.
   */
  private UseCase authenticatedOrders(String topic, String user, SecretRef password) {
    AuthenticatedKafka brokers = authenticatedKafka();
    return orders(
        builder ->
            builder.ingestKafka(
                k ->
                    k.id("orders-kafka")
                        .bootstrapServers(brokers.bootstrapServers())
                        .auth(
                            KafkaAuth.builder()
                                .mechanism(KafkaAuth.Mechanism.SCRAM_SHA_512)
                                .username(user)
                                .password(password)
                                .build())
                        .putAllOptions(brokers.options())
                        .addTopic(topic)
                        .column("order_id", "long")
                        .column("status", "string")
                        .column("amount", "decimal(12,2)")
                        .column("op", "string")
                        .column("updated_at", "timestamp")
                        .mode(StreamMode.MICRO_BATCH)
                        .startingPosition(StartingPosition.EARLIEST)
                        .checkpoint("checkpoints/orders-kafka")
                        .target(RAW)));
  }

  @Test
  void kafka_authRightCredentials_readEveryRecord() {
    String topic = "orders_" + unique();
    String user = "conformance_" + unique();
    start(authenticatedOrders(topic, user, SecretRef.env(KAFKA_PASSWORD_VARIABLE)));
    succeed("history.create-table");
    session.createTopicRequiringAuth(
        topic, KafkaAuth.Mechanism.SCRAM_SHA_512, user, kafkaPassword());
    Map<String, Object> first = raw(1, "NEW", "10.00", "I", 5);
    Map<String, Object> second = raw(2, "PAID", "20.00", "U", 6);
    send(topic, first, 5);
    send(topic, second, 6);

    TaskResult result = succeed("orders-kafka");

    assertThat(result.rows()).isEqualTo(2);
    assertRows(RAW, first, second);
  }

  @Test
  void kafka_authWrongPassword_failsNamingTopicAndMechanism_tableUnchanged() {
    String topic = "orders_" + unique();
    String user = "conformance_" + unique();
    SecretRef password = SecretRef.env(KAFKA_PASSWORD_VARIABLE);
    start(authenticatedOrders(topic, user, password));
    succeed("history.create-table");
    // the brokers know a rotated password; the secret still holds the old one
    session.createTopicRequiringAuth(
        topic, KafkaAuth.Mechanism.SCRAM_SHA_512, user, kafkaPassword() + "-rotated");
    send(topic, raw(1, "NEW", "10.00", "I", 5), 5);
    int snapshots = session.snapshotCount(RAW);

    TaskResult failed = run("orders-kafka");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Kafka ingestion orders-kafka (topic "
                + topic
                + "): the brokers "
                + authenticatedKafka().bootstrapServers()
                + " rejected the SASL SCRAM_SHA_512 credentials of user "
                + user
                + ": check that secret "
                + password
                + " holds this user's password and that the mechanism is enabled on the"
                + " listener")
        .doesNotContain(kafkaPassword());
    assertThat(session.rows(RAW)).isEmpty();
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
  }

  @Test
  void kafka_authSecretThatDoesNotResolve_failsNamingTheReferenceAndTheTopic() {
    String topic = "orders_" + unique();
    String user = "conformance_" + unique();
    SecretRef missing =
        SecretRef.env("LAKEPLAN_CONFORMANCE_UNSET_" + unique().toUpperCase(java.util.Locale.ROOT));
    start(authenticatedOrders(topic, user, missing));
    succeed("history.create-table");
    session.createTopicRequiringAuth(
        topic, KafkaAuth.Mechanism.SCRAM_SHA_512, user, kafkaPassword());
    send(topic, raw(1, "NEW", "10.00", "I", 5), 5);

    TaskResult failed = run("orders-kafka");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Cannot resolve secret "
                + missing
                + ": environment variable "
                + missing.name()
                + " is not set (SASL SCRAM_SHA_512 password of Kafka ingestion orders-kafka,"
                + " topic "
                + topic
                + ")");
    assertThat(session.rows(RAW)).isEmpty();
  }

  /**
   * A Kafka ingestion into raw.orders declaring {@code columns} (name, type), under {@code policy}.
   */
  private UseCase.Builder kafkaDeclaring(
      UseCase.Builder builder,
      String topic,
      Map<String, String> columns,
      SchemaChangePolicy policy) {
    return builder.ingestKafka(
        k -> {
          k.id("orders-kafka")
              .bootstrapServers(endpoints().kafkaBootstrapServers())
              .addTopic(topic)
              .mode(StreamMode.MICRO_BATCH)
              .startingPosition(StartingPosition.MIGRATION_WATERMARK)
              .checkpoint("checkpoints/orders-kafka")
              .onSchemaChange(policy)
              .target(RAW);
          columns.forEach(k::column);
        });
  }

  @Test
  void schema_kafkaDeclaredColumnTheTargetLacks_underFail_failsBeforeReadingAnyRecord() {
    String topic = "orders_" + unique();
    Map<String, String> declared = new LinkedHashMap<>(sourceColumns());
    declared.put("channel", "string");
    start(orders(builder -> kafkaDeclaring(builder, topic, declared, SchemaChangePolicy.FAIL)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, with(raw(2, "NEW", "20.00", "I", 5), "channel", "web"), 5);
    int snapshots = session.snapshotCount(RAW);

    TaskResult failed = run("orders-kafka");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Kafka ingestion orders-kafka: the declared schema has columns the target raw.orders"
                + " lacks: channel; set on-schema-change: append-new-columns to add them, or"
                + " ignore to drop them (raw.orders unchanged)");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertThat(session.tableExists("raw.orders_dead_letter")).isFalse();
  }

  @Test
  void schema_kafkaAppendNewColumns_addsTheDeclaredColumn_earlierRowsReadNull() {
    String topic = "orders_" + unique();
    Map<String, String> declared = new LinkedHashMap<>(sourceColumns());
    declared.put("channel", "string");
    start(
        orders(
            builder ->
                kafkaDeclaring(builder, topic, declared, SchemaChangePolicy.APPEND_NEW_COLUMNS)));
    Map<String, Object> migrated = raw(1, "NEW", "10.00", "I", 0);
    migrate(migrated);
    session.createTopic(topic);
    Map<String, Object> order = with(raw(2, "NEW", "20.00", "I", 5), "channel", "web");
    send(topic, order, 5);

    TaskResult result = succeed("orders-kafka");

    assertThat(result.summary())
        .endsWith("; added column channel to raw.orders (on-schema-change: append-new-columns)");
    assertRows(RAW, with(migrated, "channel", null), order);
  }

  @Test
  void schema_kafkaIgnore_dropsTheDeclaredColumnAndNamesIt_undeclaredFieldsAreNeverRead() {
    String topic = "orders_" + unique();
    Map<String, String> declared = new LinkedHashMap<>(sourceColumns());
    declared.put("channel", "string");
    start(orders(builder -> kafkaDeclaring(builder, topic, declared, SchemaChangePolicy.IGNORE)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, with(with(raw(2, "NEW", "20.00", "I", 5), "channel", "web"), "promo", "x"), 5);

    TaskResult result = succeed("orders-kafka");

    assertThat(result.summary())
        .endsWith("; dropped source column channel, not in raw.orders (on-schema-change: ignore)")
        .doesNotContain("promo");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
  }

  @Test
  void schema_kafkaWithoutADeclaredOptionalColumn_failsUnderFail_elseIsLeftNullAndNamed() {
    for (SchemaChangePolicy policy : SchemaChangePolicy.values()) {
      String topic = "orders_" + unique();
      Map<String, String> declared = new LinkedHashMap<>(sourceColumns());
      declared.remove("op");
      start(orders(builder -> kafkaDeclaring(builder, topic, declared, policy)));
      migrate(raw(1, "NEW", "10.00", "I", 0));
      session.createTopic(topic);
      send(topic, raw(2, "NEW", "20.00", "I", 5), 5);

      TaskResult result = run("orders-kafka");

      if (policy == SchemaChangePolicy.FAIL) {
        assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
        assertThat(result.summary())
            .contains(
                "Kafka ingestion orders-kafka: the declared schema lacks column op of raw.orders;"
                    + " set on-schema-change: ignore (or append-new-columns) to leave it null, or"
                    + " add it to the declared schema (raw.orders unchanged)");
        assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
      } else {
        assertThat(result.status()).as(policy.name()).isEqualTo(TaskResult.Status.SUCCEEDED);
        assertThat(result.summary())
            .endsWith("; raw.orders column op not in the declared schema, left null");
        assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), withoutOp(raw(2, "NEW", "20.00", "I", 5)));
      }
      closeSession();
    }
  }

  @Test
  void schema_kafkaWithoutADeclaredRequiredColumn_failsNamingIt() {
    String topic = "orders_" + unique();
    Map<String, String> declared = new LinkedHashMap<>(sourceColumns());
    declared.remove("order_id");
    start(orders(builder -> kafkaDeclaring(builder, topic, declared, SchemaChangePolicy.IGNORE)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);

    TaskResult failed = run("orders-kafka");

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Kafka ingestion orders-kafka: the declared schema lacks column order_id, required in"
                + " raw.orders; add it to the declared schema, or make it optional in raw.orders"
                + " (raw.orders unchanged)");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
  }

  // ---- Kafka ---------------------------------------------------------------------------------

  @Test
  void kafka_valuesTheirColumnCannotHoldUnchanged_goToTheDeadLettersNamingTheColumn() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    String at = "\"" + base.plusMinutes(5) + "\"";
    String order = "\"status\":\"NEW\",\"op\":\"I\",";
    session.send(
        topic,
        "k",
        "{\"order_id\":2," + order + "\"amount\":10.005,\"updated_at\":" + at + "}",
        instant(6));
    session.send(
        topic,
        "k",
        "{\"order_id\":1.9," + order + "\"amount\":20,\"updated_at\":" + at + "}",
        instant(7));
    session.send(
        topic,
        "k",
        "{\"order_id\":4," + order + "\"amount\":1,\"updated_at\":\"" + base.toLocalDate() + "\"}",
        instant(8));
    // a time with an offset is its UTC time; 50.000 is 50.00 exactly
    session.send(
        topic,
        "k",
        "{\"order_id\":5,"
            + order
            + "\"amount\":\"50.000\",\"updated_at\":\""
            + base.plusMinutes(5)
            + "+02:00\"}",
        instant(9));

    TaskResult result = succeed("orders-kafka");

    assertThat(result.rows()).isEqualTo(1);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(5, "NEW", "50.00", "I", 5 - 120));
    assertThat(session.rows("raw.orders_dead_letter"))
        .extracting(letter -> letter.get("kafka_offset") + ":" + letter.get("reason"))
        .containsExactlyInAnyOrder(
            "0:column amount: 3 decimals where decimal(12,2) keeps 2 (Lakeplan never rounds)",
            "1:column order_id: not a whole number (long takes whole numbers; Lakeplan never"
                + " truncates)",
            "2:column updated_at: a date without a time (write 2024-05-01T00:00:00 for"
                + " midnight)");
  }

  @Test
  void kafka_firstRunStartsAfterTheMigrationWatermark_thenTheCheckpointWins() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 10));
    session.createTopic(topic);
    // records at or before the watermark were migrated; later ones were not
    send(topic, raw(2, "NEW", "20.00", "I", 10), 10);
    send(topic, raw(3, "NEW", "30.00", "I", 11), 11);

    TaskResult first = succeed("orders-kafka");
    send(topic, raw(4, "NEW", "40.00", "I", 5), 12);
    TaskResult second = succeed("orders-kafka");
    TaskResult third = succeed("orders-kafka");

    assertThat(first.rows()).isEqualTo(1);
    assertThat(second.rows()).as("the checkpoint, not the record time, decides").isEqualTo(1);
    assertThat(third.rows()).isZero();
    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 10),
        raw(3, "NEW", "30.00", "I", 11),
        raw(4, "NEW", "40.00", "I", 5));
  }

  @Test
  void kafka_malformedRecords_goToTheDeadLetterTableWithTheReason() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    session.send(topic, "k", "{not json", instant(6));
    session.send(topic, "k", "{\"status\":\"NEW\",\"op\":\"I\"}", instant(7));

    TaskResult result = succeed("orders-kafka");

    assertThat(result.rows()).isEqualTo(1);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
    List<Map<String, Object>> dead = session.rows("raw.orders_dead_letter");
    assertThat(dead)
        .extracting(letter -> letter.get("kafka_offset") + ":" + letter.get("reason"))
        .containsExactlyInAnyOrder(
            "1:value is not JSON of the declared schema",
            "2:required column order_id has no value");
  }

  @Test
  void kafka_withoutMalformedRecords_createsNoDeadLetterTable() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);

    succeed("orders-kafka");

    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
    assertThat(session.tableExists("raw.orders_dead_letter")).isFalse();
  }

  @Test
  void kafka_startingAtLatest_skipsWhatWasThereAtTheFirstRun_thenIngestsWhatCameAfter() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false, StartingPosition.LATEST)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);

    TaskResult first = succeed("orders-kafka");
    send(topic, raw(3, "NEW", "30.00", "I", 6), 6);
    TaskResult second = succeed("orders-kafka");

    assertThat(first.rows()).isZero();
    assertThat(second.rows()).isEqualTo(1);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(3, "NEW", "30.00", "I", 6));
  }

  @Test
  void kafka_crashBeforeTheDeadLetters_replayWritesThemOnce() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    session.send(topic, "k", "{not json", instant(6));
    session.crashAfterNextCommit(dagOf("orders-kafka"), "orders-kafka");

    TaskResult crashed = run("orders-kafka");
    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(session.rows("raw.orders_dead_letter")).as("not written before the crash").isEmpty();
    succeed("orders-kafka");
    succeed("orders-kafka");

    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5));
    assertThat(session.rows("raw.orders_dead_letter"))
        .extracting(letter -> letter.get("kafka_offset") + ":" + letter.get("reason"))
        .containsExactly("1:value is not JSON of the declared schema");
  }

  @Test
  void kafka_failOnMalformed_failsTheBatchBeforeAnyCommit() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, true)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    session.send(topic, "k", "{not json", instant(6));
    int snapshots = session.snapshotCount(RAW);

    TaskResult result = run("orders-kafka");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("malformed");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0));
  }

  @Test
  void kafka_crashAfterCommitBeforeCheckpoint_replayedBatchIsSkipped() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    send(topic, raw(3, "NEW", "30.00", "I", 6), 6);
    session.crashAfterNextCommit(dagOf("orders-kafka"), "orders-kafka");

    TaskResult crashed = run("orders-kafka");
    assertThat(crashed.status()).isEqualTo(TaskResult.Status.FAILED);
    send(topic, raw(4, "NEW", "40.00", "I", 7), 7);
    succeed("orders-kafka");
    succeed("orders-kafka");

    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 6),
        raw(4, "NEW", "40.00", "I", 7));
  }

  @Test
  void kafka_newCheckpoint_continuesAfterWhatTheTableHolds_skippingAndRepeatingNothing() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    succeed("orders-kafka");
    send(topic, raw(3, "NEW", "30.00", "I", 6), 6);
    succeed("orders-kafka");

    // the new checkpoint numbers its batches from 0 again: they are new data, not replays
    session.deleteCheckpoint("orders-kafka");
    send(topic, raw(4, "NEW", "40.00", "I", 7), 7);
    TaskResult afterDeletion = succeed("orders-kafka");
    send(topic, raw(5, "NEW", "50.00", "I", 8), 8);
    TaskResult next = succeed("orders-kafka");

    assertThat(afterDeletion.rows()).isEqualTo(1);
    assertThat(next.rows()).isEqualTo(1);
    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 6),
        raw(4, "NEW", "40.00", "I", 7),
        raw(5, "NEW", "50.00", "I", 8));
  }

  @Test
  void kafka_newCheckpointAfterACrash_replaysNothingTwice() {
    String topic = "orders_" + unique();
    start(orders(builder -> kafka(builder, topic, false)));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.createTopic(topic);
    send(topic, raw(2, "NEW", "20.00", "I", 5), 5);
    session.crashAfterNextCommit(dagOf("orders-kafka"), "orders-kafka");
    assertThat(run("orders-kafka").status()).isEqualTo(TaskResult.Status.FAILED);

    // the batch is in the table but not in the checkpoint, and the checkpoint is gone
    session.deleteCheckpoint("orders-kafka");
    send(topic, raw(3, "NEW", "30.00", "I", 6), 6);
    TaskResult result = succeed("orders-kafka");

    assertThat(result.rows()).isEqualTo(1);
    assertRows(
        RAW,
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 6));
  }

  // ---- maintenance ---------------------------------------------------------------------------

  @Test
  void compaction_rewritesSmallFilesIntoOne_onlyWithEnoughInputFiles() {
    String source = "public.src_" + unique();
    start(
        orders(
            builder ->
                jdbc(builder, source)
                    .maintain(
                        PROCESSED,
                        m ->
                            m.id("tidy")
                                .compact(c -> c.id("compact-many").minInputFiles(10))
                                .compact(c -> c.id("compact-few").minInputFiles(2)))));
    migrate(raw(1, "NEW", "10.00", "I", 0));
    succeed("create.process.orders");
    session.createSourceTable(source, sourceColumns());
    List<Map<String, Object>> expected = new ArrayList<>();
    expected.add(processed(1, "NEW", "10.00", 0));
    // five merges, each inserting one order: five small files in the unpartitioned target
    for (int i = 2; i <= 6; i++) {
      session.insertSourceRows(source, List.of(raw(i, "NEW", i + "0.00", "I", i)));
      succeed("orders-jdbc");
      succeed("upsert");
      expected.add(processed(i, "NEW", i + "0.00", i));
    }
    int files = session.dataFileCount(PROCESSED);
    assertThat(files).isGreaterThanOrEqualTo(5);

    succeed("tidy.compact-many");
    assertThat(session.dataFileCount(PROCESSED))
        .as("fewer files than min-input-files")
        .isEqualTo(files);
    succeed("tidy.compact-few");

    assertThat(session.dataFileCount(PROCESSED)).isEqualTo(1);
    assertRows(PROCESSED, expected.toArray(Map[]::new));
  }

  @Test
  void expireSnapshots_removesOldSnapshotsButKeepsRetainLast() {
    start(
        orders(
            builder ->
                builder
                    // a full-read merge: short retention cannot break an incremental read
                    .mergeInto(
                        PROCESSED,
                        m ->
                            m.id("upsert")
                                .source(RAW)
                                .addKey("order_id")
                                .orderBy("updated_at")
                                .incremental(false))
                    .maintain(
                        RAW, m -> m.id("retention").expireSnapshots(Duration.ofHours(1), 2))));
    for (int i = 1; i <= 4; i++) {
      migrate(raw(i, "NEW", "10.00", "I", i * 1440));
    }
    assertThat(session.snapshotCount(RAW)).isEqualTo(4);
    session.advanceClock(Duration.ofHours(2));

    succeed("retention.expire-snapshots");

    assertThat(session.snapshotCount(RAW)).isEqualTo(2);
    assertThat(session.rows(RAW)).hasSize(4);
  }

  @Test
  void hardDelete_removesRowsBeforeTheCutoff_andNoRemainingSnapshotReturnsThem() {
    start(
        orders(
            builder ->
                builder.maintain(
                    RAW,
                    m ->
                        m.id("gdpr")
                            .hardDelete("updated_at", Duration.ofDays(30))
                            .addTask(
                                io.lakeplan.model.MaintenanceTask.HardDelete.builder()
                                    .id("hard-delete-dry")
                                    .column("updated_at")
                                    .olderThan(Duration.ofDays(30))
                                    .dryRun(true)
                                    .build()))));
    // base is 3 days before now: -40 days is before the cutoff, -10 days after it
    migrate(
        raw(1, "OLD", "10.00", "I", -40 * 1440),
        raw(2, "NEW", "20.00", "I", -10 * 1440),
        raw(3, "OLD", "30.00", "I", -35 * 1440));
    migrate(raw(4, "NEW", "40.00", "I", 0));
    int snapshots = session.snapshotCount(RAW);

    TaskResult dryRun = succeed("gdpr.hard-delete-dry");
    assertThat(dryRun.summary()).contains("would delete 2 rows");
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertThat(session.rows(RAW)).hasSize(4);

    TaskResult deleted = succeed("gdpr.hard-delete");

    assertThat(deleted.rows()).isEqualTo(2);
    assertRows(RAW, raw(2, "NEW", "20.00", "I", -10 * 1440), raw(4, "NEW", "40.00", "I", 0));
    assertThat(session.snapshotCount(RAW)).isEqualTo(1);
  }

  @Test
  void hardDelete_ofAMergeTarget_staysDeletedWhenTheMergeReadsItsWholeSourceAgain() {
    start(
        orders(
            builder ->
                builder
                    // a full read on every run, as after any non-append commit or expiry upstream
                    .mergeInto(
                        PROCESSED,
                        m ->
                            m.id("upsert")
                                .source(RAW)
                                .addKey("order_id")
                                .orderBy("updated_at")
                                .incremental(false))
                    .maintain(
                        PROCESSED,
                        m -> m.id("gdpr").hardDelete("updated_at", Duration.ofDays(30)))));
    // base is 3 days before now: -40 days is before the cutoff, -10 days after it
    migrate(raw(1, "OLD", "10.00", "I", -40 * 1440), raw(2, "NEW", "20.00", "I", -10 * 1440));
    succeed("create.process.orders");
    succeed("upsert");
    succeed("gdpr.hard-delete");
    assertRows(PROCESSED, processed(2, "NEW", "20.00", -10 * 1440));
    assertThat(session.tableProperty(PROCESSED, HardDeletes.CUTOFF_PROPERTY)).isNotNull();

    migrate(raw(3, "NEW", "30.00", "I", 0));
    TaskResult remerged = succeed("upsert");

    assertThat(remerged.summary())
        .contains("source rows with updated_at < ")
        .contains("left out (the hard-delete cut-off of process.orders)");
    assertRows(
        PROCESSED, processed(2, "NEW", "20.00", -10 * 1440), processed(3, "NEW", "30.00", 0));
  }

  @Test
  void hardDelete_leavesNoManifestEntryOfADeletedRowsFile_inAnyRetainedSnapshot() {
    start(
        orders(
            builder ->
                builder.maintain(
                    RAW, m -> m.id("gdpr").hardDelete("updated_at", Duration.ofDays(30)))));
    // raw.orders is partitioned by day: one data file per day
    migrate(
        raw(1, "OLD", "10.00", "I", -40 * 1440),
        raw(2, "NEW", "20.00", "I", -10 * 1440),
        raw(3, "OLD", "30.00", "I", -35 * 1440));
    migrate(raw(4, "OLD", "40.00", "I", -50 * 1440)); // a one-row file before the cutoff
    migrate(raw(5, "NEW", "50.00", "I", 0), raw(6, "NEW", "60.00", "I", -20 * 1440));
    LocalDateTime cutoff =
        LocalDateTime.ofInstant(session.now().minus(Duration.ofDays(30)), ZoneOffset.UTC);
    List<ManifestEntry> before = session.manifestEntries(RAW);
    assertThat(before)
        .as("the one-row file of order 4 is in the manifests before the hard delete")
        .anyMatch(
            entry ->
                Long.valueOf(4).equals(entry.lowerBounds().get("order_id"))
                    && Long.valueOf(4).equals(entry.upperBounds().get("order_id"))
                    && mayHoldBefore(entry, cutoff));
    List<String> oldFiles =
        before.stream()
            .filter(entry -> mayHoldBefore(entry, cutoff))
            .map(ManifestEntry::file)
            .distinct()
            .toList();

    TaskResult deleted = succeed("gdpr.hard-delete");

    assertThat(deleted.rows()).isEqualTo(3);
    List<ManifestEntry> entries = session.manifestEntries(RAW);
    assertThat(entries).as("entries of the remaining snapshots' manifests").isNotEmpty();
    assertThat(entries)
        .as("entries (live or of removed files) whose bounds hold a value before %s", cutoff)
        .filteredOn(entry -> mayHoldBefore(entry, cutoff))
        .isEmpty();
    assertThat(entries)
        .as("entries of the deleted rows' files")
        .extracting(ManifestEntry::file)
        .doesNotContainAnyElementsOf(oldFiles);
  }

  @Test
  void hardDelete_whileATagKeepsOldRows_changesNothingAndNamesTheTag() {
    start(
        orders(
            builder ->
                builder.maintain(
                    RAW, m -> m.id("gdpr").hardDelete("updated_at", Duration.ofDays(30)))));
    migrate(raw(1, "OLD", "10.00", "I", -40 * 1440), raw(2, "NEW", "20.00", "I", -10 * 1440));
    session.tag(RAW, "audit");
    int snapshots = session.snapshotCount(RAW);

    TaskResult result = run("gdpr.hard-delete");

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .startsWith("Hard delete of " + RAW + " not started: tag 'audit' (snapshot ")
        .contains(") returns 1 row(s) with updated_at < ")
        .endsWith("run the hard delete again (nothing was changed)");
    assertThat(session.rows(RAW)).hasSize(2);
    assertThat(session.snapshotCount(RAW)).isEqualTo(snapshots);
    assertThat(session.tableProperty(RAW, HardDeletes.PENDING_PROPERTY)).isNull();
  }

  /**
   * Whether a data file entry's bounds allow an {@code updated_at} before {@code cutoff}: its lower
   * bound is before it, or it has none.
   */
  private static boolean mayHoldBefore(ManifestEntry entry, LocalDateTime cutoff) {
    if (entry.content() != ManifestEntry.Content.DATA) {
      return false;
    }
    Object lower = entry.lowerBounds().get("updated_at");
    return lower == null || ((LocalDateTime) lower).isBefore(cutoff);
  }

  @Test
  void rewriteManifests_andRemoveOldMetadata_sayTheSameInBothEngines() {
    start(
        orders(
            builder ->
                builder.maintain(RAW, m -> m.id("tidy").rewriteManifests().removeOldMetadata(1))));
    succeed("history.create-table");

    TaskResult empty = succeed("tidy.rewrite-manifests");
    migrate(raw(1, "NEW", "10.00", "I", 0));
    session.addMigrationFile("history", List.of(raw(2, "NEW", "20.00", "I", 0)));
    runMigration();
    TaskResult rewritten = succeed("tidy.rewrite-manifests");
    TaskResult pruned = succeed("tidy.remove-old-metadata");
    TaskResult again = succeed("tidy.remove-old-metadata");

    assertThat(empty.summary()).isEqualTo("no manifests to rewrite in raw.orders (no snapshot)");
    // two conversions, one manifest each: rewritten into one
    assertThat(rewritten.summary()).isEqualTo("rewrote 2 manifest(s) of raw.orders into 1");
    assertThat(rewritten.files()).isEqualTo(1);
    assertThat(pruned.summary())
        .matches(
            "removed [1-9][0-9]* previous metadata file\\(s\\) of raw\\.orders; keeping at most 1");
    assertThat(pruned.files()).isEqualTo(Long.parseLong(pruned.summary().split(" ")[1]));
    // the retention is set already: nothing to commit, nothing removed
    assertThat(again.summary())
        .isEqualTo("removed 0 previous metadata file(s) of raw.orders; keeping at most 1");
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 0));
  }

  @Test
  void removeOrphans_dryRunFindsOnlyOldStrayFiles_thenTheRunDeletesThem_andTheTableStaysWhole() {
    start(
        orders(
            builder ->
                builder.maintain(
                    RAW,
                    m ->
                        m.id("tidy")
                            .removeOrphans(
                                o -> o.id("look").olderThan(Duration.ofDays(1)).dryRun(true))
                            .removeOrphans(o -> o.id("sweep").olderThan(Duration.ofDays(1))))));
    migrate(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 600));
    session.addStrayFile(RAW, Duration.ofDays(3));
    session.addStrayFile(RAW, Duration.ofHours(12));
    int files = session.dataFileCount(RAW);
    Instant cutoff = session.now().minus(Duration.ofDays(1));

    TaskResult look = succeed("tidy.look");
    TaskResult sweep = succeed("tidy.sweep");
    TaskResult again = succeed("tidy.sweep");
    // within the day: no scheduled run
    session.advanceClock(Duration.ofHours(13));
    TaskResult later = succeed("tidy.sweep");

    TableId raw = TableId.parse(RAW);
    assertThat(look.summary()).isEqualTo(EngineSteps.orphansFound(raw, 1, cutoff));
    assertThat(look.files()).as("a dry run deletes nothing").isZero();
    assertThat(sweep.summary()).isEqualTo(EngineSteps.orphansDeleted(raw, 1, cutoff));
    assertThat(sweep.files()).isEqualTo(1);
    assertThat(again.summary()).isEqualTo(EngineSteps.orphansDeleted(raw, 0, cutoff));
    // 13 hours on, the stray file that was too young is old enough; the table's files never are
    assertThat(later.summary())
        .isEqualTo(EngineSteps.orphansDeleted(raw, 1, cutoff.plus(Duration.ofHours(13))));
    assertThat(session.dataFileCount(RAW)).isEqualTo(files);
    assertRows(RAW, raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 600));
  }

  // ---- migration: copy, add-files, reconcile, drift -------------------------------------------

  @Test
  void copy_landsTheSourceFiles_aRerunLandsThemAgain_andTheConversionWritesEachRowOnce() {
    start(
        orders(
            builder ->
                builder.migrate(
                    m ->
                        m.id("landed")
                            .fromPath("data/landed", FileFormat.PARQUET)
                            .landing("landing/landed")
                            .target("raw.landed", AbstractEngineConformanceTest::rawColumns)
                            .reconcile(ReconcileLevel.ROW_COUNT))));
    session.addMigrationFile(
        "landed", List.of(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5)));
    session.addMigrationFile("landed", List.of(raw(3, "NEW", "30.00", "I", 10)));

    TaskResult copied = succeed("landed.copy");
    succeed("landed.create-table");
    succeed("landed.convert");
    TaskResult reconciled = succeed("landed.reconcile");
    TaskResult copiedAgain = succeed("landed.copy");
    TaskResult unchanged = succeed("landed.convert");
    session.addMigrationFile("landed", List.of(raw(4, "NEW", "40.00", "I", 15)));
    TaskResult copiedMore = succeed("landed.copy");
    succeed("landed.convert");
    TaskResult reconciledMore = succeed("landed.reconcile");

    assertThat(copied.summary()).startsWith("copied 2 files (");
    assertThat(copied.files()).isEqualTo(2);
    assertThat(reconciled.summary())
        .isEqualTo("row-count reconciliation of raw.landed passed (3 rows)");
    assertThat(copiedAgain.summary()).startsWith("copied 2 files (");
    assertThat(unchanged.summary())
        .startsWith("input ")
        .endsWith(
            " of migration landed unchanged since it was converted into raw.landed (2 files);"
                + " nothing to do");
    assertThat(copiedMore.summary()).startsWith("copied 3 files (");
    assertThat(reconciledMore.summary())
        .isEqualTo("row-count reconciliation of raw.landed passed (4 rows)");
    assertRows(
        "raw.landed",
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 10),
        raw(4, "NEW", "40.00", "I", 15));
  }

  @Test
  void addFiles_registersTheFilesInPlaceOnce_andRefusesAFolderThatChanged() {
    start(
        orders(
            builder ->
                builder.migrate(
                    m ->
                        m.id("legacy")
                            .fromPath("data/legacy", FileFormat.PARQUET)
                            .mode(ConversionMode.ADD_FILES)
                            .target("raw.legacy", AbstractEngineConformanceTest::rawColumns)
                            .reconcile(ReconcileLevel.FULL))));
    session.addMigrationFile(
        "legacy", List.of(raw(1, "NEW", "10.00", "I", 0), raw(2, "NEW", "20.00", "I", 5)));
    session.addMigrationFile("legacy", List.of(raw(3, "NEW", "30.00", "I", 10)));

    succeed("legacy.create-table");
    TaskResult added = succeed("legacy.convert");
    TaskResult reconciled = succeed("legacy.reconcile");
    TaskResult again = succeed("legacy.convert");
    session.addMigrationFile("legacy", List.of(raw(4, "NEW", "40.00", "I", 15)));
    TaskResult changed = run("legacy.convert");

    assertThat(added.summary()).matches("added 2 files of .+ to raw\\.legacy in place");
    assertThat(added.files()).isEqualTo(2);
    assertThat(added.rows()).isEqualTo(3);
    assertThat(reconciled.summary())
        .isEqualTo("full reconciliation of raw.legacy passed (3 rows, 5 columns)");
    assertThat(again.summary())
        .endsWith(
            " of migration legacy unchanged since it was converted into raw.legacy (2 files);"
                + " nothing to do");
    assertThat(again.files()).isZero();
    assertThat(changed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(changed.summary())
        .startsWith("The files of ")
        .contains(
            " changed since migration legacy added them to raw.legacy (2 files then, 3 now);"
                + " ADD_FILES registers a folder once, so nothing was added.");
    assertRows(
        "raw.legacy",
        raw(1, "NEW", "10.00", "I", 0),
        raw(2, "NEW", "20.00", "I", 5),
        raw(3, "NEW", "30.00", "I", 10));
  }

  @Test
  void reconcile_atEachLevel_passesAFaithfulConversion_andFailsOnceTheSourceGainedARow() {
    start(
        orders(
            builder ->
                builder
                    .migrate(
                        m ->
                            m.id("counted")
                                .fromPath("data/counted", FileFormat.PARQUET)
                                .target("raw.counted", AbstractEngineConformanceTest::rawColumns)
                                .reconcile(ReconcileLevel.ROW_COUNT))
                    .migrate(
                        m ->
                            m.id("trusted")
                                .fromPath("data/trusted", FileFormat.PARQUET)
                                .target("raw.trusted", AbstractEngineConformanceTest::rawColumns)
                                .reconcile(ReconcileLevel.NONE))));
    List<Map<String, Object>> rows =
        List.of(raw(1, "NEW", "10.00", "I", 0), raw(2, "PAID", "20.00", "U", 5));
    for (String migration : List.of("history", "counted", "trusted")) {
      session.addMigrationFile(migration, rows);
      succeed(migration + ".create-table");
      succeed(migration + ".convert");
    }
    TaskResult full = succeed("history.reconcile");
    TaskResult counted = succeed("counted.reconcile");
    List<Map<String, Object>> late = List.of(raw(3, "NEW", "30.00", "I", 10));
    session.addMigrationFile("history", late);
    session.addMigrationFile("counted", late);
    TaskResult fullLate = run("history.reconcile");
    TaskResult countedLate = run("counted.reconcile");

    assertThat(full.summary())
        .isEqualTo("full reconciliation of raw.orders passed (2 rows, 5 columns)");
    assertThat(counted.summary())
        .isEqualTo("row-count reconciliation of raw.counted passed (2 rows)");
    assertThat(plan.dags().stream().flatMap(dag -> dag.tasks().stream()).map(Task::id))
        .as("level none plans no reconciliation")
        .contains("trusted.convert")
        .doesNotContain("trusted.reconcile");
    assertThat(countedLate.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(countedLate.summary())
        .matches("Source .+ and table raw\\.counted differ: rows: source=3 target=2");
    assertThat(fullLate.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(fullLate.summary())
        .matches("Source .+ and table raw\\.orders differ: rows: source=3 target=2; row hash: .*")
        .contains("; column order_id count: source=3 target=2; ")
        .contains("; column order_id max: source=3 target=2; ")
        .as("no null in either")
        .doesNotContain(" nulls: ");
    assertRows("raw.counted", rows.toArray(Map[]::new));
  }

  @Test
  void createTable_onATableThatDrifted_failsNamingEachDifference_andChangesNothing() {
    start(orders(builder -> builder));
    session.createTableOutside(
        TableDefinition.builder()
            .table(RAW)
            .column("order_id", "long")
            .column("status", "string")
            .column("amount", "double")
            .column("updated_at", "timestamptz")
            .column("note", "string")
            .build());
    session.addMigrationFile("history", List.of(raw(1, "NEW", "10.00", "I", 0)));

    TaskResult drifted = run("history.create-table");

    assertThat(drifted.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(drifted.summary())
        .isEqualTo(
            "Table raw.orders differs from its definition (not changed): column order_id is"
                + " optional in the table, definition says required; column amount has type"
                + " double, definition says decimal(12,2); column op string is missing in the"
                + " table; column updated_at has type timestamptz, definition says timestamp;"
                + " column note string is in the table but not in the definition; partitioned by"
                + " nothing in the table, definition says [day(updated_at)]. Lakeplan never"
                + " changes an existing table: change the table (ALTER TABLE) or the definition"
                + " so that they agree");
    assertThat(session.rows(RAW)).isEmpty();
    assertThat(session.snapshotCount(RAW)).isZero();
  }

  // ---- the runner (DagRunner over the engine)
  // ----------------------------------------------------

  @Test
  void runner_aFailedAttempt_isRetriedAfterTheDelay_thenSucceeds() {
    start(orders(builder -> builder.retries(2).retryDelay(Duration.ofMinutes(5))));
    Map<String, Object> order = raw(1, "NEW", "10.00", "I", 0);
    session.addMigrationFile("history", List.of(order));
    String migration = dagOf("history.convert");
    session.failTask(migration, "history.convert", 1);
    Instant before = session.now();

    DagRun run = session.runDag(migration);

    assertThat(run.succeeded()).as("%s", run).isTrue();
    assertThat(run.attempts("history.create-table")).isEqualTo(1);
    assertThat(run.attempts("history.convert")).isEqualTo(2);
    assertThat(session.now()).isEqualTo(before.plus(Duration.ofMinutes(5)));
    assertRows(RAW, order);
  }

  @Test
  void runner_retriesUsedUp_failTheTask_andOnlyItsDownstreamTasksDoNotRun() {
    start(orders(builder -> builder.retries(1).retryDelay(Duration.ofMinutes(1))));
    session.addMigrationFile("history", List.of(raw(1, "NEW", "10.00", "I", 0)));
    String migration = dagOf("history.convert");
    session.failTask(migration, "history.convert", 2);

    DagRun run = session.runDag(migration);

    assertThat(run.succeeded()).isFalse();
    assertThat(run.result("history.create-table").status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(run.failedTasks()).containsExactly("history.convert");
    assertThat(run.attempts("history.convert")).isEqualTo(2);
    assertThat(run.result("history.convert").summary())
        .isEqualTo("injected failure (PipelineTestDriver.failTask)");
    assertThat(run.blockedTasks()).containsExactly("history.reconcile", "history.watermark");
    assertThat(run.result("history.watermark").summary())
        .isEqualTo("not run: upstream task history.convert failed");
    assertThat(session.tableExists(RAW)).isTrue();
    assertThat(session.rows(RAW)).isEmpty();
  }

  @Test
  void runner_aFailedDag_blocksTheDagsDownstreamOfIt_whileIndependentDagsRun() {
    start(
        orders(
            builder ->
                builder
                    .retries(0)
                    .maintain(RAW, m -> m.id("raw").expireSnapshots(Duration.ofDays(7), 1))));
    session.addMigrationFile("history", List.of(raw(1, "NEW", "10.00", "I", 0)));
    String migration = dagOf("history.convert");
    String transformation = dagOf("upsert");
    session.failTask(migration, "history.convert", 1);

    List<DagRun> runs = session.runAll();

    Map<String, DagRun> byDag = new LinkedHashMap<>();
    runs.forEach(run -> byDag.put(run.dagId(), run));
    assertThat(byDag.get(migration).failedTasks()).containsExactly("history.convert");
    assertThat(byDag.get(transformation).notStarted())
        .isEqualTo("upstream DAG " + migration + " failed");
    assertThat(byDag.get(transformation).result("upsert").summary())
        .isEqualTo("not run: upstream DAG " + migration + " failed");
    List<DagRun> others =
        runs.stream()
            .filter(run -> !run.dagId().equals(migration) && !run.dagId().equals(transformation))
            .toList();
    assertThat(others).isNotEmpty().allSatisfy(run -> assertThat(run.succeeded()).isTrue());
    assertThat(session.rows(PROCESSED)).isEmpty();
  }

  @Test
  void runner_dependsOnPast_aDagWhosePreviousRunFailed_doesNotStart() {
    start(orders(builder -> builder.retries(0).dependsOnPast(true)));
    Map<String, Object> order = raw(1, "NEW", "10.00", "I", 0);
    session.addMigrationFile("history", List.of(order));
    String migration = dagOf("history.convert");
    session.failTask(migration, "history.convert", 1);
    DagRun failed = session.runDag(migration);
    session.advanceClock(Duration.ofMinutes(1));

    DagRun next = session.runDag(migration);

    assertThat(failed.succeeded()).isFalse();
    assertThat(next.succeeded()).isFalse();
    assertThat(next.notStarted())
        .isEqualTo(
            "its previous run "
                + failed.runId()
                + " did not succeed and it depends on the past (depends-on-past)");
    assertThat(next.attempts("history.convert")).isZero();
    assertThat(session.rows(RAW)).isEmpty();
  }

  // ---- scenario building blocks --------------------------------------------------------------

  private void start(UseCase useCase) {
    this.useCase = useCase;
    plan = Planner.plan(useCase);
    session = open(useCase);
    base =
        LocalDateTime.ofInstant(session.now(), ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.SECONDS)
            .minusDays(3);
  }

  /** The orders use case: a migration into raw.orders and a merge into process.orders. */
  private UseCase orders(UnaryOperator<UseCase.Builder> extra) {
    UseCase.Builder builder =
        UseCase.named("conformance")
            .owner("conformance@example.com")
            .schedule("@daily")
            .table(
                PROCESSED,
                t ->
                    t.requiredColumn("order_id", "long")
                        .column("status", "string")
                        .column("amount", "decimal(12,2)")
                        .column("updated_at", "timestamp"))
            .migrate(
                m ->
                    m.id("history")
                        .fromPath("data/history", FileFormat.PARQUET)
                        .target(
                            RAW,
                            t ->
                                t.requiredColumn("order_id", "long")
                                    .column("status", "string")
                                    .column("amount", "decimal(12,2)")
                                    .column("op", "string")
                                    .column("updated_at", "timestamp")
                                    .partitionBy("day(updated_at)"))
                        .watermarkColumn("updated_at")
                        .reconcile(ReconcileLevel.FULL));
    UseCase.Builder extended = extra.apply(builder);
    boolean hasMerge = extended.build().merges().stream().anyMatch(m -> m.id().equals("upsert"));
    if (!hasMerge) {
      extended.mergeInto(
          PROCESSED,
          m ->
              m.id("upsert")
                  .source(RAW)
                  .addKey("order_id")
                  .orderBy("updated_at")
                  .deleteWhen("op = 'D'"));
    }
    return extended.build();
  }

  /** The columns of raw.orders, unpartitioned: the target of the scenarios' other migrations. */
  private static TableDefinition.Builder rawColumns(TableDefinition.Builder table) {
    return table
        .requiredColumn("order_id", "long")
        .column("status", "string")
        .column("amount", "decimal(12,2)")
        .column("op", "string")
        .column("updated_at", "timestamp");
  }

  private UseCase.Builder jdbc(UseCase.Builder builder, String sourceTable) {
    return jdbc(builder, sourceTable, j -> j);
  }

  private UseCase.Builder jdbc(
      UseCase.Builder builder,
      String sourceTable,
      java.util.function.UnaryOperator<JdbcIngestion.Builder> more) {
    Endpoints endpoints = endpoints();
    return builder.ingestJdbc(
        j ->
            more.apply(j)
                .id("orders-jdbc")
                .connection(
                    c ->
                        c.url(endpoints.jdbcUrl())
                            .dialect(JdbcDialect.POSTGRES)
                            .user(endpoints.jdbcUser())
                            .password(SecretRef.env(endpoints.jdbcPasswordVariable())))
                .table(sourceTable)
                .incrementalColumn("updated_at")
                .target(RAW));
  }

  private UseCase.Builder kafka(UseCase.Builder builder, String topic, boolean failOnMalformed) {
    return kafka(builder, topic, failOnMalformed, StartingPosition.MIGRATION_WATERMARK);
  }

  private UseCase.Builder kafka(
      UseCase.Builder builder, String topic, boolean failOnMalformed, StartingPosition start) {
    return builder.ingestKafka(
        k ->
            k.id("orders-kafka")
                .bootstrapServers(endpoints().kafkaBootstrapServers())
                .addTopic(topic)
                .column("order_id", "long")
                .column("status", "string")
                .column("amount", "decimal(12,2)")
                .column("op", "string")
                .column("updated_at", "timestamp")
                .mode(StreamMode.MICRO_BATCH)
                .startingPosition(start)
                .failOnMalformed(failOnMalformed)
                .checkpoint("checkpoints/orders-kafka")
                .target(RAW));
  }

  private static Map<String, String> sourceColumns() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("order_id", "long");
    columns.put("status", "string");
    columns.put("amount", "decimal(12,2)");
    columns.put("op", "string");
    columns.put("updated_at", "timestamp");
    return columns;
  }

  /** A raw order row, {@code minutes} after the scenario's base time. */
  private Map<String, Object> raw(long id, String status, String amount, String op, long minutes) {
    return row(
        "order_id",
        id,
        "status",
        status,
        "amount",
        new BigDecimal(amount),
        "op",
        op,
        "updated_at",
        base.plusMinutes(minutes));
  }

  private Map<String, Object> processed(long id, String status, String amount, long minutes) {
    return row(
        "order_id",
        id,
        "status",
        status,
        "amount",
        new BigDecimal(amount),
        "updated_at",
        base.plusMinutes(minutes));
  }

  /**
   * A row of an SCD2 history: valid from its {@code minutes} until {@code until} minutes (null: the
   * current version).
   */
  private Map<String, Object> version(
      long id, String status, String amount, long minutes, Long until) {
    Map<String, Object> row = new LinkedHashMap<>(processed(id, status, amount, minutes));
    row.put("valid_from", base.plusMinutes(minutes));
    row.put("valid_to", until == null ? null : base.plusMinutes(until));
    row.put("is_current", until == null);
    return row;
  }

  /** The processed row a raw row becomes. */
  private static Map<String, Object> processed(Map<String, Object> raw) {
    Map<String, Object> row = new LinkedHashMap<>(raw);
    row.remove("op");
    return row;
  }

  /** The processed rows of {@code rows} merged without order-by: the last row of each key. */
  private static List<Map<String, Object>> latestPerKey(List<Map<String, Object>> rows) {
    Map<Object, Map<String, Object>> latest = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      latest.put(row.get("order_id"), processed(row));
    }
    return new ArrayList<>(latest.values());
  }

  private static Map<String, Object> withoutOp(Map<String, Object> raw) {
    Map<String, Object> row = new LinkedHashMap<>(raw);
    row.put("op", null);
    return row;
  }

  private static Merge.Builder upsertWithoutOrderBy(Merge.Builder merge) {
    return merge.id("upsert").source(RAW).addKey("order_id").deleteWhen("op = 'D'");
  }

  /** The merge {@code id} of the scenario's use case. */
  private Merge merge(String id) {
    return useCase.merges().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
  }

  private Instant instant(long minutes) {
    return base.plusMinutes(minutes).toInstant(ZoneOffset.UTC);
  }

  /** Sends {@code row} as JSON with the record time {@code minutes} after the base time. */
  /**
   * Sends raw order {@code row} to {@code partition} of {@code topic}, and returns the row a merge
   * of it writes into a table keeping the Kafka coordinates: without {@code op}, with {@code
   * kafka_partition} and {@code kafka_offset} (the partition's records sent so far).
   */
  private Map<String, Object> send(String topic, int partition, Map<String, Object> row) {
    int offset = sent.merge(topic + "/" + partition, 1, Integer::sum) - 1;
    session.send(topic, partition, String.valueOf(row.get("order_id")), json(row), instant(100));
    Map<String, Object> merged = processed(row);
    merged.put("kafka_partition", partition);
    merged.put("kafka_offset", (long) offset);
    return merged;
  }

  private void send(String topic, Map<String, Object> row, long minutes) {
    session.send(topic, String.valueOf(row.get("order_id")), json(row), instant(minutes));
  }

  /** {@code row} as a JSON object. */
  private static String json(Map<String, Object> row) {
    StringBuilder json = new StringBuilder("{");
    row.forEach(
        (name, value) -> {
          if (json.length() > 1) {
            json.append(',');
          }
          json.append('"').append(name).append("\":");
          if (value instanceof Number) {
            json.append(value);
          } else {
            json.append('"').append(value).append('"');
          }
        });
    return json.append('}').toString();
  }

  /** Adds one file of {@code rows} to the migration's source and runs the migration's tasks. */
  @SafeVarargs
  private void migrate(Map<String, Object>... rows) {
    session.addMigrationFile("history", List.of(rows));
    runMigration();
  }

  private void runMigration() {
    succeed("history.create-table");
    succeed("history.convert");
    succeed("history.reconcile");
    succeed("history.watermark");
  }

  private TaskResult run(String taskId) {
    return session.runTask(dagOf(taskId), taskId);
  }

  private TaskResult succeed(String taskId) {
    TaskResult result = run(taskId);
    assertThat(result.status())
        .as("%s: %s", taskId, result.summary())
        .isEqualTo(TaskResult.Status.SUCCEEDED);
    return result;
  }

  /** The DAG holding task {@code taskId}. */
  private String dagOf(String taskId) {
    List<String> known = new ArrayList<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        if (task.id().equals(taskId)) {
          return dag.id();
        }
        known.add(task.id());
      }
    }
    throw new IllegalArgumentException("No task " + taskId + " in the plan (tasks: " + known + ")");
  }

  @SafeVarargs
  private void assertRows(String table, Map<String, Object>... expected) {
    assertThat(session.rows(table)).containsExactlyInAnyOrder(expected);
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
