package io.lakeplan.examples.kafka;

import io.lakeplan.examples.ExampleLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Kafka example end to end, {@code bin/run-example kafka-orders}: starts an in-process KRaft
 * broker on {@value #PORT} (the address {@code examples/kafka-orders/kafka-orders.yaml} names),
 * sends the first wave of {@link OrderEvent}s (one of them truncated), runs the use case on local
 * Spark ({@code bin/lakeplan run}), sends the second wave and runs it again — that run reads only
 * the new records, from where the checkpoint stopped — then stops the broker. The warehouse and the
 * checkpoint are under {@code examples/kafka-orders/.lakeplan}, cleared first.
 */
public final class KafkaOrdersExample {
  /** The port the use case's bootstrap servers name. */
  public static final int PORT = 59092;

  private KafkaOrdersExample() {}

  /**
   * Runs the example.
   *
   * @param args the repository root (default: the working folder)
   */
  public static void main(String[] args) {
    System.exit(run(ExampleLauncher.of(args, "kafka-orders")));
  }

  private static int run(ExampleLauncher launcher) {
    Path warehouse = launcher.freshState().resolve("warehouse");
    int exitCode;
    try (OrderEventsBroker broker = OrderEventsBroker.start(PORT)) {
      System.out.println(
          "Kafka broker started: "
              + broker.bootstrapServers()
              + ", topic "
              + OrderEventsBroker.TOPIC
              + " ("
              + OrderEventsBroker.PARTITIONS
              + " partitions)");
      exitCode = wave(broker, launcher, warehouse, 1, OrderEvent.firstWave());
      if (exitCode == 0) {
        exitCode = wave(broker, launcher, warehouse, 2, OrderEvent.secondWave());
      }
    }
    System.out.println("Kafka broker stopped");
    System.out.println(
        exitCode == 0
            ? "Done: raw.order_events, raw.order_events_dead_letter and process.order_status are in "
                + warehouse
            : "The run failed (exit " + exitCode + "); see the lines above");
    return exitCode;
  }

  private static int wave(
      OrderEventsBroker broker,
      ExampleLauncher launcher,
      Path warehouse,
      int number,
      List<OrderEvent> events) {
    broker.send(events);
    System.out.println();
    System.out.println("Wave " + number + ": " + events.size() + " records sent");
    return launcher.run(warehouse, Map.of());
  }
}
