package io.lakeplan.spi;

import io.lakeplan.model.SecretRef;

/**
 * A secret reference could not be resolved. The message names the reference ({@code
 * secretsmanager:prod/orders-db}) and what to check, never a value.
 */
public class SecretResolutionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String reference;

  /**
   * @param reference the reference that failed
   * @param reason why, and what to check
   */
  public SecretResolutionException(SecretRef reference, String reason) {
    this(reference, reason, null);
  }

  /**
   * @param reference the reference that failed
   * @param reason why, and what to check
   * @param cause the store's error, if any (its message must not hold the value either)
   */
  public SecretResolutionException(SecretRef reference, String reason, Throwable cause) {
    super("Cannot resolve secret " + reference + ": " + reason, cause);
    this.reference = reference.toString();
  }

  /** The reference that failed, e.g. {@code ssm:/prod/orders/db-password}. */
  public String reference() {
    return reference;
  }
}
