package io.lakeplan.aws.internal;

import io.lakeplan.env.Environment;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One-line descriptions of AWS failures met inside a task (Iceberg's GlueCatalog and S3FileIO, S3A,
 * the watermark store): which resource, what went wrong, what to check. The resource is named from
 * the failure (a bucket in S3's error body, the service in the call stack) and the environment (the
 * warehouse).
 */
public final class AwsFailures {
  private static final Pattern BUCKET = Pattern.compile("<BucketName>([^<]+)</BucketName>");
  private static final Pattern PATH = Pattern.compile("s3a?://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])");
  private static final Pattern SERVICE_FRAME =
      Pattern.compile("software\\.amazon\\.awssdk\\.services\\.([a-z0-9]+)\\..*");
  private static final String S3_PERMISSIONS =
      "s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket";
  private static final String GLUE_PERMISSIONS =
      "glue:GetDatabase, glue:CreateDatabase, glue:GetTable, glue:GetTables, glue:CreateTable and"
          + " glue:UpdateTable";

  private AwsFailures() {}

  /** The first AWS SDK exception in {@code failure}'s cause chain, if any. */
  public static Optional<SdkException> find(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SdkException sdk) {
        return Optional.of(sdk);
      }
      for (Throwable suppressed : cause.getSuppressed()) {
        if (suppressed instanceof SdkException sdk) {
          return Optional.of(sdk);
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  /** A one-line description of {@code failure} when an AWS SDK exception caused it. */
  public static Optional<String> describe(Environment environment, Throwable failure) {
    return find(failure).map(sdk -> describe(environment, sdk, failure));
  }

  private static String describe(Environment environment, SdkException e, Throwable failure) {
    String service = service(e);
    String region = environment.region();
    String endpoint = environment.endpointOverride();
    if ("s3".equals(service)) {
      String bucket = bucket(e);
      if (bucket == null) {
        bucket = bucketInMessages(failure);
      }
      if (bucket == null) {
        // S3FileIO's exceptions name no path, and it only reads and writes table files, which
        // live under the warehouse
        bucket = warehouseBucket(environment);
      }
      String resource =
          bucket != null
              ? "S3 bucket " + bucket
              : "S3 (warehouse " + environment.catalog().warehouse() + ")";
      if (e instanceof AwsServiceException service404
          && "NoSuchBucket".equals(errorCode(service404))) {
        return resource
            + " (region "
            + (region == null ? "from the runtime" : region)
            + ") does not exist: create it, or fix catalog.warehouse or the use case's landing"
            + " location (and check the region and endpoint-override)";
      }
      return AwsErrors.describe(resource, region, endpoint, S3_PERMISSIONS, e);
    }
    if ("glue".equals(service)) {
      return AwsErrors.describe(
          "Glue Data Catalog (warehouse " + environment.catalog().warehouse() + ")",
          region,
          endpoint,
          GLUE_PERMISSIONS,
          e);
    }
    String name = service == null ? "AWS" : service.toUpperCase(Locale.ROOT);
    return AwsErrors.describe(name, region, endpoint, "the " + name + " actions of the task", e);
  }

  /** The service whose client made the failed call, from the call stack (e.g. {@code s3}). */
  static String service(SdkException e) {
    if (e instanceof AwsServiceException service
        && service.awsErrorDetails() != null
        && service.awsErrorDetails().serviceName() != null) {
      return service.awsErrorDetails().serviceName().toLowerCase(Locale.ROOT);
    }
    for (StackTraceElement frame : e.getStackTrace()) {
      Matcher matcher = SERVICE_FRAME.matcher(frame.getClassName());
      if (matcher.matches()) {
        return matcher.group(1);
      }
    }
    return null;
  }

  private static String bucket(SdkException e) {
    if (!(e instanceof AwsServiceException service)
        || service.awsErrorDetails() == null
        || service.awsErrorDetails().rawResponse() == null) {
      return null;
    }
    Matcher matcher =
        BUCKET.matcher(service.awsErrorDetails().rawResponse().asString(StandardCharsets.UTF_8));
    return matcher.find() ? matcher.group(1) : null;
  }

  /**
   * The bucket of an {@code s3://}/{@code s3a://} path in a message of the chain (S3A names it).
   */
  private static String bucketInMessages(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      Matcher matcher = PATH.matcher(String.valueOf(cause.getMessage()));
      if (matcher.find()) {
        return matcher.group(1);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  /** The bucket of an {@code s3://} or {@code s3a://} warehouse, else null. */
  private static String warehouseBucket(Environment environment) {
    Matcher matcher = PATH.matcher(environment.catalog().warehouse());
    return matcher.lookingAt() ? matcher.group(1) : null;
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
