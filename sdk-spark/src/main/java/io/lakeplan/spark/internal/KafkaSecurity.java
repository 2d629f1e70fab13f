package io.lakeplan.spark.internal;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.KafkaAuthFailures;
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
 * which win over these settings. TLS trusts the JVM's default CAs (enough for MSK's public
 * certificates); brokers whose certificate a private CA signed are trusted through the options
 * {@code kafka.ssl.truststore.type: PEM} with {@code kafka.ssl.truststore.certificates} (the CA's
 * PEM text: public, no password, and it reaches every executor with the options) or {@code
 * kafka.ssl.truststore.location}. The resolved password lives only in the returned map and in the
 * Kafka clients it configures: Kafka prints {@code sasl.jaas.config} as {@code [hidden]}, and Spark
 * redacts options whose value matches {@code spark.redaction.regex} ({@code password}) in plans and
 * in the UI.
 */
final class KafkaSecurity {
  /** The protocol used when the ingestion's options do not name one. */
  static final String DEFAULT_PROTOCOL = "SASL_SSL";

  private static final String REJECTED =
      "org.apache.kafka.common.errors.SaslAuthenticationException";

  private static final String TLS_FAILED =
      "org.apache.kafka.common.errors.SslAuthenticationException";

  /** The login module of Amazon's aws-msk-iam-auth library. */
  static final String IAM_LOGIN_MODULE = "software.amazon.msk.auth.iam.IAMLoginModule";

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
      // library, which the job jar carries)
      requireClass(ingestion, IAM_LOGIN_MODULE);
      properties.put("sasl.mechanism", "AWS_MSK_IAM");
      properties.put("sasl.jaas.config", IAM_LOGIN_MODULE + " required;");
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
   * Whether {@code failure} is an authentication failure, and if so the one line that says so
   * ({@link KafkaAuthFailures}): the brokers rejecting the credentials (naming the topics, the
   * mechanism, the user and the password's reference, never its value), or the TLS handshake
   * failing (an untrusted certificate); null for any other failure.
   */
  static String describeRejection(KafkaIngestion ingestion, Throwable failure) {
    if (ingestion.auth() == null) {
      return null;
    }
    Throwable tls = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String name = cause.getClass().getName();
      if (name.equals(REJECTED)) {
        return KafkaAuthFailures.rejected(ingestion);
      }
      if (name.equals(TLS_FAILED) && tls == null) {
        tls = cause;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return tls == null ? null : KafkaAuthFailures.tlsFailed(ingestion, tlsReason(tls));
  }

  /** The innermost message of a TLS failure's causes, on one line. */
  private static String tlsReason(Throwable tls) {
    String reason = null;
    for (Throwable cause = tls; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        reason = cause.getMessage();
      }
    }
    return reason == null ? tls.getClass().getSimpleName() : reason.lines().findFirst().orElse("");
  }

  private static void requireClass(KafkaIngestion ingestion, String name) {
    try {
      Class.forName(name, false, KafkaSecurity.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new TaskFailedException(
          KafkaAuthFailures.mechanismUnavailable(
              ingestion, "software.amazon.msk:aws-msk-iam-auth (" + name + ")"),
          e);
    }
  }

  private static String password(Context context, KafkaIngestion ingestion) {
    SecretRef secret = ingestion.auth().password();
    try {
      return context.secrets.resolve(secret);
    } catch (SecretResolutionException e) {
      throw new TaskFailedException(KafkaAuthFailures.unresolvedPassword(ingestion, e), e);
    }
  }

  /**
   * A JAAS entry for {@code loginModule}, the values quoted as JAAS's parser reads them: its
   * tokenizer ends a quoted value at a raw line break, so line breaks are escaped like quotes and
   * backslashes, and a value cannot add options of its own.
   */
  static String jaas(String loginModule, String username, String password) {
    return loginModule
        + " required username=\""
        + quoted(username)
        + "\" password=\""
        + quoted(password)
        + "\";";
  }

  private static String quoted(String value) {
    return value
        .replace("\\", "\\\\")
        .replace("\"", "\\\"")
        .replace("\n", "\\n")
        .replace("\r", "\\r");
  }
}
