package io.lakeplan.testkit.internal;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.spi.KafkaAuthFailures;
import io.lakeplan.spi.SecretResolutionException;
import java.util.Collection;
import java.util.Objects;

/**
 * A Kafka ingestion's authentication against in-memory topics that require credentials ({@link
 * Inputs#requireAuth}), with the Spark engine's outcomes and words: the password reference is
 * resolved when the task starts, through the engine's secret resolver (a reference that does not
 * resolve fails the task naming it, {@link KafkaAuthFailures#unresolvedPassword}); a topic whose
 * required mechanism, user or password differs rejects the credentials ({@link
 * KafkaAuthFailures#rejected}). For AWS_MSK_IAM only the mechanism is compared: nothing is signed.
 * Topics that require nothing take any client.
 */
final class KafkaAuthCheck {

  private KafkaAuthCheck() {}

  /**
   * Checks {@code ingestion}'s credentials against what {@code topics} require.
   *
   * @throws TaskFailure with the shared line when they would be refused
   */
  static void check(
      InMemoryEngine.Context context, KafkaIngestion ingestion, Collection<String> topics) {
    KafkaAuth auth = ingestion.auth();
    String password = null;
    if (auth != null && auth.password() != null) {
      try {
        password = context.secrets().resolve(auth.password());
      } catch (SecretResolutionException e) {
        throw new TaskFailure(KafkaAuthFailures.unresolvedPassword(ingestion, e), e);
      }
    }
    for (String topic : topics) {
      Inputs.TopicAuth required = context.inputs().requiredAuth(topic);
      if (required == null) {
        continue;
      }
      if (auth == null) {
        throw new TaskFailure(
            "Kafka ingestion "
                + ingestion.id()
                + " has no auth, but the brokers of topic "
                + topic
                + " require SASL "
                + required.mechanism()
                + " (set the ingestion's auth)");
      }
      boolean accepted =
          required.mechanism() == auth.mechanism()
              && Objects.equals(required.user(), auth.username())
              && Objects.equals(required.password(), password);
      if (!accepted) {
        throw new TaskFailure(KafkaAuthFailures.rejected(ingestion));
      }
    }
  }
}
