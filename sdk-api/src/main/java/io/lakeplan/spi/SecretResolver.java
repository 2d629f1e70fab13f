package io.lakeplan.spi;

import io.lakeplan.model.SecretRef;

/**
 * Turns a {@link SecretRef} into its value when a task runs. Values are never logged, written to a
 * plan, a file or a {@code toString()}; a resolver's errors name the reference, never a value.
 */
public interface SecretResolver {

  /**
   * The value behind {@code reference}.
   *
   * @throws SecretResolutionException naming the reference and the fix when there is no such
   *     secret, the store denies access or cannot be reached, or the store is not enabled
   */
  String resolve(SecretRef reference);

  /** Resolves {@code env:NAME} from this process's environment variables; other stores fail. */
  static SecretResolver environmentVariables() {
    return reference -> {
      if (reference.provider() != SecretRef.Provider.ENV) {
        throw new SecretResolutionException(
            reference,
            "the environment does not enable "
                + reference.provider().name().toLowerCase(java.util.Locale.ROOT)
                + " secrets (add it to secret-providers, or use env:VARIABLE for a local run)");
      }
      String value = System.getenv(reference.name());
      if (value == null) {
        throw new SecretResolutionException(
            reference, "environment variable " + reference.name() + " is not set");
      }
      return value;
    };
  }
}
