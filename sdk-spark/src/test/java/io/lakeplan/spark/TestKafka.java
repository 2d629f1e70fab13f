package io.lakeplan.spark;

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
    KafkaClusterTestKit kafka =
        new KafkaClusterTestKit.Builder(
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
            .setConfigProp("log.retention.ms", "-1")
            .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    return kafka;
  }
}
