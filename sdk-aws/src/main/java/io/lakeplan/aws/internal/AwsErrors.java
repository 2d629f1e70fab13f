package io.lakeplan.aws.internal;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One-line descriptions of AWS failures for users: which resource, what went wrong, and what to
 * check. Shared by every adapter so that a wrong region or endpoint, a missing resource, a denied
 * call and throttling read the same everywhere.
 */
public final class AwsErrors {
  private AwsErrors() {}

  /** Whether {@code e} is AWS telling the caller to slow down. */
  public static boolean isThrottling(SdkException e) {
    return e instanceof AwsServiceException service && service.isThrottlingException();
  }

  /** Whether {@code e} is an access denial (IAM, KMS, or credentials AWS does not know). */
  public static boolean isAccessDenied(SdkException e) {
    if (!(e instanceof AwsServiceException service)) {
      return false;
    }
    String code = service.awsErrorDetails() == null ? "" : service.awsErrorDetails().errorCode();
    return service.statusCode() == 403
        || "AccessDeniedException".equals(code)
        || "AccessDenied".equals(code)
        || "UnrecognizedClientException".equals(code)
        || "InvalidClientTokenId".equals(code)
        || "KMSAccessDeniedException".equals(code);
  }

  /**
   * A one-line message for a failed call on {@code resource} (e.g. {@code DynamoDB table
   * lakeplan-watermarks}): names the resource, the cause and what to check ({@code permissions}
   * lists the IAM actions the call needs).
   */
  public static String describe(
      String resource, String region, String endpoint, String permissions, SdkException e) {
    String where = " (region " + (region == null ? "from the runtime" : region) + ")";
    if (e instanceof ApiCallTimeoutException) {
      return resource
          + where
          + " did not answer in time: check the region and endpoint-override ("
          + (endpoint == null ? "AWS default" : endpoint)
          + ") and the network path to it";
    }
    if (e instanceof SdkClientException
        && String.valueOf(e.getMessage())
            .toLowerCase(java.util.Locale.ROOT)
            .contains("credentials")) {
      return "No AWS credentials for "
          + resource
          + where
          + ": run with a job role, or set the default credential chain (AWS_ACCESS_KEY_ID/"
          + "AWS_SECRET_ACCESS_KEY, a profile) ("
          + firstLine(e.getMessage())
          + ")";
    }
    if (e instanceof SdkClientException) {
      return "Cannot reach "
          + resource
          + where
          + " at "
          + (endpoint == null ? "the AWS endpoint" : endpoint)
          + ": check the region and endpoint-override ("
          + firstLine(e.getMessage())
          + ")";
    }
    if (isAccessDenied(e)) {
      return "Access denied to "
          + resource
          + where
          + ": check that the job role allows "
          + permissions
          + " on it (and kms:Decrypt/kms:GenerateDataKey on its KMS key)";
    }
    if (isThrottling(e)) {
      return resource
          + where
          + " is throttling requests after every retry: check its request quotas (Service"
          + " Quotas; on-demand capacity for DynamoDB) and how many jobs share it";
    }
    return resource + where + " failed: " + firstLine(e.getMessage());
  }

  /**
   * The first line of what AWS said about {@code e}: the service's error message, else the
   * exception's.
   */
  public static String firstLine(SdkException e) {
    String message =
        e instanceof AwsServiceException service
                && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorMessage() != null
            ? service.awsErrorDetails().errorMessage()
            : String.valueOf(e.getMessage());
    return firstLine(message);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
