package io.lakeplan.aws.deploy;

import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.env.Environment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionByDefault;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * The landing buckets of DataSync copies must encrypt by default with the environment's key:
 * DataSync writes objects with no encryption setting of their own, so they get the bucket's
 * default. A deployment checks each with {@code GetBucketEncryption} before it changes anything and
 * refuses one whose default is not SSE-KMS with {@code kms-key}, naming the bucket and the fix.
 */
final class LandingEncryption {
  private LandingEncryption() {}

  /**
   * Checks the default encryption of each bucket of {@code landingBuckets} (bucket → migration id).
   *
   * @throws IllegalStateException on one line naming the bucket, its migration, what it has and the
   *     fix
   */
  static void require(
      Environment environment,
      S3Client s3,
      Duration callTimeout,
      Map<String, String> landingBuckets) {
    String key = environment.kmsKey();
    landingBuckets.forEach(
        (bucket, migration) -> {
          String resource = "S3 bucket " + bucket + " (landing of migration " + migration + ")";
          String found;
          try {
            List<ServerSideEncryptionRule> rules =
                s3.getBucketEncryption(
                        b ->
                            b.bucket(bucket).overrideConfiguration(CallLimits.timeout(callTimeout)))
                    .serverSideEncryptionConfiguration()
                    .rules();
            ServerSideEncryptionByDefault sse =
                rules.isEmpty() ? null : rules.get(0).applyServerSideEncryptionByDefault();
            if (sse != null && "aws:kms".equals(sse.sseAlgorithmAsString()) && sameKey(key, sse)) {
              return;
            }
            found =
                sse == null
                    ? "no default encryption"
                    : "default encryption "
                        + sse.sseAlgorithmAsString()
                        + (sse.kmsMasterKeyID() == null ? "" : " with " + sse.kmsMasterKeyID());
          } catch (SdkException e) {
            if (!"ServerSideEncryptionConfigurationNotFoundError"
                .equals(DeployErrors.errorCode(e))) {
              throw DeployErrors.failure(environment, resource, "s3:GetEncryptionConfiguration", e);
            }
            found = "no default encryption";
          }
          throw new IllegalStateException(
              resource
                  + " has "
                  + found
                  + ": DataSync copies land with the bucket's default encryption, so set it to"
                  + " SSE-KMS with kms-key "
                  + key
                  + " (aws s3api put-bucket-encryption --bucket "
                  + bucket
                  + " --server-side-encryption-configuration"
                  + " '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":"
                  + "\"aws:kms\",\"KMSMasterKeyID\":\""
                  + key
                  + "\"},\"BucketKeyEnabled\":true}]}')");
        });
  }

  /** Whether the bucket's key is {@code key}: its ARN, or its key id. */
  private static boolean sameKey(String key, ServerSideEncryptionByDefault sse) {
    String configured = sse.kmsMasterKeyID();
    return configured != null && (configured.equals(key) || key.endsWith(":key/" + configured));
  }
}
