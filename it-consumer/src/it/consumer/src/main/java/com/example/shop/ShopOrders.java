package com.example.shop;

import io.lakeplan.model.FileFormat;
import io.lakeplan.model.ReconcileLevel;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.UseCase;

/**
 * A user's use case, written against Lakeplan's public API only: historical CSV files of shop
 * orders migrated into raw.shop_orders, then upserted into process.shop_orders (the latest change
 * of each order wins; op 'D' deletes).
 */
public final class ShopOrders {
  private ShopOrders() {}

  /** The shop-orders use case. */
  public static UseCase useCase() {
    return UseCase.named("shop-orders")
        .owner("shop-data@example.com")
        .description("Shop orders from their historical files, kept current.")
        .schedule(Schedule.DAILY)
        .table(
            "process.shop_orders",
            t ->
                t.requiredColumn("order_id", "long")
                    .column("status", "string")
                    .column("amount", "decimal(12,2)")
                    .column("updated_at", "timestamp"))
        .migrate(
            m ->
                m.id("history")
                    .fromPath("data/source/shop-orders", FileFormat.CSV)
                    .landing("data/landing/shop-orders")
                    .target(
                        "raw.shop_orders",
                        t ->
                            t.requiredColumn("order_id", "long")
                                .column("status", "string")
                                .column("amount", "decimal(12,2)")
                                .column("op", "string")
                                .column("updated_at", "timestamp"))
                    .watermarkColumn("updated_at")
                    .reconcile(ReconcileLevel.ROW_COUNT))
        .mergeInto(
            "process.shop_orders",
            m ->
                m.id("upsert")
                    .source("raw.shop_orders")
                    .addKey("order_id")
                    .orderBy("updated_at")
                    .deleteWhen("op = 'D'"))
        .build();
  }
}
