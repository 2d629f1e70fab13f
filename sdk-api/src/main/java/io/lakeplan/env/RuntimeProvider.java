package io.lakeplan.env;

import io.lakeplan.model.SecretRef;
import io.lakeplan.run.Notifier;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.WatermarkStore;
import java.util.Map;
import java.util.Optional;

/**
 * Supplies the runtime pieces of an {@link Environment} for the schemes and stores it knows: found
 * with {@link java.util.ServiceLoader} (a {@code META-INF/services/io.lakeplan.env.RuntimeProvider}
 * entry), so an engine gets, say, a DynamoDB watermark store or Glue catalog properties without a
 * compile-time dependency on the cloud SDK. The local runtime (sdk-spark) serves {@code file:}
 * watermarks; the AWS runtime (sdk-aws) serves {@code dynamodb:}, {@code secretsmanager:}, {@code
 * ssm:}, the {@code glue} catalog and notifications (SNS, e-mail through SNS, Slack).
 *
 * <p>Objects a provider returns that implement {@link AutoCloseable} are closed with the {@link
 * io.lakeplan.env.EnvironmentRuntime} that asked for them.
 */
public interface RuntimeProvider {

  /** A short name for messages, e.g. {@code aws}. */
  String name();

  /**
   * The watermark store of {@code environment} ({@link Environment#watermarks()}), when this
   * provider serves its scheme.
   */
  default Optional<WatermarkStore> watermarkStore(Environment environment) {
    return Optional.empty();
  }

  /** A resolver for secrets kept in {@code store}, when this provider serves it. */
  default Optional<SecretResolver> secretResolver(
      Environment environment, SecretRef.Provider store) {
    return Optional.empty();
  }

  /**
   * The notifier of {@code environment}'s channels (SNS topics, e-mail through SNS, Slack webhooks
   * whose URLs {@code secrets} resolves when a notification is sent), when this provider serves
   * them.
   */
  default Optional<Notifier> notifier(Environment environment, SecretResolver secrets) {
    return Optional.empty();
  }

  /**
   * The Iceberg catalog properties ({@code catalog-impl}, {@code warehouse}, {@code io-impl}, …) of
   * {@code environment}'s catalog, when this provider serves its type.
   */
  default Optional<Map<String, String>> catalogProperties(Environment environment) {
    return Optional.empty();
  }

  /**
   * Hadoop file system settings for the object store of {@code environment} (e.g. encryption and
   * endpoint of {@code s3://} landing files), which the engine applies only where its runtime has
   * not set them, so a platform's own file system configuration wins. Empty by default.
   */
  default Map<String, String> fileSystemProperties(Environment environment) {
    return Map.of();
  }

  /**
   * A one-line description of {@code failure} (or one of its causes) when it comes from a service
   * this provider serves: the resource, what went wrong and what to check. Empty when the provider
   * does not recognise it. Never includes a secret value.
   */
  default Optional<String> describeFailure(Environment environment, Throwable failure) {
    return Optional.empty();
  }
}
