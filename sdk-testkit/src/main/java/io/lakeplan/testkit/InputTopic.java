package io.lakeplan.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.testkit.internal.Inputs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An in-memory Kafka topic a use case ingests: records get offsets per partition and a record time
 * (the driver clock's by default), as a broker would give them.
 */
public final class InputTopic {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Inputs inputs;
  private final Supplier<Instant> clock;

  InputTopic(String name, Inputs inputs, Supplier<Instant> clock) {
    this.name = name;
    this.inputs = inputs;
    this.clock = clock;
  }

  /** The topic name. */
  public String name() {
    return name;
  }

  /**
   * Makes the topic's brokers require SASL credentials, as a listener with {@code mechanism}
   * enabled and {@code user} known with {@code password} would: an ingestion reading the topic must
   * have an {@code auth} with this mechanism and user, and a password reference that resolves
   * (through the driver's {@link PipelineTestDriver.Builder#secrets secret resolver}) to {@code
   * password}; otherwise its task fails with the line the Spark engine gives when the brokers
   * reject credentials ({@link io.lakeplan.spi.KafkaAuthFailures#rejected}), and reads nothing. An
   * ingestion without {@code auth} fails too.
   *
   * @param mechanism PLAIN, SCRAM_SHA_256 or SCRAM_SHA_512 (for Amazon MSK's IAM access control,
   *     {@link #requireMskIam()})
   * @return this topic
   * @throws IllegalArgumentException for AWS_MSK_IAM, or a blank user or password
   */
  public InputTopic requireAuth(KafkaAuth.Mechanism mechanism, String user, String password) {
    if (mechanism == KafkaAuth.Mechanism.AWS_MSK_IAM) {
      throw new IllegalArgumentException(
          "Topic " + name + ": AWS_MSK_IAM has no user or password; use requireMskIam()");
    }
    if (user == null || user.isBlank() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException(
          "Topic " + name + ": requireAuth needs a user and a password");
    }
    inputs.requireAuth(name, new Inputs.TopicAuth(mechanism, user, password));
    return this;
  }

  /**
   * Makes the topic's brokers require Amazon MSK's IAM access control: an ingestion reading it must
   * have {@code auth} with mechanism AWS_MSK_IAM. The in-memory engine signs nothing and checks no
   * AWS credentials (the Spark engine's client signs with the default credentials chain when it
   * connects); it checks the mechanism only.
   *
   * @return this topic
   */
  public InputTopic requireMskIam() {
    inputs.requireAuth(name, new Inputs.TopicAuth(KafkaAuth.Mechanism.AWS_MSK_IAM, null, null));
    return this;
  }

  /** The number of partitions. */
  public int partitions() {
    return inputs.partitions(name);
  }

  /** Sends an unkeyed record at the driver clock's time; returns its offset. */
  public long send(String value) {
    return send(null, null, value, clock.get());
  }

  /** Sends a keyed record at the driver clock's time; returns its offset. */
  public long send(String key, String value) {
    return send(null, key, value, clock.get());
  }

  /** Sends a keyed record with record time {@code timestamp}; returns its offset. */
  public long send(String key, String value, Instant timestamp) {
    return send(null, key, value, timestamp);
  }

  /**
   * Sends a record to a partition (null: by key hash, or round-robin without key).
   *
   * @return the record's offset in its partition
   * @throws IllegalArgumentException naming the valid range when the partition does not exist
   */
  public long send(Integer partition, String key, String value, Instant timestamp) {
    return inputs.send(name, partition, key, value, timestamp).offset();
  }

  /**
   * Sends {@code value} as a JSON object (times as ISO-8601 text, decimals as numbers) at the
   * driver clock's time; returns its offset.
   */
  public long sendJson(Map<String, ?> value) {
    return send(null, null, json(value), clock.get());
  }

  /** Sends each value as a JSON object at the driver clock's time. */
  public void sendJson(List<? extends Map<String, ?>> values) {
    for (Map<String, ?> value : values) {
      sendJson(value);
    }
  }

  /**
   * Sends {@code value} as a JSON object with record time {@code timestamp}; returns its offset.
   */
  public long sendJson(Map<String, ?> value, Instant timestamp) {
    return send(null, null, json(value), timestamp);
  }

  /** The offset the next record of each partition will get, by partition. */
  public List<Long> endOffsets() {
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < partitions(); i++) {
      offsets.add(inputs.endOffset(new Inputs.TopicPartition(name, i)));
    }
    return offsets;
  }

  private static String json(Map<String, ?> value) {
    Map<String, Object> plain = new LinkedHashMap<>();
    value.forEach(
        (name, field) ->
            plain.put(
                name, field instanceof java.time.temporal.Temporal ? field.toString() : field));
    try {
      return JSON.writeValueAsString(plain);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Value cannot be written as JSON: " + e.getMessage(), e);
    }
  }
}
