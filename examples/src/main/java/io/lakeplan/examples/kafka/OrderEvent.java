package io.lakeplan.examples.kafka;

import io.lakeplan.examples.OrderChange;
import io.lakeplan.examples.SampleOrders;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A Kafka record of the Kafka example: key and JSON value, as the launcher sends them and the tests
 * feed them to the testkit.
 *
 * @param key the order id, so that one order's events stay in one partition, in order
 * @param value the JSON event
 */
public record OrderEvent(String key, String value) {
  /**
   * A record that is not a valid event (its JSON is cut short): the ingestion writes it to the dead
   * letter table with its topic, partition, offset and reason, and goes on.
   */
  public static final OrderEvent TRUNCATED =
      new OrderEvent("99", "{\"order_id\": 99, \"customer_id\": 100, \"status\": \"NEW\", \"amo");

  /** Checks that both parts are given. */
  public OrderEvent {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** The event of {@code change}. */
  public static OrderEvent of(OrderChange change) {
    return new OrderEvent(Long.toString(change.orderId()), change.toJson());
  }

  /** The first wave: every change of {@link SampleOrders#firstWave()}, then {@link #TRUNCATED}. */
  public static List<OrderEvent> firstWave() {
    List<OrderEvent> events = new ArrayList<>();
    SampleOrders.firstWave().forEach(change -> events.add(of(change)));
    events.add(TRUNCATED);
    return List.copyOf(events);
  }

  /** The second wave: every change of {@link SampleOrders#secondWave()}. */
  public static List<OrderEvent> secondWave() {
    return SampleOrders.secondWave().stream().map(OrderEvent::of).toList();
  }
}
