package io.lakeplan.aws.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.model.SecretRef;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Resolves {@code secretsmanager:} and {@code ssm:} references through the AWS SDK when a task
 * runs.
 *
 * <ul>
 *   <li>{@code secretsmanager:NAME_OR_ARN} is the secret's string value; {@code
 *       secretsmanager:NAME#FIELD} is field {@code FIELD} of a JSON secret (as RDS secrets hold
 *       {@code {"username":…,"password":…}}).
 *   <li>{@code ssm:/PATH} is the parameter's value, decrypted (SecureString).
 * </ul>
 *
 * <p>Values are never logged or kept in a message: a failure names the reference, what went wrong
 * and the fix (create the secret, grant {@code secretsmanager:GetSecretValue} / {@code
 * ssm:GetParameter}, check the region).
 */
public final class AwsSecretResolver implements SecretResolver, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SecretsManagerClient secretsManager;
  private final SsmClient ssm;
  private final Duration callTimeout;
  private final boolean closeClients;

  private AwsSecretResolver(Builder builder) {
    this.secretsManager = builder.secretsManager;
    this.ssm = builder.ssm;
    this.callTimeout = builder.callTimeout;
    this.closeClients = builder.closeClients;
  }

  /** A builder; give the client of each store this resolver serves. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String resolve(SecretRef reference) {
    Objects.requireNonNull(reference, "reference");
    switch (reference.provider()) {
      case SECRETSMANAGER:
        return secretsManager(reference);
      case SSM:
        return ssm(reference);
      default:
        throw new SecretResolutionException(
            reference, "the AWS resolver reads secretsmanager: and ssm: references only");
    }
  }

  private String secretsManager(SecretRef reference) {
    if (secretsManager == null) {
      throw new SecretResolutionException(reference, "no Secrets Manager client is configured");
    }
    String name = reference.name();
    int hash = name.lastIndexOf('#');
    String secretId = hash < 0 ? name : name.substring(0, hash);
    String field = hash < 0 ? null : name.substring(hash + 1);
    GetSecretValueResponse response;
    try {
      response =
          secretsManager.getSecretValue(b -> b.secretId(secretId).overrideConfiguration(timeout()));
    } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
      throw new SecretResolutionException(
          reference,
          "Secrets Manager has no secret "
              + secretId
              + region(secretsManager.serviceClientConfiguration().region())
              + ": create it or fix the reference (and check the environment's region)");
    } catch (SdkException e) {
      throw new SecretResolutionException(
          reference,
          AwsErrors.describe(
              "Secrets Manager secret " + secretId,
              regionId(secretsManager.serviceClientConfiguration().region()),
              secretsManager
                  .serviceClientConfiguration()
                  .endpointOverride()
                  .map(Object::toString)
                  .orElse(null),
              "secretsmanager:GetSecretValue",
              e));
    }
    String value = response.secretString();
    if (value == null) {
      throw new SecretResolutionException(
          reference, "secret " + secretId + " holds binary data; store the value as a string");
    }
    if (field == null) {
      return value;
    }
    try {
      JsonNode node = JSON.readTree(value).get(field);
      if (node == null || !node.isValueNode()) {
        throw new SecretResolutionException(
            reference,
            "secret " + secretId + " has no text field '" + field + "' (fix the name after #)");
      }
      return node.asText();
    } catch (IOException e) {
      // the parser's message could quote the value: leave it out
      throw new SecretResolutionException(
          reference, "secret " + secretId + " is not JSON, so it has no field '" + field + "'");
    }
  }

  private String ssm(SecretRef reference) {
    if (ssm == null) {
      throw new SecretResolutionException(reference, "no SSM client is configured");
    }
    try {
      return ssm.getParameter(
              b -> b.name(reference.name()).withDecryption(true).overrideConfiguration(timeout()))
          .parameter()
          .value();
    } catch (ParameterNotFoundException e) {
      throw new SecretResolutionException(
          reference,
          "SSM Parameter Store has no parameter "
              + reference.name()
              + region(ssm.serviceClientConfiguration().region())
              + ": create it (a SecureString) or fix the reference (and check the environment's"
              + " region)");
    } catch (SdkException e) {
      throw new SecretResolutionException(
          reference,
          AwsErrors.describe(
              "SSM parameter " + reference.name(),
              regionId(ssm.serviceClientConfiguration().region()),
              ssm.serviceClientConfiguration()
                  .endpointOverride()
                  .map(Object::toString)
                  .orElse(null),
              "ssm:GetParameter",
              e));
    }
  }

  private static String region(software.amazon.awssdk.regions.Region region) {
    return region == null ? "" : " in " + region.id();
  }

  private static String regionId(software.amazon.awssdk.regions.Region region) {
    return region == null ? null : region.id();
  }

  private AwsRequestOverrideConfiguration timeout() {
    return CallLimits.timeout(callTimeout);
  }

  /** Closes the clients when the builder was told the resolver owns them. */
  @Override
  public void close() {
    if (closeClients) {
      if (secretsManager != null) {
        secretsManager.close();
      }
      if (ssm != null) {
        ssm.close();
      }
    }
  }

  @Override
  public String toString() {
    return "AwsSecretResolver";
  }

  /** Builds an {@link AwsSecretResolver}. */
  public static final class Builder {
    private SecretsManagerClient secretsManager;
    private SsmClient ssm;
    private Duration callTimeout = Duration.ofSeconds(30);
    private boolean closeClients;

    private Builder() {}

    /** The client for {@code secretsmanager:} references; null: they fail. */
    public Builder secretsManager(SecretsManagerClient secretsManager) {
      this.secretsManager = secretsManager;
      return this;
    }

    /** The client for {@code ssm:} references; null: they fail. */
    public Builder ssm(SsmClient ssm) {
      this.ssm = ssm;
      return this;
    }

    /** The limit of each call, the client's retries included. Default: 30 s. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = CallLimits.positive(callTimeout);
      return this;
    }

    /** Whether {@link AwsSecretResolver#close()} closes the clients. Default: false. */
    public Builder closeClients(boolean closeClients) {
      this.closeClients = closeClients;
      return this;
    }

    /** The resolver. */
    public AwsSecretResolver build() {
      return new AwsSecretResolver(this);
    }
  }
}
