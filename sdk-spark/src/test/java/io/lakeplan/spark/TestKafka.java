package io.lakeplan.spark;

import java.util.Map;
import java.util.UUID;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;

/** An in-process single-node KRaft Kafka cluster for integration tests, on 127.0.0.1. */
public final class TestKafka {

  private TestKafka() {}

  /**
   * Starts a combined broker/controller node with single-replica internal topics and no topic
   * auto-creation (tests create their topics); the caller closes it.
   */
  public static KafkaClusterTestKit start() throws Exception {
    return start(builder());
  }

  /**
   * Starts the same node with its client listener on SASL_PLAINTEXT, mechanism PLAIN, knowing one
   * client {@code user} with {@code password} (and the broker's own user, for its inter-broker
   * connections); the controller listener stays PLAINTEXT. Clients connect with {@link
   * #saslClientProperties}.
   */
  public static KafkaClusterTestKit startWithSasl(String user, String password) throws Exception {
    String brokerPassword = "broker-" + UUID.randomUUID();
    return start(
        builder()
            .setConfigProp(
                "listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
            .setConfigProp("sasl.enabled.mechanisms", "PLAIN")
            .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
            .setConfigProp(
                "listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"broker\" password=\""
                    + brokerPassword
                    + "\" user_broker=\""
                    + brokerPassword
                    + "\" user_"
                    + user
                    + "=\""
                    + jaasQuoted(password)
                    + "\";"));
  }

  /** Client properties for a SASL_PLAINTEXT / PLAIN listener, as {@code user}. */
  public static Map<String, Object> saslClientProperties(
      String bootstrap, String user, String password) {
    return Map.of(
        "bootstrap.servers",
        bootstrap,
        "security.protocol",
        "SASL_PLAINTEXT",
        "sasl.mechanism",
        "PLAIN",
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + user
            + "\" password=\""
            + jaasQuoted(password)
            + "\";");
  }

  /** {@code value} inside a double-quoted JAAS option value (backslash and quote escaped). */
  private static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static KafkaClusterTestKit.Builder builder() {
    return new KafkaClusterTestKit.Builder(
            new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("transaction.state.log.min.isr", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("auto.create.topics.enable", "false")
        // tests stamp records with fixed or past clocks: time-based retention would delete
        // them at the broker's first retention check, 30 s after start, mid-class
        .setConfigProp("log.retention.ms", "-1");
  }

  static KafkaClusterTestKit start(KafkaClusterTestKit.Builder builder) throws Exception {
    KafkaClusterTestKit kafka = builder.build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    return kafka;
  }
}
