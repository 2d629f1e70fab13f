package io.lakeplan.spi;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;

/**
 * The one-line failures of a Kafka ingestion's authentication ({@link KafkaAuth}), written once so
 * every engine says the same words: each names the ingestion, its topics, the brokers and the
 * mechanism, and the password's secret reference — never its value.
 */
public final class KafkaAuthFailures {

  private KafkaAuthFailures() {}

  /**
   * The brokers rejected the ingestion's credentials (a wrong password, user or mechanism; for
   * {@code AWS_MSK_IAM}, a role without access to the cluster).
   *
   * @throws IllegalArgumentException when the ingestion has no {@code auth}
   */
  public static String rejected(KafkaIngestion ingestion) {
    KafkaAuth auth = requireAuth(ingestion);
    return about(ingestion)
        + ": the brokers "
        + ingestion.bootstrapServers()
        + " rejected the SASL "
        + auth.mechanism()
        + " credentials"
        + (auth.username() == null ? "" : " of user " + auth.username())
        + (auth.password() == null
            ? ": check the job role's access to the cluster"
            : ": check that secret " + auth.password() + " holds this user's password")
        + " and that the mechanism is enabled on the listener";
  }

  /**
   * The ingestion's password reference could not be resolved when the task started.
   *
   * @param failure the resolver's error, which names the reference and why
   * @throws IllegalArgumentException when the ingestion has no {@code auth}
   */
  public static String unresolvedPassword(
      KafkaIngestion ingestion, SecretResolutionException failure) {
    KafkaAuth auth = requireAuth(ingestion);
    return failure.getMessage()
        + " (SASL "
        + auth.mechanism()
        + " password of Kafka ingestion "
        + ingestion.id()
        + ", "
        + topics(ingestion)
        + ")";
  }

  /**
   * The TLS handshake with the brokers failed (their certificate is not trusted, or the listener
   * does not speak TLS).
   *
   * @param reason the TLS error's message, without secrets
   */
  public static String tlsFailed(KafkaIngestion ingestion, String reason) {
    return about(ingestion)
        + ": the TLS handshake with the brokers "
        + ingestion.bootstrapServers()
        + " failed ("
        + reason
        + "): for brokers whose certificate a private CA signed, give the CA's PEM certificate"
        + " with the options kafka.ssl.truststore.type: PEM and"
        + " kafka.ssl.truststore.certificates (or kafka.ssl.truststore.location); for a"
        + " listener without TLS set kafka.security.protocol: SASL_PLAINTEXT";
  }

  /**
   * The mechanism's client library is not available where the task runs ({@code AWS_MSK_IAM} needs
   * Amazon's aws-msk-iam-auth, which the Spark job jar carries).
   */
  public static String mechanismUnavailable(KafkaIngestion ingestion, String library) {
    return about(ingestion)
        + ": SASL mechanism "
        + requireAuth(ingestion).mechanism()
        + " needs "
        + library
        + " on the engine's class path";
  }

  /** "Kafka ingestion ID (topic T)". */
  private static String about(KafkaIngestion ingestion) {
    return "Kafka ingestion " + ingestion.id() + " (" + topics(ingestion) + ")";
  }

  /** "topic T", "topics A, B" or "topics matching P". */
  private static String topics(KafkaIngestion ingestion) {
    if (ingestion.topicPattern() != null) {
      return "topics matching " + ingestion.topicPattern();
    }
    return (ingestion.topics().size() == 1 ? "topic " : "topics ")
        + String.join(", ", ingestion.topics());
  }

  private static KafkaAuth requireAuth(KafkaIngestion ingestion) {
    if (ingestion.auth() == null) {
      throw new IllegalArgumentException(
          "Kafka ingestion " + ingestion.id() + " has no auth: no authentication failure");
    }
    return ingestion.auth();
  }
}
