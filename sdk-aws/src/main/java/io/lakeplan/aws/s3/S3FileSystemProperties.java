package io.lakeplan.aws.s3;

import io.lakeplan.env.Environment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hadoop file system settings of an AWS environment, for what Spark reads and writes with the
 * Hadoop API rather than Iceberg's S3FileIO: the {@code s3://} landing files of migrations (copy,
 * convert, reconcile). The engine applies each setting only where its runtime has not set it, so on
 * EMR Serverless {@code s3://} stays EMRFS and the EMRFS settings here only add SSE-KMS; elsewhere
 * {@code s3://} is served by S3A (hadoop-aws, which the runtime must provide) with the
 * environment's region, endpoint override (path-style) and SSE-KMS key, and the AWS SDK's default
 * credential chain like every other client.
 *
 * <p>Encryption: SSE-KMS on every object with {@link Environment#kmsKey()}, which every AWS
 * environment names (validation requires it). These encryption settings are the exception to "only
 * where the runtime has not set it": the engine always applies them.
 */
public final class S3FileSystemProperties {
  /** Hadoop's S3A file system, registered for {@code s3://} where the runtime has none. */
  public static final String S3A = "org.apache.hadoop.fs.s3a.S3AFileSystem";

  private S3FileSystemProperties() {}

  /** The settings of {@code environment}; empty when it uses no AWS service. */
  public static Map<String, String> of(Environment environment) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (!environment.usesAws()) {
      return properties;
    }
    // s3:// where the runtime has no file system for it (EMR's core-site names EMRFS)
    properties.put("fs.s3.impl", S3A);
    properties.put("fs.AbstractFileSystem.s3.impl", "org.apache.hadoop.fs.s3a.S3A");
    properties.put("fs.s3a.encryption.algorithm", "SSE-KMS");
    properties.put("fs.s3.enableServerSideEncryption", "true");
    if (environment.kmsKey() != null) {
      properties.put("fs.s3a.encryption.key", environment.kmsKey());
      properties.put("fs.s3.serverSideEncryption.kms.keyId", environment.kmsKey());
    }
    properties.put(
        "fs.s3a.aws.credentials.provider",
        "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
    if (environment.region() != null) {
      properties.put("fs.s3a.endpoint.region", environment.region());
    }
    if (environment.endpointOverride() != null) {
      properties.put("fs.s3a.endpoint", environment.endpointOverride());
      properties.put("fs.s3a.path.style.access", "true");
      properties.put(
          "fs.s3a.connection.ssl.enabled",
          Boolean.toString(environment.endpointOverride().startsWith("https:")));
    }
    // a wrong endpoint or region fails in seconds, not after S3A's default minutes of retries
    properties.put("fs.s3a.connection.establish.timeout", "5s");
    properties.put("fs.s3a.attempts.maximum", "3");
    properties.put("fs.s3a.retry.limit", "3");
    return properties;
  }
}
