package io.lakeplan.aws.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.aws.MotoClients;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** Secrets Manager and SSM references resolved on moto, and how they fail. */
@ExtendWith(MotoExtension.class)
class AwsSecretResolverIT {
  private static final String PASSWORD = "s3cr3t-Value-42";
  private static SecretsManagerClient secretsManager;
  private static SsmClient ssm;
  private static AwsSecretResolver resolver;
  private static Environment environment;

  @BeforeAll
  static void start(MotoServer moto) {
    environment = MotoClients.environment(moto);
    secretsManager = MotoClients.of(environment).secretsManager();
    ssm = MotoClients.of(environment).ssm();
    resolver = AwsSecretResolver.builder().secretsManager(secretsManager).ssm(ssm).build();
    secretsManager.createSecret(b -> b.name("prod/orders-db-password").secretString(PASSWORD));
    secretsManager.createSecret(
        b ->
            b.name("prod/orders-db")
                .secretString("{\"username\":\"orders\",\"password\":\"" + PASSWORD + "\"}"));
    ssm.putParameter(
        b -> b.name("/prod/orders/db-password").value(PASSWORD).type(ParameterType.SECURE_STRING));
  }

  @AfterAll
  static void stop() {
    secretsManager.close();
    ssm.close();
  }

  @Test
  void secretsManager_stringSecret_resolves() {
    assertThat(resolver.resolve(SecretRef.parse("secretsmanager:prod/orders-db-password")))
        .isEqualTo(PASSWORD);
  }

  @Test
  void secretsManager_fieldOfAJsonSecret_resolves() {
    assertThat(resolver.resolve(SecretRef.parse("secretsmanager:prod/orders-db#password")))
        .isEqualTo(PASSWORD);
  }

  @Test
  void ssm_secureString_resolvesDecrypted() {
    assertThat(resolver.resolve(SecretRef.parse("ssm:/prod/orders/db-password")))
        .isEqualTo(PASSWORD);
  }

  @Test
  void missingSecret_failsNamingTheReferenceAndTheFix() {
    assertThatThrownBy(() -> resolver.resolve(SecretRef.parse("secretsmanager:prod/nope")))
        .isInstanceOf(SecretResolutionException.class)
        .hasMessage(
            "Cannot resolve secret secretsmanager:prod/nope: Secrets Manager has no secret"
                + " prod/nope in us-east-1: create it or fix the reference (and check the"
                + " environment's region)");
    assertThatThrownBy(() -> resolver.resolve(SecretRef.parse("ssm:/prod/nope")))
        .isInstanceOf(SecretResolutionException.class)
        .hasMessage(
            "Cannot resolve secret ssm:/prod/nope: SSM Parameter Store has no parameter"
                + " /prod/nope in us-east-1: create it (a SecureString) or fix the reference (and"
                + " check the environment's region)");
  }

  @Test
  void missingField_failsWithoutShowingTheValue() {
    assertThatThrownBy(() -> resolver.resolve(SecretRef.parse("secretsmanager:prod/orders-db#pwd")))
        .isInstanceOf(SecretResolutionException.class)
        .hasMessage(
            "Cannot resolve secret secretsmanager:prod/orders-db#pwd: secret prod/orders-db has no"
                + " text field 'pwd' (fix the name after #)");
    assertThatThrownBy(
            () -> resolver.resolve(SecretRef.parse("secretsmanager:prod/orders-db-password#x")))
        .isInstanceOf(SecretResolutionException.class)
        .hasMessageNotContaining(PASSWORD)
        .hasMessageContaining("is not JSON, so it has no field 'x'");
  }

  @Test
  void runtime_resolvesThroughTheAwsProvider_whenTheEnvironmentEnablesTheStores() {
    Environment aws =
        Environment.builder()
            .from(environment)
            .secretProviders(
                List.of(
                    SecretRef.Provider.ENV,
                    SecretRef.Provider.SECRETSMANAGER,
                    SecretRef.Provider.SSM))
            .kmsKey("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            .build();
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(aws)) {
      assertThat(runtime.secrets().resolve(SecretRef.parse("ssm:/prod/orders/db-password")))
          .isEqualTo(PASSWORD);
      assertThat(
              runtime.secrets().resolve(SecretRef.parse("secretsmanager:prod/orders-db-password")))
          .isEqualTo(PASSWORD);
    }
  }
}
