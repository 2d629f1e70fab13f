package io.lakeplan;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SchemaChangePolicy;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.UseCase;
import io.lakeplan.model.WriteMode;
import java.time.Duration;

/** Valid use cases built with the DSL, for tests to start from and break one thing at a time. */
public final class TestUseCases {
  private TestUseCases() {}

  /** A use case touching every phase; valid on its own and as a workspace. */
  public static UseCase.Builder orders() {
    return UseCase.named("orders")
        .owner("sales-data@example.com")
        .addTag("sales")
        .schedule("@hourly")
        .notify(
            n ->
                n.onRetry(true)
                    .addTarget(
                        NotificationTarget.Sns.of("arn:aws:sns:eu-west-1:123456789012:orders")))
        .table(
            "process.orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .sortBy("order_id"))
        .migrate(
            m ->
                m.id("orders-history")
                    .fromPath("hdfs://namenode:8020/data/orders", FileFormat.PARQUET)
                    .landing("s3://landing/orders")
                    .target(
                        "raw.orders",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .partitionBy("day(updated_at)"))
                    .watermarkColumn("updated_at"))
        .ingestJdbc(
            j ->
                j.id("orders-db")
                    .connection(
                        c ->
                            c.url("jdbc:postgresql://db:5432/sales")
                                .user("lakeplan")
                                .password(SecretRef.env("SALES_DB_PASSWORD")))
                    .table("public.orders")
                    .incrementalColumn("updated_at")
                    .lookback(Duration.ofMinutes(10))
                    .addKey("order_id")
                    .target("raw.orders")
                    .writeMode(WriteMode.APPEND)
                    .onSchemaChange(io.lakeplan.model.SchemaChangePolicy.APPEND_NEW_COLUMNS))
        .ingestKafka(
            k ->
                k.id("orders-events")
                    .bootstrapServers("broker-1:9092,broker-2:9092")
                    .addTopic("orders.v1")
                    .column("order_id", "long")
                    .column("status", "string")
                    .column("updated_at", "timestamp")
                    .checkpoint("s3://checkpoints/orders-events")
                    .startingPosition(StartingPosition.MIGRATION_WATERMARK)
                    // the events carry a few of raw.orders' columns; the others stay null
                    .onSchemaChange(SchemaChangePolicy.IGNORE)
                    .target("raw.orders"))
        .mergeInto(
            "process.orders",
            m ->
                m.id("orders-upsert")
                    .source("raw.orders")
                    .addKey("order_id")
                    .orderBy("updated_at")
                    .deleteWhen("op = 'D'"))
        .maintain(
            "raw.orders",
            m ->
                m.id("raw-orders")
                    .schedule(io.lakeplan.model.Schedule.DAILY)
                    .expireSnapshots(Duration.ofDays(7), 5)
                    .removeOldMetadata(20))
        .maintain(
            "process.orders",
            m ->
                m.id("process-orders")
                    .compact(c -> c.schedule(io.lakeplan.model.Schedule.WEEKLY))
                    .hardDelete("updated_at", Duration.ofDays(2555)));
  }
}
