package io.lakeplan.codec;

import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.Condition;
import io.lakeplan.model.ConversionMode;
import io.lakeplan.model.DagKind;
import io.lakeplan.model.DataSize;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Migration;
import io.lakeplan.model.MigrationSource;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.PartitionedRead;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.SortField;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.ValueFormat;
import io.lakeplan.model.WriteMode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random use cases for round-trip properties: every field of the model is exercised, including text
 * that is hard for YAML (quotes, colons, leading symbols, numbers and booleans as text). Values
 * need not be valid — the codec must round-trip what the model can hold. Public for the mutation
 * generator ({@code io.lakeplan.fuzz}), which mutates their YAML and JSON.
 */
public final class UseCaseArbitraries {
  private static final String[] AWKWARD = {
    "plain",
    "with space",
    "colon: inside",
    "'quoted'",
    "\"double\"",
    "@at",
    "*star",
    "&amp",
    "!bang",
    "#hash",
    "- dash",
    "true",
    "null",
    "~",
    "123",
    "1.10",
    "0x1F",
    "yes",
    "on",
    "",
    " lead",
    "trail ",
    "multi\nline",
    "tab\there",
    "unicode ü ß 漢字",
    "back\\slash",
    "{brace}",
    "[bracket]",
    "%percent",
    "`tick`",
    "a|b",
    ">folded",
    "key: value",
    "2024-01-01",
    "1e3",
    ".inf",
    "NaN",
    "-"
  };
  private static final String[] SCHEDULES = {
    "@hourly",
    "@daily",
    "@weekly",
    "@once",
    "* * * * *",
    "*/5 1-3 * JAN-MAR MON,FRI",
    "30 2 * * 0",
    "0 0 1 * *"
  };
  private static final String[] DURATIONS = {"1s", "90m", "7d", "1d12h", "250ms", "36h"};

  private final Random random;

  /** Use cases drawn from {@code seed}: the same seed gives the same use cases. */
  public UseCaseArbitraries(long seed) {
    this.random = new Random(seed);
  }

  private boolean coin() {
    return random.nextBoolean();
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  private <E extends Enum<E>> E pick(Class<E> type) {
    return pick(type.getEnumConstants());
  }

  private String text() {
    return coin() ? pick(AWKWARD) : "v" + random.nextInt(1000);
  }

  private String maybeText() {
    return coin() ? null : text();
  }

  private String name() {
    return "c" + random.nextInt(50);
  }

  private List<String> texts(int max) {
    List<String> values = new ArrayList<>();
    for (int i = random.nextInt(max + 1); i > 0; i--) {
      values.add(text());
    }
    return values;
  }

  private Map<String, String> map() {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      values.put("k" + text(), text());
    }
    return values;
  }

  private Duration duration() {
    return io.lakeplan.model.Durations.parse(pick(DURATIONS)).multipliedBy(coin() ? 1 : -1);
  }

  private Schedule schedule() {
    return coin() ? null : Schedule.parse(pick(SCHEDULES));
  }

  private TableId table() {
    return TableId.of(coin() ? "raw" : "ns" + random.nextInt(3), "t" + random.nextInt(20));
  }

  private Column column() {
    ColumnType type =
        coin()
            ? ColumnType.decimal(1 + random.nextInt(38), 0)
            : pick(
                new ColumnType[] {
                  ColumnType.LONG,
                  ColumnType.STRING,
                  ColumnType.TIMESTAMP,
                  ColumnType.DATE,
                  ColumnType.BOOLEAN
                });
    return Column.builder().name(name()).type(type).required(coin()).doc(maybeText()).build();
  }

  private List<Column> columns() {
    List<Column> columns = new ArrayList<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      columns.add(column());
    }
    return columns;
  }

  private TableDefinition definition() {
    TableDefinition.Builder table =
        TableDefinition.builder().table(table()).columns(columns()).properties(map());
    if (coin()) {
      table.addPartitionBy(
          pick(
              new PartitionField[] {
                PartitionField.day("ts"),
                PartitionField.bucket(8, "id"),
                PartitionField.identity("region"),
                PartitionField.parse("truncate(4, sku)")
              }));
    }
    if (coin()) {
      table.addSortBy(
          pick(
              new SortField[] {
                SortField.asc("a"),
                SortField.desc("b"),
                SortField.of("c", false, false),
                SortField.of("d", true, true)
              }));
    }
    return table.formatVersion(1 + random.nextInt(3)).objectStorageLayout(coin()).build();
  }

  private Condition condition() {
    List<Condition> parts = new ArrayList<>();
    parts.add(
        new Condition.Compare(
            new Condition.Column("op"),
            pick(Condition.Operator.class),
            new Condition.Literal(text())));
    parts.add(
        new Condition.Compare(
            new Condition.Column("amount"),
            Condition.Operator.GT,
            new Condition.Literal(
                coin() ? (Object) (long) (random.nextInt(100) - 50) : new BigDecimal("-1.25"))));
    parts.add(new Condition.IsNull("deleted_at", coin()));
    parts.add(
        new Condition.In(
            "kind", List.of(new Condition.Literal("a"), new Condition.Literal(true)), coin()));
    Condition first = parts.get(random.nextInt(parts.size()));
    Condition second = parts.get(random.nextInt(parts.size()));
    return switch (random.nextInt(4)) {
      case 0 -> first;
      case 1 -> new Condition.And(List.of(first, new Condition.Or(List.of(first, second))));
      case 2 -> new Condition.Not(new Condition.Or(List.of(first, second)));
      default ->
          new Condition.Or(
              List.of(new Condition.And(List.of(first, second)), new Condition.Not(second)));
    };
  }

  private NotificationPolicy notifications() {
    var builder =
        NotificationPolicy.builder()
            .onSuccess(coin())
            .onFailure(coin())
            .onRetry(coin())
            .onSlaMiss(coin());
    if (coin()) {
      builder.sla(duration());
    }
    if (coin()) {
      builder.addTarget(NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:" + text()));
    }
    if (coin()) {
      builder.addTarget(NotificationTarget.Email.of(text() + "@example.com"));
    }
    if (coin()) {
      builder.addTarget(
          NotificationTarget.Slack.of(
              SecretRef.of(pick(SecretRef.Provider.class), "hook" + text())));
    }
    return builder.build();
  }

  private MaintenanceTask maintenanceTask() {
    return switch (random.nextInt(6)) {
      case 0 ->
          MaintenanceTask.ExpireSnapshots.builder()
              .olderThan(duration())
              .retainLast(random.nextInt(10))
              .schedule(schedule())
              .build();
      case 1 ->
          MaintenanceTask.RemoveOldMetadata.builder()
              .keep(random.nextInt(30))
              .id("meta" + random.nextInt(3))
              .build();
      case 2 ->
          MaintenanceTask.Compact.builder()
              .strategy(pick(MaintenanceTask.Compact.Strategy.class))
              .targetFileSize(DataSize.ofMegabytes(1 + random.nextInt(1024)))
              .minInputFiles(random.nextInt(20))
              .addSortBy(SortField.desc("x"))
              .build();
      case 3 -> MaintenanceTask.RewriteManifests.builder().schedule(schedule()).build();
      case 4 ->
          MaintenanceTask.RemoveOrphans.builder().olderThan(duration()).dryRun(coin()).build();
      default ->
          MaintenanceTask.HardDelete.builder()
              .column(name())
              .olderThan(duration())
              .dryRun(coin())
              .build();
    };
  }

  /** The next use case. */
  public UseCase useCase() {
    UseCase.Builder useCase =
        UseCase.named(text())
            .owner(maybeText())
            .description(maybeText())
            .tags(texts(3))
            .schedule(schedule())
            .retries(random.nextInt(12) - 1)
            .retryDelay(duration())
            .dependsOnPast(coin());
    if (coin()) {
      useCase.notifications(notifications());
    }
    if (coin()) {
      useCase.addDependency(
          coin()
              ? Dependency.onDag("dag." + text().replace("\n", ""))
              : Dependency.onTable(table()));
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      useCase.addTable(definition());
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      MigrationSource source =
          coin()
              ? MigrationSource.path("hdfs://nn:8020/" + text(), pick(FileFormat.class))
              : MigrationSource.builder()
                  .hiveTable("db." + text())
                  .format(pick(FileFormat.class))
                  .build();
      useCase.addMigration(
          Migration.builder()
              .id(text())
              .source(source)
              .landing(maybeText())
              .target(definition())
              .mode(pick(ConversionMode.class))
              .watermarkColumn(coin() ? null : name())
              .reconcile(pick(ReconcileLevel.class))
              .onSchemaChange(pick(io.lakeplan.model.SchemaChangePolicy.class))
              .build());
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      JdbcConnection connection =
          JdbcConnection.builder()
              .url("jdbc:" + text())
              .dialect(pick(JdbcDialect.class))
              .user(maybeText())
              .password(coin() ? null : SecretRef.env("PW_" + random.nextInt(9)))
              .properties(map())
              .build();
      var jdbc =
          io.lakeplan.model.JdbcIngestion.builder()
              .id(text())
              .connection(connection)
              .target(table())
              .writeMode(pick(WriteMode.class))
              .onSchemaChange(pick(io.lakeplan.model.SchemaChangePolicy.class))
              .keys(texts(2))
              .fetchSize(random.nextInt(100_000))
              .incrementalColumn(coin() ? null : name());
      if (coin()) {
        jdbc.lookback(
            coin()
                ? io.lakeplan.model.Lookback.of(duration())
                : io.lakeplan.model.Lookback.ofAmount(random.nextLong()));
      }
      if (coin()) {
        jdbc.table("public." + text());
      } else {
        jdbc.query("select * from t where x = '" + text() + "'");
      }
      if (coin()) {
        jdbc.partitionedRead(
            PartitionedRead.builder()
                .column(name())
                .lowerBound(-random.nextInt(1000))
                .upperBound(random.nextInt(1_000_000))
                .partitions(random.nextInt(64))
                .build());
      }
      useCase.addJdbcIngestion(jdbc.build());
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      KafkaIngestion.Builder kafka =
          KafkaIngestion.builder()
              .id(text())
              .bootstrapServers("b" + text() + ":9092")
              .topics(texts(2))
              .topicPattern(maybeText())
              .format(pick(ValueFormat.class))
              .columns(columns())
              .mode(pick(StreamMode.class))
              .trigger(duration())
              .checkpoint(maybeText())
              .startingPosition(pick(StartingPosition.class))
              .target(table())
              .failOnMalformed(coin())
              .onSchemaChange(pick(io.lakeplan.model.SchemaChangePolicy.class))
              .options(map());
      if (coin()) {
        kafka.startingTimestamp(
            Instant.ofEpochSecond(
                random.nextInt(2_000_000_000), coin() ? 0 : random.nextInt(1_000_000_000)));
      }
      if (coin()) {
        kafka.deadLetterTable(table());
      }
      if (coin()) {
        kafka.auth(
            KafkaAuth.builder()
                .mechanism(pick(KafkaAuth.Mechanism.class))
                .username(maybeText())
                .password(coin() ? null : SecretRef.parse("ssm:/kafka/" + random.nextInt(9)))
                .build());
      }
      useCase.addKafkaIngestion(kafka.build());
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      var merge =
          io.lakeplan.model.Merge.builder()
              .id(text())
              .target(table())
              .keys(texts(2))
              .orderBy(texts(3))
              .tombstoneRetention(coin() ? null : java.time.Duration.ofHours(random.nextInt(400)))
              .history(
                  coin()
                      ? io.lakeplan.model.MergeHistory.SCD1
                      : io.lakeplan.model.MergeHistory.SCD2)
              .incremental(coin())
              .columns(map());
      if (coin()) {
        merge.source(table());
      } else {
        merge.sqlFile("s3://sql/" + text());
      }
      if (coin()) {
        merge.deleteWhen(condition());
      }
      useCase.addMerge(merge.build());
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      var maintenance =
          io.lakeplan.model.Maintenance.builder().id(text()).table(table()).schedule(schedule());
      for (int t = random.nextInt(4); t > 0; t--) {
        maintenance.addTask(maintenanceTask());
      }
      useCase.addMaintenance(maintenance.build());
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      useCase.addSparkJob(
          io.lakeplan.model.SparkJob.builder()
              .id(text())
              .kind(pick(DagKind.class))
              .entrypoint(text())
              .arguments(texts(4))
              .sparkSubmitParameters(maybeText())
              .dag(maybeText())
              .schedule(schedule())
              .tags(texts(2))
              .notifications(coin() ? null : notifications())
              .build());
    }
    return useCase.build();
  }
}
