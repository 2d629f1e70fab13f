package io.lakeplan.aws.internal;

import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/** The per-call time limit every adapter puts on its requests. */
public final class CallLimits {
  private CallLimits() {}

  /**
   * {@code timeout}, checked.
   *
   * @throws IllegalArgumentException naming the value when it is null, zero or negative
   */
  public static Duration positive(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "Invalid call timeout: " + timeout + " (must be positive)");
    }
    return timeout;
  }

  /** A request override limiting the call, its retries included, to {@code timeout}. */
  public static AwsRequestOverrideConfiguration timeout(Duration timeout) {
    return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout).build();
  }
}
