package io.lakeplan.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SecretRef;
import org.junit.jupiter.api.Test;

class KafkaAuthFailuresTest {

  private static final SecretRef PASSWORD = SecretRef.parse("ssm:/prod/kafka/lakeplan");

  private static KafkaIngestion.Builder ingestion(KafkaAuth auth) {
    KafkaIngestion.Builder builder =
        KafkaIngestion.builder()
            .id("orders-stream")
            .bootstrapServers("b-1:9096,b-2:9096")
            .column("id", "long")
            .checkpoint("checkpoints/orders")
            .target("raw.orders");
    if (auth != null) {
      builder.auth(auth);
    }
    return builder;
  }

  private static KafkaAuth scram256() {
    return KafkaAuth.builder()
        .mechanism(KafkaAuth.Mechanism.SCRAM_SHA_256)
        .username("etl")
        .password(PASSWORD)
        .build();
  }

  @Test
  void rejected_namesTopicsBrokersMechanismUserAndReference() {
    KafkaIngestion two = ingestion(scram256()).addTopic("orders").addTopic("refunds").build();
    KafkaIngestion pattern = ingestion(scram256()).topicPattern("orders-.*").build();

    assertThat(KafkaAuthFailures.rejected(two))
        .isEqualTo(
            "Kafka ingestion orders-stream (topics orders, refunds): the brokers b-1:9096,b-2:9096"
                + " rejected the SASL SCRAM_SHA_256 credentials of user etl: check that secret"
                + " ssm:/prod/kafka/lakeplan holds this user's password and that the mechanism is"
                + " enabled on the listener");
    assertThat(KafkaAuthFailures.rejected(pattern))
        .startsWith("Kafka ingestion orders-stream (topics matching orders-.*): ");
  }

  @Test
  void rejected_mskIam_pointsAtTheJobRole() {
    KafkaIngestion iam =
        ingestion(KafkaAuth.builder().mechanism(KafkaAuth.Mechanism.AWS_MSK_IAM).build())
            .addTopic("orders")
            .build();

    assertThat(KafkaAuthFailures.rejected(iam))
        .isEqualTo(
            "Kafka ingestion orders-stream (topic orders): the brokers b-1:9096,b-2:9096 rejected"
                + " the SASL AWS_MSK_IAM credentials: check the job role's access to the cluster"
                + " and that the mechanism is enabled on the listener");
    assertThat(KafkaAuthFailures.mechanismUnavailable(iam, "lib"))
        .isEqualTo(
            "Kafka ingestion orders-stream (topic orders): SASL mechanism AWS_MSK_IAM needs lib"
                + " on the engine's class path");
  }

  @Test
  void unresolvedPassword_keepsTheResolversReasonAndNamesTheIngestion() {
    KafkaIngestion ingestion = ingestion(scram256()).addTopic("orders").build();

    assertThat(
            KafkaAuthFailures.unresolvedPassword(
                ingestion, new SecretResolutionException(PASSWORD, "no such parameter")))
        .isEqualTo(
            "Cannot resolve secret ssm:/prod/kafka/lakeplan: no such parameter (SASL SCRAM_SHA_256"
                + " password of Kafka ingestion orders-stream, topic orders)");
  }

  @Test
  void tlsFailed_givesTheReasonAndTheTruststoreOptions() {
    KafkaIngestion ingestion = ingestion(scram256()).addTopic("orders").build();

    assertThat(KafkaAuthFailures.tlsFailed(ingestion, "PKIX path building failed"))
        .startsWith(
            "Kafka ingestion orders-stream (topic orders): the TLS handshake with the brokers"
                + " b-1:9096,b-2:9096 failed (PKIX path building failed): ")
        .contains("kafka.ssl.truststore.type: PEM", "kafka.ssl.truststore.certificates");
  }

  @Test
  void withoutAuth_thereIsNoAuthenticationFailure() {
    KafkaIngestion plain = ingestion(null).addTopic("orders").build();

    assertThatThrownBy(() -> KafkaAuthFailures.rejected(plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Kafka ingestion orders-stream has no auth: no authentication failure");
  }
}
