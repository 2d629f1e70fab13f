package io.lakeplan.examples.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka example's source: an in-process single-node KRaft broker (Kafka's own test kit, {@code
 * kafka.testkit.KafkaClusterTestKit}) on 127.0.0.1 with the topic {@value #TOPIC} of {@value
 * #PARTITIONS} partitions.
 */
public final class OrderEventsBroker implements AutoCloseable {
  /** The topic the use case reads. */
  public static final String TOPIC = "order-events";

  /** The topic's partitions: records are keyed by order id, so an order's events stay in order. */
  public static final int PARTITIONS = 3;

  private final KafkaClusterTestKit kafka;

  private OrderEventsBroker(KafkaClusterTestKit kafka) {
    this.kafka = kafka;
  }

  /**
   * Starts the broker with its client listener on 127.0.0.1:{@code port} (0: any free port) and
   * creates the topic.
   *
   * @throws IllegalStateException when the broker cannot start, e.g. the port is taken
   */
  public static OrderEventsBroker start(int port) {
    KafkaClusterTestKit kafka = null;
    try {
      kafka =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              .setConfigProp(
                  "listeners", "EXTERNAL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:0")
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("auto.create.topics.enable", "false")
              // the events carry past times: keep them whatever their age
              .setConfigProp("log.retention.ms", "-1")
              .build();
      kafka.format();
      kafka.startup();
      // no waitForReadyBrokers(): it needs JUnit; the admin client retries until the broker is up
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
      }
      return new OrderEventsBroker(kafka);
    } catch (Exception | LinkageError e) {
      // a broker left running would keep this JVM alive: close what started, whatever failed
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      closeQuietly(kafka, e);
      throw new IllegalStateException(
          "Cannot start the Kafka broker"
              + (port != 0 ? " on port " + port + " (is another server using it?)" : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void closeQuietly(KafkaClusterTestKit kafka, Throwable failure) {
    if (kafka == null) {
      return;
    }
    try {
      kafka.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  /** The bootstrap servers, {@code 127.0.0.1:PORT}. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Sends {@code events} to the topic, in order, and waits until the broker has them all. */
  public void send(List<OrderEvent> events) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (OrderEvent event : events) {
        producer.send(new ProducerRecord<>(TOPIC, event.key(), event.value())).get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot send to " + TOPIC + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending to " + TOPIC, e);
    }
  }

  /** Stops the broker and deletes its logs. */
  @Override
  public void close() {
    try {
      kafka.close();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop the Kafka broker: " + e.getMessage(), e);
    }
  }
}
