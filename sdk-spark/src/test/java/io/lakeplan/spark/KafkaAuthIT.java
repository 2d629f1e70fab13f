package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.KafkaAuthFailures;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Planner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka authentication over TLS on the Spark engine, against a real in-process KRaft broker whose
 * client listener is SASL_SSL ({@link SecuredKafka}: a certificate made at start, SCRAM users
 * created through the Admin API): SCRAM-SHA-256 and PLAIN read every record with the broker's
 * certificate trusted through the ingestion's PEM truststore options; an untrusted certificate
 * fails the task on the shared TLS line. SCRAM-SHA-512 and a wrong password run in the conformance
 * suite (both engines). The passwords come from a resolver of the test's own (the engine's
 * SecretResolver port), never from the use case.
 */
@Timeout(180)
class KafkaAuthIT {

  private final SecuredKafka kafka = SecuredKafka.get();
  private final Path base = TestSpark.newDir("kafka-auth");
  private final String user = "scram-" + UUID.randomUUID().toString().substring(0, 8);
  private final String password = "pw-" + UUID.randomUUID();
  private final Map<String, String> secrets =
      Map.of("KAFKA_SCRAM", password, "KAFKA_PLAIN", kafka.plainPassword());

  private final SecretResolver resolver =
      reference -> {
        String value = secrets.get(reference.name());
        if (value == null) {
          throw new SecretResolutionException(reference, "no such test secret");
        }
        return value;
      };

  private static String topic(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> orders(long... ids) {
    return LongStream.of(ids).mapToObj(id -> "{\"order_id\": " + id + "}").toList();
  }

  private UseCase useCase(String topic, KafkaAuth auth, Consumer<KafkaIngestion.Builder> more) {
    return UseCase.named("auth_" + topic)
        .owner("data-platform@example.com")
        .table("raw." + topic, table -> table.requiredColumn("order_id", "long"))
        .ingestKafka(
            ingestion -> {
              ingestion
                  .id(topic)
                  .bootstrapServers(kafka.bootstrapServers())
                  .auth(auth)
                  .addTopic(topic)
                  .column("order_id", "long")
                  .startingPosition(StartingPosition.EARLIEST)
                  .checkpoint("checkpoints/" + topic)
                  .target("raw." + topic);
              more.accept(ingestion);
            })
        .build();
  }

  /** Runs every task in plan order; the ingestion's result. */
  private TaskResult runIngestion(UseCase useCase) {
    Plan plan = Planner.plan(useCase);
    SparkEngine engine =
        new SparkEngine(
            TestSpark.session(),
            base.toUri(),
            new FileWatermarkStore(base.resolve("watermarks")),
            resolver,
            Clock.systemUTC());
    List<TaskResult> results = new ArrayList<>();
    TaskResult ingestion = null;
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        TaskResult result = engine.run(dag, task);
        results.add(result);
        if (task.spec() instanceof TaskSpec.IngestKafka) {
          ingestion = result;
        }
      }
    }
    assertThat(ingestion).as("ingestion result in " + results).isNotNull();
    return ingestion;
  }

  /**
   * Also a malformed record: the dead-letter table is filled by reading its offsets back from the
   * brokers, with the same authentication as the stream.
   */
  @Test
  void scramSha256OverTls_withThePrivateCaAsPemOption_readsEveryRecord() {
    kafka.addScramUser(user, password);
    String topic = topic("scram256");
    kafka.createTopic(topic, 1);
    List<String> records = new ArrayList<>(orders(1, 2, 3));
    records.add("{\"order_id\": ");
    records.addAll(orders(4, 5));
    kafka.send(topic, records);
    KafkaAuth auth =
        KafkaAuth.builder()
            .mechanism(KafkaAuth.Mechanism.SCRAM_SHA_256)
            .username(user)
            .password(SecretRef.env("KAFKA_SCRAM"))
            .build();

    TaskResult result =
        runIngestion(useCase(topic, auth, i -> i.putAllOptions(kafka.trustOptions())));

    assertThat(result.isSuccess()).as(result.summary()).isTrue();
    assertThat(result.rows()).isEqualTo(5);
    assertThat(TestSpark.orderIds("raw." + topic)).containsExactly(1L, 2L, 3L, 4L, 5L);
    String deadLetters = LakeplanCatalog.NAME + ".raw." + topic + "_dead_letter";
    TestSpark.session().sql("REFRESH TABLE " + deadLetters);
    assertThat(TestSpark.session().sql("SELECT kafka_offset FROM " + deadLetters).collectAsList())
        .extracting(row -> row.getLong(0))
        .containsExactly(3L);
  }

  @Test
  void plainOverTls_readsEveryRecord() {
    String topic = topic("plain");
    kafka.createTopic(topic, 1);
    kafka.send(topic, orders(7, 8));
    KafkaAuth auth =
        KafkaAuth.builder()
            .mechanism(KafkaAuth.Mechanism.PLAIN)
            .username(SecuredKafka.PLAIN_USER)
            .password(SecretRef.env("KAFKA_PLAIN"))
            .build();

    TaskResult result =
        runIngestion(useCase(topic, auth, i -> i.putAllOptions(kafka.trustOptions())));

    assertThat(result.isSuccess()).as(result.summary()).isTrue();
    assertThat(TestSpark.orderIds("raw." + topic)).containsExactly(7L, 8L);
  }

  @Test
  void brokerCertificateNotTrusted_failsOnTheSharedTlsLine_andWritesNothing() {
    kafka.addScramUser(user, password);
    String topic = topic("untrusted");
    kafka.createTopic(topic, 1);
    kafka.send(topic, orders(1));
    KafkaAuth auth =
        KafkaAuth.builder()
            .mechanism(KafkaAuth.Mechanism.SCRAM_SHA_512)
            .username(user)
            .password(SecretRef.env("KAFKA_SCRAM"))
            .build();
    // no truststore option: the JVM's default CAs, which do not know the broker's
    UseCase useCase = useCase(topic, auth, i -> {});

    TaskResult result = runIngestion(useCase);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    KafkaIngestion ingestion = useCase.kafkaIngestions().get(0);
    String expected = KafkaAuthFailures.tlsFailed(ingestion, "REASON");
    String prefix = expected.substring(0, expected.indexOf("REASON"));
    String suffix = expected.substring(expected.indexOf("REASON") + "REASON".length());
    assertThat(result.summary())
        .startsWith(prefix)
        .endsWith(suffix)
        .contains("topic " + topic)
        .contains("unable to find valid certification path")
        .doesNotContain("\n")
        .doesNotContain(password);
    assertThat(TestSpark.orderIds("raw." + topic)).isEmpty();
  }
}
