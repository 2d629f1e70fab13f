package io.lakeplan.aws.deploy;

import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.env.Environment;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** One-line failures of a deployment's AWS calls: the resource, the cause and the fix. */
final class DeployErrors {
  private DeployErrors() {}

  /**
   * {@code e}, met on {@code resource}, as one line; {@code permissions} are the IAM actions the
   * identity that deploys needs on it.
   */
  static IllegalStateException failure(
      Environment environment, String resource, String permissions, SdkException e) {
    if (AwsErrors.isAccessDenied(e)) {
      return new IllegalStateException(
          "Access denied to "
              + resource
              + region(environment)
              + ": the identity that deploys needs "
              + permissions
              + " on it ("
              + AwsErrors.firstLine(e)
              + ")",
          e);
    }
    if (e instanceof AwsServiceException service
        && !AwsErrors.isThrottling(e)
        && service.awsErrorDetails() != null
        && service.awsErrorDetails().errorMessage() != null) {
      // AWS refused the request and said why: its words, without the SDK's request details
      return new IllegalStateException(
          resource
              + region(environment)
              + " failed: "
              + AwsErrors.firstLine(e)
              + " ("
              + errorCode(e)
              + ")",
          e);
    }
    return new IllegalStateException(
        AwsErrors.describe(
            resource, environment.region(), environment.endpointOverride(), permissions, e),
        e);
  }

  static String region(Environment environment) {
    return " (region "
        + (environment.region() == null ? "from the runtime" : environment.region())
        + ")";
  }

  static String errorCode(SdkException e) {
    return e instanceof AwsServiceException service && service.awsErrorDetails() != null
        ? String.valueOf(service.awsErrorDetails().errorCode())
        : "";
  }

  static boolean notFound(SdkException e) {
    return e instanceof AwsServiceException service && service.statusCode() == 404;
  }
}
