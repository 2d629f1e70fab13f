package io.lakeplan.examples.workspace;

import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.UseCase;
import java.time.Duration;
import java.util.List;

/**
 * A workspace of three use cases defined in Java, linked through their tables: {@code customers}
 * ingests the CRM database into {@code process.customers}, {@code shop-orders} ingests the shop's
 * order events into {@code process.shop_orders}, and {@code loyalty} reads both processed tables
 * into its own analytics tables. Nothing declares the links: the planner sees that {@code
 * loyalty}'s merges read tables the other use cases write, and makes {@code loyalty.transformation}
 * wait for both of their transformation DAGs.
 *
 * <p>{@code examples/shop-workspace/use-cases/} holds the same use cases as YAML (a test proves
 * they are equal), so that the CLI can plan and draw them: {@code bin/lakeplan graph
 * examples/shop-workspace/use-cases}.
 */
public final class ShopWorkspace {
  private ShopWorkspace() {}

  /** The three use cases: customers, shop-orders, loyalty. */
  public static List<UseCase> useCases() {
    return List.of(customers(), shopOrders(), loyalty());
  }

  /** The CRM's customers, read incrementally from PostgreSQL, one row per customer. */
  public static UseCase customers() {
    return UseCase.named("customers")
        .owner("crm-team@example.com")
        .description("Customers from the CRM database, kept current.")
        .addTag("crm")
        .schedule("@hourly")
        .table(
            "raw.crm_customers",
            t ->
                t.requiredColumn("customer_id", "long")
                    .column("name", "string")
                    .column("tier", "string")
                    .column("updated_at", "timestamp"))
        .table(
            "process.customers",
            t ->
                t.requiredColumn("customer_id", "long")
                    .column("name", "string")
                    .column("tier", "string")
                    .column("updated_at", "timestamp")
                    .sortBy("customer_id"))
        .ingestJdbc(
            j ->
                j.id("crm-db")
                    .connection(
                        c ->
                            c.url("jdbc:postgresql://crm-db.internal:5432/crm")
                                .user("lakeplan_reader")
                                .password(SecretRef.env("CRM_DB_PASSWORD")))
                    .table("public.customers")
                    .incrementalColumn("updated_at")
                    .lookback(Duration.ofMinutes(10))
                    .addKey("customer_id")
                    .target("raw.crm_customers"))
        .mergeInto(
            "process.customers",
            m ->
                m.id("customers-upsert")
                    .source("raw.crm_customers")
                    .addKey("customer_id")
                    .orderBy("updated_at"))
        .build();
  }

  /** The shop's order events from Kafka, and the latest version of each order. */
  public static UseCase shopOrders() {
    return UseCase.named("shop-orders")
        .owner("sales-data@example.com")
        .description("The shop's order events, and the latest version of each order.")
        .addTag("sales")
        .schedule("@hourly")
        .table(
            "raw.shop_order_events",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .partitionBy("day(updated_at)"))
        .table(
            "process.shop_orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp"))
        .ingestKafka(
            k ->
                k.id("order-events")
                    .bootstrapServers("kafka-1.internal:9092,kafka-2.internal:9092")
                    .addTopic("shop.orders")
                    .column("order_id", "long")
                    .column("customer_id", "long")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .mode(StreamMode.MICRO_BATCH)
                    .checkpoint("s3://shop-lake/checkpoints/order-events")
                    .target("raw.shop_order_events"))
        .mergeInto(
            "process.shop_orders",
            m ->
                m.id("orders-upsert")
                    .source("raw.shop_order_events")
                    .addKey("order_id")
                    .orderBy("updated_at"))
        .build();
  }

  /**
   * The loyalty team's tables, fed from the two other use cases' processed tables: the members (a
   * customer's current name and tier) and the orders that earn points.
   */
  public static UseCase loyalty() {
    return UseCase.named("loyalty")
        .owner("loyalty-team@example.com")
        .description("Loyalty members and the orders that earn them points.")
        .addTag("marketing")
        .schedule("@daily")
        .table(
            "analytics.loyalty_members",
            t ->
                t.requiredColumn("customer_id", "long")
                    .column("name", "string")
                    .column("tier", "string")
                    .column("updated_at", "timestamp"))
        .table(
            "analytics.loyalty_orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("customer_id", "long")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp")
                    .partitionBy("bucket(8, customer_id)"))
        .mergeInto(
            "analytics.loyalty_members",
            m ->
                m.id("members")
                    .source("process.customers")
                    .addKey("customer_id")
                    .orderBy("updated_at"))
        .mergeInto(
            "analytics.loyalty_orders",
            m ->
                m.id("orders")
                    .source("process.shop_orders")
                    .addKey("order_id")
                    .orderBy("updated_at"))
        .maintain(
            "analytics.loyalty_orders",
            m -> m.id("loyalty-orders").expireSnapshots(Duration.ofDays(7), 5))
        .build();
  }
}
