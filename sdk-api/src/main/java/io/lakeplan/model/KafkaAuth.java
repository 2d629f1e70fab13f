package io.lakeplan.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import org.immutables.value.Value;

/**
 * SASL authentication to Kafka; the password is a secret reference. Engines resolve it when the
 * task runs, through the environment's secret resolver (Secrets Manager or SSM on AWS), and give
 * every Kafka client of the ingestion {@code security.protocol=SASL_SSL}, the {@code
 * sasl.mechanism} and a {@code sasl.jaas.config} holding the value; a listener without TLS needs
 * the ingestion option {@code kafka.security.protocol: SASL_PLAINTEXT}, and brokers whose
 * certificate a private CA signed need that CA as options {@code kafka.ssl.truststore.type: PEM}
 * and {@code kafka.ssl.truststore.certificates} (the JVM's default CAs otherwise). Failures are the
 * lines of {@link io.lakeplan.spi.KafkaAuthFailures}. The value is never logged nor written to a
 * plan, YAML or {@code toString()}.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableKafkaAuth.class)
@JsonDeserialize(as = ImmutableKafkaAuth.class)
public abstract class KafkaAuth {
  /** SASL mechanisms. */
  public enum Mechanism {
    PLAIN,
    SCRAM_SHA_256,
    SCRAM_SHA_512,
    AWS_MSK_IAM
  }

  /** The mechanism. Default: SCRAM_SHA_512. */
  @Value.Default
  public Mechanism mechanism() {
    return Mechanism.SCRAM_SHA_512;
  }

  /** The user name; null for AWS_MSK_IAM. */
  public abstract String username();

  /** The password reference; null for AWS_MSK_IAM. */
  public abstract SecretRef password();

  /** A builder of Kafka authentication settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KafkaAuth}; every setter is named after its property. */
  public static final class Builder extends ImmutableKafkaAuth.Builder {}
}
