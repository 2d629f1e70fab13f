package io.lakeplan.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.StreamMode;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.spi.KafkaAuthFailures;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Planner;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory engine applies a Kafka ingestion's {@code auth} to topics that require it. */
class KafkaAuthTest {

  private static final Instant START = Instant.parse("2024-05-10T00:00:00Z");
  private static final SecretRef PASSWORD = SecretRef.parse("secretsmanager:kafka/lakeplan");

  /** The test's secret store: one secret; any other reference fails as a store would. */
  private static final SecretResolver SECRETS =
      reference -> {
        if (reference.equals(PASSWORD)) {
          return "s3cret-value";
        }
        throw new SecretResolutionException(reference, "no such secret in the test store");
      };

  private static UseCase orders(KafkaAuth auth) {
    return UseCase.named("orders")
        .owner("data@example.com")
        .table("raw.orders", t -> t.requiredColumn("id", "long"))
        .ingestKafka(
            k -> {
              k.id("orders-kafka")
                  .bootstrapServers("b-1.example:9096")
                  .addTopic("orders")
                  .column("id", "long")
                  .mode(StreamMode.MICRO_BATCH)
                  .startingPosition(StartingPosition.EARLIEST)
                  .checkpoint("checkpoints/orders")
                  .target("raw.orders");
              if (auth != null) {
                k.auth(auth);
              }
            })
        .build();
  }

  private static KafkaAuth scram(String user, SecretRef password) {
    return KafkaAuth.builder()
        .mechanism(KafkaAuth.Mechanism.SCRAM_SHA_512)
        .username(user)
        .password(password)
        .build();
  }

  /** The ingestion's result, and the rows raw.orders held after it. */
  private record Outcome(TaskResult result, int rows) {}

  /**
   * Creates raw.orders, then runs the ingestion of two records from topic orders set up by {@code
   * setup}, resolving secrets with {@code secrets} (null: the driver's default).
   */
  private static Outcome ingest(UseCase useCase, InputTopicSetup setup, SecretResolver secrets) {
    PipelineTestDriver.Builder builder =
        PipelineTestDriver.builder().useCase(useCase).startTime(START);
    if (secrets != null) {
      builder.secrets(secrets);
    }
    try (PipelineTestDriver driver = builder.build()) {
      InputTopic topic = driver.inputTopic("orders");
      setup.apply(topic);
      topic.send("{\"id\":1}");
      topic.send("{\"id\":2}");
      Plan plan = Planner.plan(useCase);
      for (Dag dag : plan.dagsInOrder()) {
        for (Task task : dag.tasksInOrder()) {
          TaskResult result = driver.runTask(dag.id(), task.id());
          if (task.id().equals("orders-kafka")) {
            return new Outcome(result, driver.table("raw.orders").rows().size());
          }
        }
      }
      throw new AssertionError("no task orders-kafka in " + plan);
    }
  }

  private static Outcome ingest(UseCase useCase, InputTopicSetup setup) {
    return ingest(useCase, setup, SECRETS);
  }

  @FunctionalInterface
  private interface InputTopicSetup {
    void apply(InputTopic topic);
  }

  @Test
  void rightCredentials_readEveryRecord() {
    Outcome outcome =
        ingest(
            orders(scram("lakeplan", PASSWORD)),
            topic ->
                topic.requireAuth(KafkaAuth.Mechanism.SCRAM_SHA_512, "lakeplan", "s3cret-value"));

    assertThat(outcome.result().isSuccess()).as(outcome.result().summary()).isTrue();
    assertThat(outcome.result().rows()).isEqualTo(2);
    assertThat(outcome.rows()).isEqualTo(2);
  }

  @Test
  void wrongPasswordUserOrMechanism_failWithTheSharedLine_andReadNothing() {
    UseCase useCase = orders(scram("lakeplan", PASSWORD));
    String expected = KafkaAuthFailures.rejected(useCase.kafkaIngestions().get(0));
    for (InputTopicSetup required :
        new InputTopicSetup[] {
          t -> t.requireAuth(KafkaAuth.Mechanism.SCRAM_SHA_512, "lakeplan", "rotated"),
          t -> t.requireAuth(KafkaAuth.Mechanism.SCRAM_SHA_512, "someone-else", "s3cret-value"),
          t -> t.requireAuth(KafkaAuth.Mechanism.SCRAM_SHA_256, "lakeplan", "s3cret-value"),
          InputTopic::requireMskIam
        }) {
      Outcome outcome = ingest(useCase, required);

      assertThat(outcome.result().status()).isEqualTo(TaskResult.Status.FAILED);
      assertThat(outcome.result().summary()).isEqualTo(expected).doesNotContain("s3cret-value");
      assertThat(outcome.rows()).isZero();
    }
    assertThat(expected)
        .isEqualTo(
            "Kafka ingestion orders-kafka (topic orders): the brokers b-1.example:9096 rejected"
                + " the SASL SCRAM_SHA_512 credentials of user lakeplan: check that secret "
                + PASSWORD
                + " holds this user's password and that the mechanism is enabled on the"
                + " listener");
  }

  @Test
  void unresolvableSecret_failsNamingTheReferenceAndTheIngestion() {
    SecretRef missing = SecretRef.parse("secretsmanager:kafka/nope");

    TaskResult result =
        ingest(
                orders(scram("lakeplan", missing)),
                topic ->
                    topic.requireAuth(
                        KafkaAuth.Mechanism.SCRAM_SHA_512, "lakeplan", "s3cret-value"))
            .result();

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Cannot resolve secret secretsmanager:kafka/nope: no such secret in the test store"
                + " (SASL SCRAM_SHA_512 password of Kafka ingestion orders-kafka, topic orders)");
  }

  @Test
  void noAuth_onATopicThatRequiresIt_failsNamingTheTopicAndMechanism() {
    TaskResult result =
        ingest(
                orders(null),
                topic -> topic.requireAuth(KafkaAuth.Mechanism.PLAIN, "lakeplan", "s3cret-value"))
            .result();

    assertThat(result.summary())
        .isEqualTo(
            "Kafka ingestion orders-kafka has no auth, but the brokers of topic orders require"
                + " SASL PLAIN (set the ingestion's auth)");
  }

  @Test
  void mskIam_readsATopicRequiringIt_andATopicRequiringNothingTakesAnyClient() {
    KafkaAuth iam = KafkaAuth.builder().mechanism(KafkaAuth.Mechanism.AWS_MSK_IAM).build();

    assertThat(ingest(orders(iam), InputTopic::requireMskIam).rows()).isEqualTo(2);
    assertThat(ingest(orders(scram("lakeplan", PASSWORD)), topic -> {}).rows()).isEqualTo(2);
  }

  @Test
  void requireAuth_withMskIamOrWithoutPassword_isRefusedNamingTheTopic() {
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder().useCase(orders(null)).startTime(START).build()) {
      InputTopic topic = driver.inputTopic("orders");
      assertThatThrownBy(() -> topic.requireAuth(KafkaAuth.Mechanism.AWS_MSK_IAM, "u", "p"))
          .hasMessage("Topic orders: AWS_MSK_IAM has no user or password; use requireMskIam()");
      assertThatThrownBy(() -> topic.requireAuth(KafkaAuth.Mechanism.PLAIN, "u", ""))
          .hasMessage("Topic orders: requireAuth needs a user and a password");
    }
  }

  @Test
  void defaultSecrets_areEnvironmentVariables_asOnTheSparkEngine() {
    SecretRef unset = SecretRef.env("LAKEPLAN_TEST_SURELY_UNSET_VARIABLE");
    assertThat(System.getenv(unset.name())).isNull();

    TaskResult result =
        ingest(
                orders(scram("lakeplan", unset)),
                topic -> topic.requireAuth(KafkaAuth.Mechanism.SCRAM_SHA_512, "lakeplan", "x"),
                null)
            .result();

    assertThat(result.summary())
        .isEqualTo(
            "Cannot resolve secret "
                + unset
                + ": environment variable "
                + unset.name()
                + " is not set (SASL SCRAM_SHA_512 password of Kafka ingestion orders-kafka,"
                + " topic orders)");
  }
}
