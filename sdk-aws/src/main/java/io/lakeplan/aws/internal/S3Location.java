package io.lakeplan.aws.internal;

import java.util.Locale;

/**
 * An {@code s3://bucket/key} location: an object, or a folder when the key is empty or ends in
 * {@code /}.
 *
 * @param bucket the bucket
 * @param key the key, without a leading slash
 */
public record S3Location(String bucket, String key) {

  /** Whether {@code uri} is an {@code s3://} location. */
  public static boolean isS3(String uri) {
    return uri != null && uri.toLowerCase(Locale.ROOT).startsWith("s3://");
  }

  /**
   * {@code uri} as the bucket and key of an object.
   *
   * @throws IllegalArgumentException naming {@code uri} when it is not {@code s3://bucket/key}
   */
  public static S3Location parse(String uri) {
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

  /**
   * {@code uri}, the value of {@code setting}, as a bucket and a key that may be empty or a folder.
   *
   * @throws IllegalArgumentException naming {@code setting} and {@code uri} when it is not {@code
   *     s3://bucket/…}
   */
  public static S3Location parse(String setting, String uri) {
    if (!isS3(uri) || uri.length() <= "s3://".length()) {
      throw new IllegalArgumentException(setting + ": '" + uri + "' (an s3://bucket/key location)");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    return slash < 0
        ? new S3Location(rest, "")
        : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** The location as a folder: its key ends with {@code /} (or is empty). */
  public S3Location asFolder() {
    return key.isEmpty() || key.endsWith("/") ? this : new S3Location(bucket, key + "/");
  }

  /** The object {@code name} in this folder. */
  public S3Location resolve(String name) {
    return new S3Location(bucket, asFolder().key + name);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
