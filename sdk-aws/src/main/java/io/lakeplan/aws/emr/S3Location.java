package io.lakeplan.aws.emr;

import java.util.Locale;

/**
 * An {@code s3://bucket/key} location.
 *
 * @param bucket the bucket
 * @param key the object key, without a leading slash
 */
record S3Location(String bucket, String key) {

  /** Whether {@code uri} is an {@code s3://} location (the one scheme this engine reads). */
  static boolean isS3(String uri) {
    return uri != null && uri.toLowerCase(Locale.ROOT).startsWith("s3://");
  }

  /**
   * {@code uri} as a bucket and key.
   *
   * @throws IllegalArgumentException naming {@code uri} when it is not {@code s3://bucket/key}
   */
  static S3Location parse(String uri) {
    if (!isS3(uri)) {
      throw new IllegalArgumentException("Not an s3:// location: " + uri);
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IllegalArgumentException(
          "Not an S3 object: " + uri + " (write s3://bucket/path/to/object)");
    }
    return new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
