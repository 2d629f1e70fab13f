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

/** An AWS environment's runtime pieces, found through ServiceLoader, on moto. */
@ExtendWith(MotoExtension.class)
class AwsRuntimeProviderIT {

  @Test
  void dynamodbWatermarks_comeFromTheAwsProvider_andPersistAcrossRuntimes(MotoServer moto) {
    Environment environment =
        Environment.builder()
            .from(MotoClients.environment(moto))
            .watermarks("dynamodb:lakeplan-watermarks")
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
    }
  }

  @Test
  void glueCatalog_propertiesNameGlueS3FileIoSseKmsAndTheEndpoint(MotoServer moto) {
    Environment environment =
        Environment.builder()
            .from(MotoClients.environment(moto))
            .catalog(
                CatalogSettings.builder()
                    .type(CatalogSettings.Type.GLUE)
                    .warehouse("s3://lake/warehouse")
                    .build())
            .kmsKey("alias/lake")
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
          .containsEntry("s3.sse.key", "alias/lake")
          .doesNotContainKeys("s3.access-key-id", "s3.secret-access-key");
    }
  }
}
