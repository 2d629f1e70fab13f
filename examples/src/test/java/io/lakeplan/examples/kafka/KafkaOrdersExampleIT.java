package io.lakeplan.examples.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The Kafka example's launcher side: its broker starts with the topic, holds every record of the
 * first wave, and stops. (The launch's {@code bin/lakeplan run}s on Spark are not run here: see the
 * example's README.)
 */
class KafkaOrdersExampleIT {

  @Test
  void broker_holdsEveryRecordSent_untilStopped() throws Exception {
    String bootstrap;
    try (OrderEventsBroker broker = OrderEventsBroker.start(0)) {
      bootstrap = broker.bootstrapServers();
      broker.send(OrderEvent.firstWave());

      List<OrderEvent> read = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringDeserializer(),
              new StringDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < OrderEventsBroker.PARTITIONS; p++) {
          partitions.add(new TopicPartition(OrderEventsBroker.TOPIC, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (read.size() < OrderEvent.firstWave().size() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
            read.add(new OrderEvent(record.key(), record.value()));
          }
        }
      }
      assertThat(read).containsExactlyInAnyOrderElementsOf(OrderEvent.firstWave());
    }
    try (Admin admin =
        Admin.create(
            Map.of(
                "bootstrap.servers", bootstrap,
                "request.timeout.ms", "2000",
                "default.api.timeout.ms", "3000"))) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("Timed out");
    }
  }
}
