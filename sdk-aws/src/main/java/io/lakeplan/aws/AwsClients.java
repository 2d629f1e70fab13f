package io.lakeplan.aws;

import io.lakeplan.env.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.datasync.DataSyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.SnsClientBuilder;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * AWS SDK v2 clients configured from an {@link Environment}: its region, its endpoint override
 * (path-style S3 with it), bounded retries (standard mode, {@value #MAX_ATTEMPTS} attempts), and
 * time limits on every call ({@link #CALL_TIMEOUT}) and connection. Credentials come from the SDK's
 * default chain: the job role on EMR Serverless, the usual environment variables, system properties
 * or profile elsewhere; an environment file never holds them.
 */
public final class AwsClients {
  /** Attempts per call, the first included, before a retryable failure is reported. */
  public static final int MAX_ATTEMPTS = 4;

  /** The limit on one API call, retries included. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Environment environment;
  private final AwsCredentialsProvider credentials;

  private AwsClients(Environment environment, AwsCredentialsProvider credentials) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /** Clients of {@code environment} with the default credential chain. */
  public static AwsClients of(Environment environment) {
    return new AwsClients(environment, DefaultCredentialsProvider.builder().build());
  }

  /** Clients of {@code environment} with {@code credentials} (tests: static test credentials). */
  public static AwsClients of(Environment environment, AwsCredentialsProvider credentials) {
    return new AwsClients(environment, credentials);
  }

  /** The environment the clients are configured from. */
  public Environment environment() {
    return environment;
  }

  /** A DynamoDB client. */
  public DynamoDbClient dynamoDb() {
    return configure(DynamoDbClient.builder()).build();
  }

  /** A Glue client. */
  public GlueClient glue() {
    return configure(GlueClient.builder()).build();
  }

  /** A DataSync client. */
  public DataSyncClient dataSync() {
    return configure(DataSyncClient.builder()).build();
  }

  /**
   * An IAM client. IAM is a global service: with no endpoint override, its client uses the global
   * region ({@code aws-global}) whatever the environment's region.
   */
  public IamClient iam() {
    software.amazon.awssdk.services.iam.IamClientBuilder builder = configure(IamClient.builder());
    if (environment.endpointOverride() == null) {
      builder.region(Region.AWS_GLOBAL);
    }
    return builder.build();
  }

  /** An EMR Serverless client. */
  public EmrServerlessClient emrServerless() {
    return configure(EmrServerlessClient.builder()).build();
  }

  /** A Secrets Manager client. */
  public SecretsManagerClient secretsManager() {
    return configure(SecretsManagerClient.builder()).build();
  }

  /** An SSM client. */
  public SsmClient ssm() {
    return configure(SsmClient.builder()).build();
  }

  /**
   * An SNS client of {@code region} (the region of the topic it publishes to: an SNS topic is
   * reached in its own region), or of the environment's region when {@code region} is null.
   */
  public SnsClient sns(String region) {
    SnsClientBuilder builder = configure(SnsClient.builder());
    if (region != null) {
      builder.region(Region.of(region));
    }
    return builder.build();
  }

  /** An S3 client; path-style when the environment overrides the endpoint. */
  public S3Client s3() {
    return configure(S3Client.builder())
        .forcePathStyle(environment.endpointOverride() != null)
        .build();
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    builder.credentialsProvider(credentials);
    if (environment.region() != null) {
      builder.region(Region.of(environment.region()));
    }
    if (environment.endpointOverride() != null) {
      builder.endpointOverride(URI.create(environment.endpointOverride()));
    }
    builder.overrideConfiguration(
        ClientOverrideConfiguration.builder()
            .retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(MAX_ATTEMPTS)
                    .build())
            .apiCallTimeout(CALL_TIMEOUT)
            .apiCallAttemptTimeout(CALL_TIMEOUT.dividedBy(2))
            .build());
    if (builder instanceof SdkSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(
          ApacheHttpClient.builder()
              .connectionTimeout(Duration.ofSeconds(5))
              .socketTimeout(Duration.ofSeconds(15)));
    }
    return builder;
  }
}
