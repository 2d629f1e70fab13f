package io.lakeplan.aws;

import io.lakeplan.aws.dynamodb.DynamoDbWatermarkStore;
import io.lakeplan.aws.glue.GlueCatalogProperties;
import io.lakeplan.aws.internal.AwsFailures;
import io.lakeplan.aws.notifications.AwsNotifier;
import io.lakeplan.aws.s3.S3FileSystemProperties;
import io.lakeplan.aws.secrets.AwsSecretResolver;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.RuntimeProvider;
import io.lakeplan.model.SecretRef;
import io.lakeplan.run.Notifier;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.WatermarkStore;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS runtime of an environment, found by {@link java.util.ServiceLoader}: {@code dynamodb:}
 * watermark stores, {@code secretsmanager:} and {@code ssm:} secrets, the {@code glue} catalog, the
 * Hadoop settings of {@code s3://} landing files, notifications (SNS, e-mail through SNS, Slack:
 * {@link AwsNotifier}) and one-line descriptions of AWS failures. Clients come from {@link
 * AwsClients} (region, endpoint override, bounded retries, timeouts, default credential chain) and
 * are closed with the runtime.
 */
public final class AwsRuntimeProvider implements RuntimeProvider {

  @Override
  public String name() {
    return "aws";
  }

  @Override
  public Optional<WatermarkStore> watermarkStore(Environment environment) {
    if (!"dynamodb".equals(environment.watermarkScheme())) {
      return Optional.empty();
    }
    return Optional.of(
        DynamoDbWatermarkStore.builder()
            .client(AwsClients.of(environment).dynamoDb())
            .closeClient(true)
            .tableName(environment.watermarkLocation())
            .kmsKey(environment.kmsKey())
            .build());
  }

  @Override
  public Optional<SecretResolver> secretResolver(
      Environment environment, SecretRef.Provider store) {
    AwsClients clients = AwsClients.of(environment);
    switch (store) {
      case SECRETSMANAGER:
        return Optional.of(
            AwsSecretResolver.builder()
                .secretsManager(clients.secretsManager())
                .closeClients(true)
                .build());
      case SSM:
        return Optional.of(
            AwsSecretResolver.builder().ssm(clients.ssm()).closeClients(true).build());
      default:
        return Optional.empty();
    }
  }

  /** SNS topics, e-mail through the environment's e-mail topic, and Slack webhooks. */
  @Override
  public Optional<Notifier> notifier(Environment environment, SecretResolver secrets) {
    return Optional.of(AwsNotifier.of(environment, secrets));
  }

  @Override
  public Optional<Map<String, String>> catalogProperties(Environment environment) {
    return environment.catalog().type() == CatalogSettings.Type.GLUE
        ? Optional.of(GlueCatalogProperties.of(environment))
        : Optional.empty();
  }

  @Override
  public Map<String, String> fileSystemProperties(Environment environment) {
    return S3FileSystemProperties.of(environment);
  }

  @Override
  public Optional<String> describeFailure(Environment environment, Throwable failure) {
    return AwsFailures.describe(environment, failure);
  }
}
