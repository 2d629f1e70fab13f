package io.lakeplan.spark.internal;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.SecretResolutionException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka client settings of an ingestion's SASL authentication ({@link KafkaAuth}): {@code
 * security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}, with the password
 * resolved from its secret reference through the environment's resolver when the task runs (Secrets
 * Manager or SSM on AWS, environment variables locally). Every Kafka client of an ingestion gets
 * them: the Spark Kafka source (prefixed {@code kafka.}) and any consumer or admin client opened
 * beside it.
 *
 * <p>The protocol is {@code SASL_SSL} (what Amazon MSK and hosted Kafka require); a listener
 * without TLS needs {@code kafka.security.protocol: SASL_PLAINTEXT} in the ingestion's options,
 * which win over these settings. The resolved password lives only in the returned map and in the
 * Kafka clients it configures: Kafka prints {@code sasl.jaas.config} as {@code [hidden]}, and Spark
 * redacts options whose value matches {@code spark.redaction.regex} ({@code password}) in plans and
 * in the UI.
 */
final class KafkaSecurity {
  /** The protocol used when the ingestion's options do not name one. */
  static final String DEFAULT_PROTOCOL = "SASL_SSL";

  private static final String REJECTED =
      "org.apache.kafka.common.errors.SaslAuthenticationException";

  private KafkaSecurity() {}

  /**
   * The client properties (without the {@code kafka.} prefix) of {@code ingestion}'s
   * authentication; empty when it has none.
   *
   * @throws TaskFailedException naming the reference and the ingestion when the password cannot be
   *     resolved
   */
  static Map<String, String> clientProperties(Context context, KafkaIngestion ingestion) {
    Map<String, String> properties = new LinkedHashMap<>();
    KafkaAuth auth = ingestion.auth();
    if (auth == null) {
      return properties;
    }
    properties.put("security.protocol", DEFAULT_PROTOCOL);
    if (auth.mechanism() == KafkaAuth.Mechanism.AWS_MSK_IAM) {
      // Amazon MSK's IAM access control: the job role signs, no password (the aws-msk-iam-auth
      // library must be on the job's class path)
      properties.put("sasl.mechanism", "AWS_MSK_IAM");
      properties.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
      properties.put(
          "sasl.client.callback.handler.class",
          "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
      return properties;
    }
    // PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
    properties.put("sasl.mechanism", auth.mechanism().name().replace('_', '-'));
    properties.put(
        "sasl.jaas.config",
        jaas(
            auth.mechanism() == KafkaAuth.Mechanism.PLAIN
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule",
            auth.username(),
            password(context, ingestion)));
    return properties;
  }

  /**
   * Whether {@code failure} is the brokers rejecting the credentials, and if so the one line that
   * says so: the user, the mechanism and the password's reference (never its value).
   */
  static String describeRejection(KafkaIngestion ingestion, Throwable failure) {
    KafkaAuth auth = ingestion.auth();
    if (auth == null || !causedByRejection(failure)) {
      return null;
    }
    return "Kafka ingestion "
        + ingestion.id()
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

  private static boolean causedByRejection(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause.getClass().getName().equals(REJECTED)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  private static String password(Context context, KafkaIngestion ingestion) {
    SecretRef secret = ingestion.auth().password();
    try {
      return context.secrets.resolve(secret);
    } catch (SecretResolutionException e) {
      throw new TaskFailedException(
          e.getMessage() + " (SASL password of Kafka ingestion " + ingestion.id() + ")", e);
    }
  }

  /** A JAAS entry for {@code loginModule}, the values quoted as JAAS's parser reads them. */
  private static String jaas(String loginModule, String username, String password) {
    return loginModule
        + " required username=\""
        + quoted(username)
        + "\" password=\""
        + quoted(password)
        + "\";";
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
