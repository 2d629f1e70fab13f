package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.KafkaAuthFailures;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Planner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka ingestion with {@code auth.mechanism: AWS_MSK_IAM} on the Spark engine: the client side is
 * the real one — Amazon's aws-msk-iam-auth login module and callback handler as {@code
 * KafkaSecurity} configures them, credentials from the AWS SDK's default chain (here the {@code
 * aws.accessKeyId} / {@code aws.secretAccessKey} system properties, as a job role's would come from
 * the container) — against the in-process SASL_SSL broker whose server side for the mechanism is
 * {@link MskIamStandIn}: a local stand-in that verifies the client's SigV4-signed payload with the
 * one key it trusts. Not tested here: MSK itself, IAM policies, roles and STS.
 */
@Timeout(180)
class MskIamIT {

  private static final List<String> PROPERTIES =
      List.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken", "aws.region");

  private final SecuredKafka kafka = SecuredKafka.get();
  private final Path base = TestSpark.newDir("msk-iam");
  private final String keyId = "AKIDLAKEPLAN" + UUID.randomUUID().toString().substring(0, 8);
  private final String secret = "secret-" + UUID.randomUUID();
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void useTestCredentials() {
    for (String property : PROPERTIES) {
      saved.put(property, System.getProperty(property));
    }
    System.clearProperty("aws.sessionToken");
    System.setProperty("aws.accessKeyId", keyId);
    System.setProperty("aws.region", "eu-west-1");
    MskIamStandIn.trust(keyId, secret);
  }

  @AfterEach
  void restoreCredentials() {
    saved.forEach(
        (property, value) -> {
          if (value == null) {
            System.clearProperty(property);
          } else {
            System.setProperty(property, value);
          }
        });
  }

  private UseCase useCase(String topic) {
    return UseCase.named("iam_" + topic)
        .owner("data-platform@example.com")
        .table("raw." + topic, table -> table.requiredColumn("order_id", "long"))
        .ingestKafka(
            ingestion ->
                ingestion
                    .id(topic)
                    .bootstrapServers(kafka.bootstrapServers())
                    .auth(KafkaAuth.builder().mechanism(KafkaAuth.Mechanism.AWS_MSK_IAM).build())
                    .putAllOptions(kafka.trustOptions())
                    .addTopic(topic)
                    .column("order_id", "long")
                    .startingPosition(StartingPosition.EARLIEST)
                    .checkpoint("checkpoints/" + topic)
                    .target("raw." + topic))
        .build();
  }

  private TaskResult runIngestion(UseCase useCase) {
    Plan plan = Planner.plan(useCase);
    SparkEngine engine = TestSpark.engine(base);
    TaskResult ingestion = null;
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        TaskResult result = engine.run(dag, task);
        if (task.spec() instanceof TaskSpec.IngestKafka) {
          ingestion = result;
        } else {
          assertThat(result.isSuccess()).as(result.summary()).isTrue();
        }
      }
    }
    return ingestion;
  }

  @Test
  void signedWithTheTrustedKey_readsEveryRecord() {
    System.setProperty("aws.secretAccessKey", secret);
    String topic = "iam_" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopic(topic, 1);
    kafka.send(topic, List.of("{\"order_id\": 1}", "{\"order_id\": 2}"));

    TaskResult result = runIngestion(useCase(topic));

    assertThat(result.isSuccess()).as(result.summary()).isTrue();
    assertThat(TestSpark.orderIds("raw." + topic)).containsExactly(1L, 2L);
  }

  @Test
  void signedWithAnotherSecret_failsOnTheSharedLine_andWritesNothing() {
    System.setProperty("aws.secretAccessKey", "not-" + secret);
    String topic = "iam_" + UUID.randomUUID().toString().substring(0, 8);
    kafka.createTopic(topic, 1);
    kafka.send(topic, List.of("{\"order_id\": 1}"));
    UseCase useCase = useCase(topic);

    TaskResult result = runIngestion(useCase);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(KafkaAuthFailures.rejected(useCase.kafkaIngestions().get(0)))
        .contains("AWS_MSK_IAM")
        .contains("check the job role's access to the cluster");
    assertThat(TestSpark.orderIds("raw." + topic)).isEmpty();
  }
}
