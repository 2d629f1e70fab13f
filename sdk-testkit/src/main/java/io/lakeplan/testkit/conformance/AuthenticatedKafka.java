package io.lakeplan.testkit.conformance;

import java.util.Map;
import java.util.Objects;

/**
 * Where an engine's conformance scenarios find Kafka brokers that require SASL credentials ({@link
 * ConformanceSession#createTopicRequiringAuth}), and the ingestion options that reach them (a TLS
 * truststore, for instance).
 *
 * @param bootstrapServers the brokers' addresses
 * @param options ingestion options every scenario ingestion of such a topic gets (e.g. {@code
 *     kafka.ssl.truststore.type} and {@code kafka.ssl.truststore.certificates})
 */
public record AuthenticatedKafka(String bootstrapServers, Map<String, String> options) {

  /** Checks and copies the values. */
  public AuthenticatedKafka {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    options = Map.copyOf(options);
  }
}
