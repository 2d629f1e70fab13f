package io.lakeplan.aws;

import io.lakeplan.env.Environment;
import io.lakeplan.testkit.moto.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/** AWS clients of the tests: the moto endpoint, its region and the static test credentials. */
public final class MotoClients {
  private MotoClients() {}

  /** An AWS environment on {@code moto}: region, endpoint override, no catalog. */
  public static Environment environment(MotoServer moto) {
    return Environment.builder()
        .name("moto")
        .region(MotoServer.REGION)
        .endpointOverride(moto.endpoint().toString())
        .build();
  }

  /** Clients of {@code environment} with the static test credentials. */
  public static AwsClients of(Environment environment) {
    return AwsClients.of(
        environment,
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)));
  }

  /** Clients of {@link #environment(MotoServer)}. */
  public static AwsClients of(MotoServer moto) {
    return of(environment(moto));
  }

  /** {@code builder} pointed at {@code moto}: its endpoint, region and static test credentials. */
  public static <B extends AwsClientBuilder<B, C>, C> B onMoto(B builder, MotoServer moto) {
    return builder
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)));
  }
}
