package io.lakeplan.cli;

import io.lakeplan.testkit.moto.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/** AWS clients of the CLI's tests on moto: its endpoint, region and static test credentials. */
final class MotoClientsCli {
  private MotoClientsCli() {}

  static <B extends AwsClientBuilder<B, C>, C> C client(B builder, MotoServer moto) {
    return builder
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)))
        .build();
  }
}
