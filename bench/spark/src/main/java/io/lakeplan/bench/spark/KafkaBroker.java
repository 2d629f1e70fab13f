package io.lakeplan.bench.spark;

import java.util.List;
import java.util.Map;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * An in-process single-node KRaft broker (Kafka's test kit) for the benchmarks, with automatic
 * topic creation off: the benchmarks create their topics with {@link #createTopic}.
 */
final class KafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit kafka;

  private KafkaBroker(KafkaClusterTestKit kafka) {
    this.kafka = kafka;
  }

  /** Formats and starts a broker and waits until it is ready. */
  static KafkaBroker start() throws Exception {
    KafkaClusterTestKit kafka =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "1")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    return new KafkaBroker(kafka);
  }

  /** The bootstrap servers ({@code host:port}). */
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Creates topic {@code name} with {@code partitions} partitions and the topic configs given. */
  void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get();
    }
  }

  @Override
  public void close() throws Exception {
    kafka.close();
  }
}
