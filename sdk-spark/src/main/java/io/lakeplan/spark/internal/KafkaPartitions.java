package io.lakeplan.spark.internal;

import io.lakeplan.model.KafkaIngestion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The partitions a Kafka ingestion subscribes to, asked of the brokers with the ingestion's own
 * connection settings (SASL included): Spark's {@code startingOffsets} must name every one of them
 * when it gives offsets.
 */
final class KafkaPartitions {

  private static final long TIMEOUT_SECONDS = 60;

  private KafkaPartitions() {}

  /** The partition numbers of each topic {@code ingestion} reads now, by topic. */
  static SortedMap<String, List<Integer>> of(Context context, KafkaIngestion ingestion) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ingestion.bootstrapServers());
    properties.putAll(KafkaSecurity.clientProperties(context, ingestion));
    for (Map.Entry<String, String> option : ingestion.options().entrySet()) {
      if (option.getKey().startsWith("kafka.")) {
        properties.put(option.getKey().substring("kafka.".length()), option.getValue());
      }
    }
    try (Admin admin = Admin.create(properties)) {
      Collection<String> topics = ingestion.topics();
      if (ingestion.topicPattern() != null) {
        Pattern pattern = Pattern.compile(ingestion.topicPattern());
        topics =
            admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(topic -> pattern.matcher(topic).matches())
                .toList();
      }
      SortedMap<String, List<Integer>> partitions = new TreeMap<>();
      Map<String, TopicDescription> described =
          admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      described.forEach(
          (topic, description) -> {
            List<Integer> numbers = new ArrayList<>();
            for (TopicPartitionInfo partition : description.partitions()) {
              numbers.add(partition.partition());
            }
            partitions.put(topic, numbers);
          });
      return partitions;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskFailedException(
          "Kafka ingestion " + ingestion.id() + " was interrupted listing its partitions", e);
    } catch (ExecutionException | TimeoutException e) {
      String authentication = KafkaSecurity.describeRejection(ingestion, e);
      if (authentication != null) {
        throw new TaskFailedException(authentication, e);
      }
      throw new TaskFailedException(
          "Kafka ingestion "
              + ingestion.id()
              + " cannot list the partitions of its topics at "
              + ingestion.bootstrapServers()
              + ": "
              + Failures.rootMessage(e),
          e);
    }
  }
}
