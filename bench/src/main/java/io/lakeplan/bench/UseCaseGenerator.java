package io.lakeplan.bench;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.JdbcDialect;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.UseCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates realistic, valid use cases for benchmarks, deterministically from a seed. Each use case
 * {@code ucN} plans to five DAGs: {@code ucN.migration} (HDFS Parquet into {@code raw.ucN_orders}),
 * {@code ucN.ingestion} (JDBC from PostgreSQL or Oracle, or Kafka, into the same raw table, after
 * the migration watermark), {@code ucN.transformation} (a merge of its own raw table into {@code
 * process.ucN_orders} with keys, ordering and a delete condition), {@code ucN.maintenance} (on the
 * use case's schedule) and {@code ucN.maintenance.daily}. Some use cases declare dependencies on
 * earlier use cases, by DAG or by table, so the workspace has cross-use-case edges but no cycles.
 */
public final class UseCaseGenerator {
  private static final String[] STATUSES = {"string", "int"};
  private static final String[] SCHEDULES = {"@hourly", "15 * * * *", "45 * * * *"};

  private UseCaseGenerator() {}

  /** {@code count} use cases generated from {@code seed}; equal arguments give equal lists. */
  public static List<UseCase> generate(int count, long seed) {
    Random random = new Random(seed);
    List<UseCase> useCases = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      useCases.add(useCase(i, random));
    }
    return useCases;
  }

  private static UseCase useCase(int index, Random random) {
    String name = "uc" + index;
    String raw = "raw." + name + "_orders";
    String processed = "process." + name + "_orders";
    String statusType = STATUSES[random.nextInt(STATUSES.length)];
    UseCase.Builder builder =
        UseCase.named(name)
            .owner("team" + random.nextInt(40) + "@example.com")
            .description("Orders of business unit " + index + ", migrated and kept current.")
            .addTag("bu-" + (index % 20))
            .addTag(random.nextBoolean() ? "tier1" : "tier2")
            .schedule(SCHEDULES[random.nextInt(SCHEDULES.length)])
            .retries(1 + random.nextInt(3))
            .migrate(
                m ->
                    m.id("orders-history")
                        .fromPath("hdfs://nn:8020/data/" + name + "/orders", FileFormat.PARQUET)
                        .landing("s3://landing/" + name + "/orders")
                        .target(
                            raw,
                            t ->
                                t.requiredColumn("order_id", "long")
                                    .column("customer_id", "long")
                                    .column("status", statusType)
                                    .column("amount", "decimal(12,2)")
                                    .column("op", "string")
                                    .column("updated_at", "timestamp")
                                    .partitionBy("day(updated_at)"))
                        .watermarkColumn("updated_at"))
            .table(
                processed,
                t ->
                    t.requiredColumn("order_id", "long")
                        .column("customer_id", "long")
                        .column("status", statusType)
                        .column("amount", "decimal(12,2)")
                        .column("updated_at", "timestamp")
                        .partitionBy("bucket(16, order_id)")
                        .sortBy("order_id"))
            .mergeInto(
                processed,
                m ->
                    m.id("orders-upsert")
                        .source(raw)
                        .addKey("order_id")
                        .orderBy("updated_at")
                        .deleteWhen("op = 'D'"))
            .maintain(
                raw,
                m ->
                    m.id("raw-orders")
                        .expireSnapshots(Duration.ofDays(7 + random.nextInt(7)), 5)
                        .removeOldMetadata(20))
            .maintain(
                processed,
                m ->
                    m.id("process-orders")
                        .compact(c -> c.schedule(Schedule.DAILY).minInputFiles(5))
                        .hardDelete("updated_at", Duration.ofDays(2555))
                        .expireSnapshots(Duration.ofDays(3), 2));
    if (random.nextInt(3) == 0) {
      builder.ingestKafka(
          k ->
              k.id("orders-stream")
                  .bootstrapServers("kafka-" + (index % 5) + ".example.com:9092")
                  .addTopic(name + ".orders")
                  .column("order_id", "long")
                  .column("customer_id", "long")
                  .column("status", statusType)
                  .column("amount", "decimal(12,2)")
                  .column("op", "string")
                  .column("updated_at", "timestamp")
                  .checkpoint("s3://checkpoints/" + name + "/orders")
                  .target(raw));
    } else {
      boolean postgres = random.nextBoolean();
      builder.ingestJdbc(
          j ->
              j.id("orders-extract")
                  .connection(
                      c ->
                          c.url(
                                  postgres
                                      ? "jdbc:postgresql://db" + (index % 10) + ":5432/sales"
                                      : "jdbc:oracle:thin:@//ora" + (index % 10) + ":1521/SALES")
                              .dialect(postgres ? JdbcDialect.POSTGRES : JdbcDialect.ORACLE)
                              .user("lakeplan")
                              .password(SecretRef.env("DB_PASSWORD_" + (index % 10))))
                  .table("sales.orders")
                  .incrementalColumn("updated_at")
                  .target(raw));
    }
    if (index >= 10 && index % 10 == 3) {
      builder.dependsOn("dag:uc" + (index - 3) + ".transformation");
    }
    if (index >= 10 && index % 10 == 7) {
      builder.dependsOn("table:process.uc" + (index - 7 - random.nextInt(3)) + "_orders");
    }
    return builder.build();
  }
}
