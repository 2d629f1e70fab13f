package io.lakeplan.examples;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.MergeHistory;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.UseCase;
import java.time.Duration;

/**
 * The orders use case in Java: the same use case as {@code examples/orders/orders.yaml}, built with
 * the fluent DSL. A test proves the two are equal.
 */
public final class OrdersUseCase {
  private OrdersUseCase() {}

  /** The orders use case. */
  public static UseCase build() {
    return UseCase.named("orders")
        .owner("sales-data@example.com")
        .description("Orders from the legacy Hadoop lake, kept current and deduplicated.")
        .addTag("sales")
        .addTag("tier1")
        .schedule(Schedule.HOURLY)
        .notify(
            n ->
                n.onFailure(true)
                    .onRetry(true)
                    .addTarget(
                        NotificationTarget.Sns.of(
                            "arn:aws:sns:eu-west-1:123456789012:orders-alerts")))
        .table(
            "process.orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .partitionBy("bucket(16, order_id)")
                    .sortBy("order_id"))
        .table(
            "process.order_history",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .column("valid_from", "timestamp")
                    .column("valid_to", "timestamp")
                    .column("is_current", "boolean"))
        .migrate(
            m ->
                m.id("orders-history")
                    .fromPath("data/hdfs/orders", FileFormat.PARQUET)
                    .landing("data/landing/orders")
                    .target(
                        "raw.orders",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("customer_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp")
                                .partitionBy("day(updated_at)"))
                    .watermarkColumn("updated_at")
                    .reconcile(ReconcileLevel.FULL))
        .mergeInto(
            "process.orders",
            m ->
                m.id("orders-upsert")
                    .source("raw.orders")
                    .addKey("order_id")
                    .orderBy("updated_at")
                    .deleteWhen("op = 'D'"))
        // every version of every order, valid from its updated_at until the next change or delete
        .mergeInto(
            "process.order_history",
            m ->
                m.id("order-versions")
                    .source("raw.orders")
                    .addKey("order_id")
                    .orderBy("updated_at")
                    .deleteWhen("op = 'D'")
                    .history(MergeHistory.SCD2))
        .maintain(
            "raw.orders",
            m ->
                m.id("raw-orders")
                    .schedule(Schedule.DAILY)
                    .expireSnapshots(Duration.ofDays(7), 5)
                    .removeOldMetadata(20)
                    .removeOrphans(
                        o ->
                            o.olderThan(Duration.ofDays(3))
                                .dryRun(true)
                                .schedule(Schedule.cron("30 2 * * 0"))))
        .maintain(
            "process.orders",
            m ->
                m.id("process-orders")
                    .compact(
                        c ->
                            c.strategy(MaintenanceTask.Compact.Strategy.SORT)
                                .schedule(Schedule.DAILY))
                    .addTask(
                        MaintenanceTask.HardDelete.builder()
                            .column("updated_at")
                            .olderThan(Duration.ofDays(2555))
                            .schedule(Schedule.cron("0 3 1 * *"))
                            .build()))
        .build();
  }
}
