package io.lakeplan.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * A reference to a secret held outside the use case: {@code env:ORDERS_DB_PASSWORD}, {@code
 * secretsmanager:prod/orders-db}, {@code ssm:/prod/orders/db-password}. Use cases never hold secret
 * values; engines resolve references at run time.
 */
public final class SecretRef {
  /** Where the secret is kept. */
  public enum Provider {
    /** An environment variable of the process that runs the task. */
    ENV,
    /** AWS Secrets Manager, by name or ARN. */
    SECRETSMANAGER,
    /** AWS Systems Manager Parameter Store, by parameter name (a SecureString). */
    SSM;

    String prefix() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Provider provider;
  private final String name;

  private SecretRef(Provider provider, String name) {
    this.provider = provider;
    this.name = name;
  }

  /** A reference to secret {@code name} in {@code provider}. */
  public static SecretRef of(Provider provider, String name) {
    Objects.requireNonNull(provider, "provider");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid secret reference: blank name for provider " + provider.prefix());
    }
    return new SecretRef(provider, name);
  }

  /** A reference to environment variable {@code variable}. */
  public static SecretRef env(String variable) {
    return of(Provider.ENV, variable);
  }

  /** Parses {@code provider:name}, e.g. {@code env:DB_PASSWORD}. */
  @JsonCreator
  public static SecretRef parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon > 0) {
      String prefix = text.substring(0, colon);
      for (Provider provider : Provider.values()) {
        if (provider.prefix().equals(prefix)) {
          return of(provider, text.substring(colon + 1));
        }
      }
    }
    // The text may itself be a secret a user pasted by mistake: never echo it.
    throw new IllegalArgumentException(
        "Invalid secret reference (value hidden): write env:NAME, secretsmanager:NAME or"
            + " ssm:/PARAMETER, never the secret itself");
  }

  /** The store that holds the secret. */
  public Provider provider() {
    return provider;
  }

  /** The secret's name, ARN or parameter path in its store. */
  public String name() {
    return name;
  }

  @JsonValue
  @Override
  public String toString() {
    return provider.prefix() + ":" + name;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SecretRef that && provider == that.provider && name.equals(that.name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(provider, name);
  }
}
