package io.lakeplan.spark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.StartingPosition;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.LogCapture;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestKafka;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Planner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Kafka SASL credentials from Secrets Manager: a real in-process KRaft broker (Kafka's test kit)
 * whose client listener is SASL_PLAINTEXT with mechanism PLAIN, the ingestion's password a {@code
 * secretsmanager:} reference stored on the emulated AWS (moto), the target table in Glue + S3. The
 * planned ingestion task reads every record; a wrong password fails it on one line naming the
 * reference; the resolved values appear nowhere: not in what this JVM logs (INFO and above,
 * Lakeplan at DEBUG, stack traces included), the task result, the plan, the use case's YAML, its
 * {@code toString()}, nor the streaming checkpoint.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class KafkaSaslOnAwsIT {

  private static final String USER = "lakeplan";
  private static final String CHECKPOINTS = "s3://" + AwsLake.LANDING_BUCKET + "/checkpoints/";
  private static final SecretRef PASSWORD = SecretRef.parse("secretsmanager:lakeplan/kafka");
  private static final SecretRef WRONG = SecretRef.parse("secretsmanager:lakeplan/kafka-stale");

  /** The random part of the password: found anywhere, in any quoting, it leaked. */
  private final String marker = UUID.randomUUID().toString();

  /** With a quote and a backslash, as generated passwords may have: the JAAS entry escapes them. */
  private final String password = "kafka-\"q\\-" + marker;

  private final String wrongMarker = UUID.randomUUID().toString();
  private final String wrongPassword = "stale-" + wrongMarker;

  private AwsLake lake;
  private Environment environment;
  private KafkaClusterTestKit kafka;
  private Path folder;

  @BeforeAll
  void setUp(MotoServer moto) throws Exception {
    lake = AwsLake.create(moto);
    try (SecretsManagerClient secrets = lake.secretsManager()) {
      secrets.createSecret(b -> b.name(PASSWORD.name()).secretString(password));
      secrets.createSecret(b -> b.name(WRONG.name()).secretString(wrongPassword));
    }
    environment =
        Environment.builder()
            .from(lake.environment())
            .secretProviders(List.of(SecretRef.Provider.ENV, SecretRef.Provider.SECRETSMANAGER))
            .build();
    kafka = TestKafka.startWithSasl(USER, password);
    folder = TestSpark.newDir("kafka-sasl");
  }

  @AfterAll
  void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  private Map<String, Object> client() {
    return Map.copyOf(TestKafka.saslClientProperties(kafka.bootstrapServers(), USER, password));
  }

  private void produce(String topic, long... ids) throws Exception {
    try (Admin admin = Admin.create(client())) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(client(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < ids.length; i++) {
        producer.send(
            new ProducerRecord<>(
                topic,
                i % 2,
                Long.toString(ids[i]),
                "{\"order_id\": " + ids[i] + ", \"status\": \"paid\"}"));
      }
      producer.flush();
    }
  }

  /**
   * A use case: the table {@code raw.<name>} and a micro-batch ingestion of topic {@code name},
   * checkpointed in the working folder.
   */
  private UseCase useCase(String name, SecretRef password) {
    return useCase(name, password, "checkpoints/" + name);
  }

  /** {@link #useCase(String, SecretRef)} with the ingestion's checkpoint at {@code checkpoint}. */
  private UseCase useCase(String name, SecretRef password, String checkpoint) {
    return UseCase.named("sasl_" + name)
        .owner("data-platform@example.com")
        .table(
            "raw." + name,
            table -> table.requiredColumn("order_id", "long").column("status", "string"))
        .ingestKafka(
            ingestion ->
                ingestion
                    .id(name)
                    .bootstrapServers(kafka.bootstrapServers())
                    .auth(
                        KafkaAuth.builder()
                            .mechanism(KafkaAuth.Mechanism.PLAIN)
                            .username(USER)
                            .password(password)
                            .build())
                    // the test broker has no TLS: the default protocol is SASL_SSL
                    .putOption("kafka.security.protocol", "SASL_PLAINTEXT")
                    .addTopic(name)
                    .column("order_id", "long")
                    .column("status", "string")
                    .startingPosition(StartingPosition.EARLIEST)
                    .checkpoint(checkpoint)
                    .target("raw." + name))
        .build();
  }

  /** Runs every task of {@code plan} in order, on the AWS environment; the results in order. */
  private List<TaskResult> run(Plan plan) {
    List<TaskResult> results = new ArrayList<>();
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      SparkEngine engine =
          new SparkEngine(AwsLake.session(runtime), folder.toUri(), runtime, Clock.systemUTC());
      for (Dag dag : plan.dagsInOrder()) {
        for (Task task : dag.tasksInOrder()) {
          results.add(engine.run(dag, task));
        }
      }
    }
    return results;
  }

  /** What a run of a plan gave, and what the JVM logged meanwhile. */
  private record Captured(List<TaskResult> results, String logs) {}

  private Captured runCapturingLogs(Plan plan) {
    try (LogCapture capture = LogCapture.start()) {
      List<TaskResult> results = run(plan);
      return new Captured(results, capture.text());
    }
  }

  private TaskResult ingestion(List<TaskResult> results, Plan plan) {
    int index = 0;
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        if (task.spec() instanceof TaskSpec.IngestKafka) {
          return results.get(index);
        }
        index++;
      }
    }
    throw new AssertionError("No Kafka ingestion task in " + plan);
  }

  /** The text of every object of the checkpoint of ingestion {@code name}. */
  private String checkpointText(String name) {
    StringBuilder text = new StringBuilder();
    try (S3Client s3 = lake.s3()) {
      for (S3Object object : lake.objects(AwsLake.LANDING_BUCKET, "checkpoints/" + name + "/")) {
        text.append(
            new String(
                s3.getObjectAsBytes(b -> b.bucket(AwsLake.LANDING_BUCKET).key(object.key()))
                    .asByteArray(),
                StandardCharsets.ISO_8859_1));
      }
    }
    return text.toString();
  }

  @Test
  void passwordFromSecretsManager_ingestsEveryRecord_andTheValueIsInNoLogResultPlanOrFile()
      throws Exception {
    long[] ids = LongStream.rangeClosed(1, 40).toArray();
    produce("orders", ids);
    // and a malformed record: its dead letter is read back from the brokers with the same SASL
    // settings, and written to raw.orders_dead_letter on S3
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(client(), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("orders", 0, "bad", "{\"order_id\": ")).get();
    }
    // the checkpoint on S3 (S3A), as on EMR Serverless: SSE-KMS with the environment's key
    UseCase useCase = useCase("orders", PASSWORD, CHECKPOINTS + "orders");
    Plan plan = Planner.plan(useCase);

    Captured run = runCapturingLogs(plan);

    List<TaskResult> results = run.results();
    String logs = run.logs();
    TaskResult ingested = ingestion(results, plan);
    assertThat(results).allMatch(TaskResult::isSuccess, "every task succeeded: " + results);
    assertThat(ingested.rows()).isEqualTo(ids.length);
    assertThat(AwsLake.orderIds(environment, "raw.orders"))
        .isEqualTo(LongStream.of(ids).boxed().toList());

    // the capture saw the Kafka clients' configuration, and it held the JAAS entry, hidden
    assertThat(logs)
        .contains("sasl.jaas.config = [hidden]")
        .contains("security.protocol = SASL_PLAINTEXT");
    assertThat(UseCaseCodec.toJson(plan)).contains(PASSWORD.toString());
    for (String[] place :
        new String[][] {
          {"logs", logs},
          {"task results", results.toString()},
          {"plan JSON", UseCaseCodec.toJson(plan)},
          {"use-case YAML", UseCaseCodec.toYaml(useCase)},
          {"use case toString()", useCase.toString()},
          {"plan toString()", plan.toString()},
          {"checkpoint", checkpointText("orders")}
        }) {
      assertThat(place[1]).as(place[0]).doesNotContain(marker);
    }

    // the streaming checkpoint (S3A) and the table (S3FileIO): SSE-KMS with the environment's key
    List<S3Object> checkpoint = lake.objects(AwsLake.LANDING_BUCKET, "checkpoints/orders/");
    assertThat(checkpoint)
        .extracting(S3Object::key)
        .anyMatch(key -> key.contains("/offsets/"))
        .anyMatch(key -> key.contains("/commits/"));
    List<S3Object> table = lake.objects(AwsLake.WAREHOUSE_BUCKET, "warehouse/raw.db/orders/");
    assertThat(table)
        .extracting(S3Object::key)
        .anyMatch(key -> key.startsWith("warehouse/raw.db/orders/data/"))
        .anyMatch(key -> key.endsWith(".metadata.json"))
        .anyMatch(key -> key.endsWith(".avro"));
    List<S3Object> deadLetters =
        lake.objects(AwsLake.WAREHOUSE_BUCKET, "warehouse/raw.db/orders_dead_letter/");
    assertThat(deadLetters)
        .extracting(S3Object::key)
        .anyMatch(key -> key.startsWith("warehouse/raw.db/orders_dead_letter/data/"));
    List<String> unencrypted = new ArrayList<>();
    for (String[] bucketAndKey :
        Stream.of(
                checkpoint.stream().map(o -> new String[] {AwsLake.LANDING_BUCKET, o.key()}),
                table.stream().map(o -> new String[] {AwsLake.WAREHOUSE_BUCKET, o.key()}),
                deadLetters.stream().map(o -> new String[] {AwsLake.WAREHOUSE_BUCKET, o.key()}))
            .flatMap(objects -> objects)
            .toList()) {
      HeadObjectResponse head = lake.head(bucketAndKey[0], bucketAndKey[1]);
      if (head.serverSideEncryption() != ServerSideEncryption.AWS_KMS
          || !lake.kmsKey().equals(head.ssekmsKeyId())) {
        unencrypted.add(String.join("/", bucketAndKey) + " " + head.serverSideEncryptionAsString());
      }
    }
    assertThat(unencrypted).isEmpty();
  }

  @Test
  void wrongPassword_failsOnOneLineNamingTheReference_neverTheValue() throws Exception {
    produce("refunds", 1, 2, 3);
    Plan plan = Planner.plan(useCase("refunds", WRONG));

    Captured run = runCapturingLogs(plan);

    TaskResult failed = ingestion(run.results(), plan);
    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Kafka ingestion refunds (topic refunds): the brokers "
                + kafka.bootstrapServers()
                + " rejected the SASL PLAIN credentials of user "
                + USER
                + ": check that secret "
                + WRONG
                + " holds this user's password and that the mechanism is enabled on the listener");
    assertThat(AwsLake.orderIds(environment, "raw.refunds"))
        .as("rows written with rejected credentials")
        .isEmpty();
    for (String value : List.of(wrongMarker, marker)) {
      assertThat(run.logs()).doesNotContain(value);
      assertThat(run.results().toString()).doesNotContain(value);
    }
  }

  @Test
  void missingSecret_failsOnOneLineNamingTheReferenceAndTheIngestion() throws Exception {
    SecretRef missing = SecretRef.parse("secretsmanager:lakeplan/kafka-nope");
    Plan plan = Planner.plan(useCase("returns", missing));

    TaskResult failed = ingestion(run(plan), plan);

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .startsWith("Cannot resolve secret " + missing + ": ")
        .endsWith(" (SASL PLAIN password of Kafka ingestion returns, topic returns)")
        .doesNotContain("\n");
  }
}
