package io.lakeplan.aws.deploy;

/**
 * An {@code s3://bucket/key} location (a key may be empty or end in {@code /}: a folder).
 *
 * @param bucket the bucket
 * @param key the key, without a leading slash
 */
record ObjectLocation(String bucket, String key) {
  /**
   * {@code uri} as bucket and key.
   *
   * @throws IllegalArgumentException naming {@code setting} and {@code uri} when it is not {@code
   *     s3://bucket/…}
   */
  static ObjectLocation parse(String setting, String uri) {
    if (uri == null || !uri.startsWith("s3://") || uri.length() <= "s3://".length()) {
      throw new IllegalArgumentException(setting + ": '" + uri + "' (an s3://bucket/key location)");
    }
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    return slash < 0
        ? new ObjectLocation(rest, "")
        : new ObjectLocation(rest.substring(0, slash), rest.substring(slash + 1));
  }

  /** The location as a folder: its key ends with {@code /} (or is empty). */
  ObjectLocation asFolder() {
    return key.isEmpty() || key.endsWith("/") ? this : new ObjectLocation(bucket, key + "/");
  }

  /** The object {@code name} in this folder. */
  ObjectLocation resolve(String name) {
    return new ObjectLocation(bucket, asFolder().key + name);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }
}
