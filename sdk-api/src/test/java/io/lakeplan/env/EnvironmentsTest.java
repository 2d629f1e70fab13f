package io.lakeplan.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.env.AirflowSettings.CrossDagMode;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.WatermarkStore;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

  static Environment aws() {
    return Environment.builder()
        .name("prod")
        .region("eu-west-1")
        .catalog(
            CatalogSettings.builder()
                .type(CatalogSettings.Type.GLUE)
                .warehouse("s3://acme-lake/warehouse")
                .putProperty("glue.skip-archive", "true")
                .build())
        .watermarks("dynamodb:lakeplan-watermarks")
        .secretProviders(
            List.of(
                SecretRef.Provider.ENV, SecretRef.Provider.SECRETSMANAGER, SecretRef.Provider.SSM))
        .kmsKey("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
        .notifications(
            Notifications.builder()
                .defaultSnsTopicArn("arn:aws:sns:eu-west-1:123456789012:lake")
                .emailSnsTopicArn("arn:aws:sns:eu-west-1:123456789012:lake-mail")
                .build())
        .airflow(
            AirflowSettings.builder()
                .emrApplicationId("00fexampleapp01")
                .jobJar("s3://acme-artifacts/lakeplan/lakeplan-job.jar")
                .pollInterval(Duration.ofSeconds(30))
                .crossDagMode(CrossDagMode.SENSORS)
                .version("2.11.2")
                .putDataSyncTaskArn(
                    "orders-history",
                    "arn:aws:datasync:eu-west-1:123456789012:task/task-0123456789abcdef0")
                .startDate(Instant.parse("2024-06-01T00:00:00Z"))
                .build())
        .build();
  }

  @Test
  void yaml_roundTrips() {
    Environment environment = aws();

    String yaml = Environments.toYaml(environment);

    assertThat(yaml)
        .contains("type: glue")
        .contains("watermarks: dynamodb:lakeplan-watermarks")
        .contains("cross-dag-mode: sensors")
        .contains("version: 2.11.2")
        .contains("poll-interval: 30s")
        .contains("email-sns-topic-arn: arn:aws:sns:eu-west-1:123456789012:lake-mail")
        .doesNotContain("watermark-scheme");
    assertThat(Environments.read("prod.yaml", yaml)).isEqualTo(environment);
    assertThat(Environments.read("local.yaml", Environments.toYaml(Environment.local())))
        .isEqualTo(Environment.local());
  }

  @Test
  void noFile_isTheLocalDefault() {
    Environment local = Environments.load(null);

    assertThat(local).isEqualTo(Environment.local());
    assertThat(local.catalog().type()).isEqualTo(CatalogSettings.Type.HADOOP);
    assertThat(local.catalog().warehouse()).isEqualTo(".lakeplan/warehouse");
    assertThat(local.watermarkScheme()).isEqualTo("file");
    assertThat(local.watermarkLocation()).isEqualTo(".lakeplan/watermarks");
    assertThat(local.usesAws()).isFalse();
    assertThat(aws().usesAws()).isTrue();
  }

  @Test
  void read_unknownKeys_areProblemsWithTheirPathAndLine() {
    String yaml =
        """
        name: prod
        catalog:
          type: hadoop
          warehous: /tmp/warehouse
        airflow:
          emr-aplication-id: x
        """;

    assertThatThrownBy(() -> Environments.read("prod.yaml", yaml))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(p -> p.path() + " " + p.code() + " " + p.location())
                    .containsExactly(
                        "catalog.warehous unknown-key prod.yaml:4:13",
                        "airflow.emr-aplication-id unknown-key prod.yaml:6:22"))
        .hasMessageContaining("Unknown key 'warehous' (known keys here: properties, warehouse)");
  }

  @Test
  void read_badValues_areReportedAllAtOnce() {
    String yaml =
        """
        region: Europe
        watermarks: redis:x
        endpoint-override: ftp://127.0.0.1
        catalog:
          type: glue
          warehouse: /tmp/warehouse
        """;

    assertThatThrownBy(() -> Environments.read("bad.yaml", yaml))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("region: 'Europe' (an AWS region such as eu-west-1)")
        .hasMessageContaining("watermarks: 'redis:x' (write file:DIR or dynamodb:TABLE")
        .hasMessageContaining("endpoint-override: 'ftp://127.0.0.1'")
        .hasMessageContaining("a glue catalog's warehouse is an s3:// location");
  }

  @Test
  void read_airflowSettings_invalidValues_failListingEach() {
    assertThatThrownBy(
            () ->
                Environments.read(
                    "env.yaml", "airflow:\n  max-active-runs: 0\n  poll-interval: 0s\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("max-active-runs: 0")
        .hasMessageContaining("poll-interval: PT0S");
  }

  @Test
  void read_airflowVersion_isTheMwaaVersion_defaultTheNewest() {
    Environment environment = Environments.read("env.yaml", "airflow:\n  version: 2.11.2\n");

    assertThat(environment.airflow().version()).isEqualTo("2.11.2");
    assertThat(environment.airflow().majorVersion()).isEqualTo(2);
    assertThat(environment.airflow().minorVersion()).isEqualTo(11);
    assertThat(AirflowSettings.defaults().version())
        .isEqualTo(AirflowSettings.DEFAULT_VERSION)
        .isEqualTo("3.3.1");
  }

  @Test
  void read_airflowVersion_notAVersionOrBefore210_failsNamingTheVersionsToWrite() {
    assertThatThrownBy(() -> Environments.read("env.yaml", "airflow:\n  version: '3.3'\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "version: '3.3' (write the MWAA environment's Airflow version, MAJOR.MINOR.PATCH:"
                + " 2.10.3, 2.11.2, 3.0.6 or 3.3.1)");
    assertThatThrownBy(() -> Environments.read("env.yaml", "airflow:\n  version: 2.9.3\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("version: '2.9.3' (the rendered DAGs need Airflow 2.10 or later");
  }

  @Test
  void read_notificationTopics_badArnsAndAFifoEmailTopic_failNamingEach() {
    assertThatThrownBy(
            () ->
                Environments.read(
                    "env.yaml",
                    "notifications:\n  default-sns-topic-arn: lake\n  email-sns-topic-arn:"
                        + " arn:aws:sns:eu-west-1:123456789012:mail.fifo\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "default-sns-topic-arn: 'lake' (an SNS topic ARN: arn:aws:sns:REGION:ACCOUNT:TOPIC)")
        .hasMessageContaining(
            "email-sns-topic-arn: 'arn:aws:sns:eu-west-1:123456789012:mail.fifo' (a FIFO topic"
                + " cannot have e-mail subscriptions: name a standard topic)");
  }

  @Test
  void runtime_withoutANotificationRuntime_saysSoForEveryTarget() {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(aws(), List.of())) {
      assertThat(
              runtime
                  .notifier()
                  .cannotNotify(io.lakeplan.model.NotificationTarget.Email.of("ops@example.com")))
          .isEqualTo(
              "environment prod has no runtime for notifications on the class path (add sdk-aws"
                  + " to the class path)");
    }
  }

  @Test
  void read_wrongEnumValue_namesTheValidOnes() {
    assertThatThrownBy(() -> Environments.read("env.yaml", "catalog:\n  type: hive\n"))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e -> assertThat(e.problems().get(0).code()).isEqualTo(ProblemCode.INVALID_VALUE))
        .hasMessageContaining("Invalid value 'hive' (use one of: hadoop, glue)");
  }

  @Test
  void read_credentialsInCatalogProperties_areRejected() {
    assertThatThrownBy(
            () ->
                Environments.read(
                    "env.yaml", "catalog:\n  properties:\n    s3.secret-access-key: abc\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("catalog.properties.s3.secret-access-key: credentials do not belong")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abc"));
  }

  @Test
  void read_awsEnvironmentWithoutKmsKey_isAProblemNamingKmsKeyAndTheForm() {
    for (String yaml :
        List.of(
            "catalog:\n  type: glue\n  warehouse: s3://lake/warehouse\n",
            "watermarks: dynamodb:lakeplan-watermarks\n",
            "secret-providers: [env, ssm]\n")) {
      assertThatThrownBy(() -> Environments.read("env.yaml", yaml))
          .as(yaml)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(
              "kms-key: missing (an AWS environment — a glue catalog, dynamodb watermarks or AWS"
                  + " secret stores — encrypts every S3 object, the DynamoDB table and the EMR job"
                  + " logs with its own key: write the ARN of a KMS key, e.g."
                  + " arn:aws:kms:eu-west-1:123456789012:key/");
    }
    assertThat(Environments.read("env.yaml", "name: dev\n").kmsKey()).isNull();
  }

  @Test
  void read_kmsKeyAliasOrId_isAProblemAskingForTheKeyArn() {
    for (String key : List.of("alias/lake", "1234abcd-12ab-34cd-56ef-1234567890ab")) {
      assertThatThrownBy(() -> Environments.read("env.yaml", "kms-key: " + key + "\n"))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining(
              "kms-key: '" + key + "' (write the ARN of a KMS key, e.g. arn:aws:kms:")
          .hasMessageContaining(
              "EMR Serverless encrypts job logs only with a key ARN, not an alias or key id)");
    }
  }

  @Test
  void read_s3EncryptionInCatalogProperties_isAProblemPerKeyNamingTheFix() {
    String yaml =
        """
        kms-key: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        catalog:
          type: glue
          warehouse: s3://lake/warehouse
          properties:
            s3.sse.type: none
            hadoop.fs.s3a.encryption.algorithm: SSE-S3
            glue.skip-archive: "true"
        """;

    assertThatThrownBy(() -> Environments.read("env.yaml", yaml))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "catalog.properties: s3.sse.type configures S3 encryption (Lakeplan writes every S3"
                + " object SSE-KMS with the environment's kms-key itself: remove the setting (to"
                + " use another key, set kms-key))")
        .hasMessageContaining(
            "catalog.properties: hadoop.fs.s3a.encryption.algorithm configures S3 encryption")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("glue.skip-archive"));
  }

  @Test
  void read_s3EncryptionInSparkSubmitParameters_isAProblemPerKey() {
    String yaml =
        """
        airflow:
          spark-submit-parameters: >-
            --conf spark.executor.memory=4g
            --conf spark.hadoop.fs.s3.enableServerSideEncryption=false
            --conf spark.sql.catalog.lakeplan.s3.sse.type=s3
            --conf spark.io.encryption.enabled=true
        """;

    assertThatThrownBy(() -> Environments.read("env.yaml", yaml))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "spark-submit-parameters: --conf spark.hadoop.fs.s3.enableServerSideEncryption"
                + " configures S3 encryption (Lakeplan writes every S3 object SSE-KMS")
        .hasMessageContaining(
            "spark-submit-parameters: --conf spark.sql.catalog.lakeplan.s3.sse.type configures")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .doesNotContain("spark.executor.memory")
                    .doesNotContain("spark.io.encryption"));
  }

  @Test
  void read_wrongApiVersion_isAProblem() {
    assertThatThrownBy(() -> Environments.read("env.yaml", "api-version: lakeplan/v9\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Unsupported api-version 'lakeplan/v9'");
  }

  @Test
  void runtime_hadoopCatalog_hasAnAbsoluteWarehouse() {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(Environment.local(), List.of())) {
      assertThat(runtime.catalogProperties())
          .containsEntry("type", "hadoop")
          .containsEntry(
              "warehouse",
              Path.of(".lakeplan/warehouse").toAbsolutePath().normalize().toUri().toString());
    }
  }

  @Test
  void runtime_withoutAProviderForTheScheme_failsNamingStoreAndFix() {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(aws(), List.of())) {
      assertThatThrownBy(runtime::watermarks)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Environment prod keeps watermarks in dynamodb:lakeplan-watermarks, but no runtime"
                  + " for 'dynamodb:' is on the class path (add sdk-aws to the class path; the job"
                  + " jar has it); runtimes found: none");
      assertThatThrownBy(runtime::catalogProperties)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("uses a glue catalog, but no runtime for it is on the class path");
    }
  }

  @Test
  void runtime_secretOfAStoreTheEnvironmentDoesNotEnable_failsNamingTheReference() {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(Environment.local(), List.of())) {
      assertThatThrownBy(
              () -> runtime.secrets().resolve(SecretRef.parse("secretsmanager:prod/orders-db")))
          .isInstanceOf(SecretResolutionException.class)
          .hasMessage(
              "Cannot resolve secret secretsmanager:prod/orders-db: environment local does not"
                  + " enable secretsmanager secrets (add it to secret-providers, or use"
                  + " env:VARIABLE for a local run)");
      assertThatThrownBy(
              () -> runtime.secrets().resolve(SecretRef.env("LAKEPLAN_SURELY_UNSET_VARIABLE")))
          .isInstanceOf(SecretResolutionException.class)
          .hasMessage(
              "Cannot resolve secret env:LAKEPLAN_SURELY_UNSET_VARIABLE: environment variable"
                  + " LAKEPLAN_SURELY_UNSET_VARIABLE is not set");
    }
  }

  @Test
  void runtime_usesTheFirstProviderServingAScheme_andClosesWhatItOpened() {
    ClosingStore store = new ClosingStore();
    RuntimeProvider provider =
        new RuntimeProvider() {
          @Override
          public String name() {
            return "test";
          }

          @Override
          public Optional<WatermarkStore> watermarkStore(Environment environment) {
            return Optional.of(store);
          }

          @Override
          public Optional<Map<String, String>> catalogProperties(Environment environment) {
            return Optional.of(Map.of("catalog-impl", "x.Glue"));
          }
        };
    EnvironmentRuntime runtime = EnvironmentRuntime.open(aws(), List.of(provider));

    assertThat(runtime.watermarks()).isSameAs(store);
    assertThat(runtime.catalogProperties())
        .containsExactly(
            Map.entry("catalog-impl", "x.Glue"), Map.entry("glue.skip-archive", "true"));
    runtime.close();
    assertThat(store.closed).isTrue();
  }

  private static final class ClosingStore implements WatermarkStore, AutoCloseable {
    boolean closed;

    @Override
    public Optional<io.lakeplan.spi.Watermark> get(String key) {
      return Optional.empty();
    }

    @Override
    public boolean compareAndSet(
        String key, io.lakeplan.spi.Watermark expected, io.lakeplan.spi.Watermark next) {
      return false;
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
