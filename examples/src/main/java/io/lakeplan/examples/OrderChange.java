package io.lakeplan.examples;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One version of an order, as the JDBC example's PostgreSQL table holds it and as the Kafka
 * example's events carry it. The examples' launchers load these into their servers and the tests
 * feed the same ones to the testkit, so what a test proves is what the example shows.
 *
 * @param orderId the order's key
 * @param customerId who ordered
 * @param status NEW, PAID, SHIPPED or CANCELLED
 * @param amount the order's total, two decimals
 * @param updatedAt when this version was written (no zone)
 */
public record OrderChange(
    long orderId, long customerId, String status, BigDecimal amount, LocalDateTime updatedAt) {

  /** Checks that every field has a value. */
  public OrderChange {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The change as a row: column name to value, in the tables' column order. */
  public Map<String, Object> toRow() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("order_id", orderId);
    row.put("customer_id", customerId);
    row.put("status", status);
    row.put("amount", amount);
    row.put("updated_at", updatedAt);
    return row;
  }

  /**
   * The change as the JSON value of a Kafka record: the amount a JSON number with its two decimals,
   * the time ISO-8601 text without zone.
   */
  public String toJson() {
    return "{\"order_id\": "
        + orderId
        + ", \"customer_id\": "
        + customerId
        + ", \"status\": \""
        + status
        + "\", \"amount\": "
        + amount.toPlainString()
        + ", \"updated_at\": \""
        + updatedAt
        + "\"}";
  }
}
