package io.lakeplan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.dynamodb.DynamoDbWatermarkStore;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.SSEDescription;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.SSEType;
import software.amazon.awssdk.services.kms.KmsClient;

/** An AWS environment's runtime pieces, found through ServiceLoader, on moto. */
@ExtendWith(MotoExtension.class)
class AwsRuntimeProviderIT {

  private static String kmsKey(MotoServer moto) {
    try (KmsClient kms = MotoClients.onMoto(KmsClient.builder(), moto).build()) {
      return kms.createKey(b -> b.description("lakeplan runtime test")).keyMetadata().arn();
    }
  }

  @Test
  void dynamodbWatermarks_comeFromTheAwsProvider_andPersistAcrossRuntimes(MotoServer moto) {
    String key = kmsKey(moto);
    Environment environment =
        Environment.builder()
            .from(MotoClients.environment(moto))
            .watermarks("dynamodb:lakeplan-watermarks")
            .kmsKey(key)
            .build();

    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      assertThat(runtime.watermarks()).isInstanceOf(DynamoDbWatermarkStore.class);
      runtime.watermarks().compareAndSet("raw.orders", null, Watermark.of(42L));
    }
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      assertThat(runtime.watermarks().get("raw.orders")).contains(Watermark.of(42L));
    }
    try (DynamoDbClient dynamoDb = MotoClients.of(moto).dynamoDb()) {
      assertThat(dynamoDb.listTables().tableNames()).containsExactly("lakeplan-watermarks");
      // encrypted at rest with the environment's key
      SSEDescription sse =
          dynamoDb.describeTable(b -> b.tableName("lakeplan-watermarks")).table().sseDescription();
      assertThat(sse.status()).isEqualTo(SSEStatus.ENABLED);
      assertThat(sse.sseType()).isEqualTo(SSEType.KMS);
      assertThat(sse.kmsMasterKeyArn()).isEqualTo(key);
    }
  }

  @Test
  void glueCatalog_propertiesNameGlueS3FileIoSseKmsAndTheEndpoint(MotoServer moto) {
    String key = kmsKey(moto);
    Environment environment =
        Environment.builder()
            .from(MotoClients.environment(moto))
            .catalog(
                CatalogSettings.builder()
                    .type(CatalogSettings.Type.GLUE)
                    .warehouse("s3://lake/warehouse")
                    .build())
            .kmsKey(key)
            .build();

    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      assertThat(runtime.catalogProperties())
          .containsEntry("catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog")
          .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
          .containsEntry("warehouse", "s3://lake/warehouse")
          .containsEntry("client.region", MotoServer.REGION)
          .containsEntry("glue.endpoint", moto.endpoint().toString())
          .containsEntry("s3.endpoint", moto.endpoint().toString())
          .containsEntry("s3.path-style-access", "true")
          .containsEntry("s3.sse.type", "kms")
          .containsEntry("s3.sse.key", key)
          .doesNotContainKeys("s3.access-key-id", "s3.secret-access-key");
    }
  }
}
