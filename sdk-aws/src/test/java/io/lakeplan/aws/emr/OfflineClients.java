package io.lakeplan.aws.emr;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clients for tests that only build requests: they point at a closed loopback port, so a call that
 * was not meant to happen fails instead of reaching anything.
 */
final class OfflineClients implements AutoCloseable {
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

  final EmrServerlessClient emrServerless = offline(EmrServerlessClient.builder());
  final S3Client s3 = offline(S3Client.builder());

  private static <B extends AwsClientBuilder<B, C>, C> C offline(B builder) {
    return builder
        .region(Region.US_EAST_1)
        .endpointOverride(NOWHERE)
        .credentialsProvider(AnonymousCredentialsProvider.create())
        .build();
  }

  @Override
  public void close() {
    emrServerless.close();
    s3.close();
  }
}
