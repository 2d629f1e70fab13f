package io.lakeplan.aws.deploy;

import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.Environment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 objects of a deployment (job jar, plan JSON files, DAG files): each is compared with what
 * is there by the SHA-256 of its content, which the upload records in the object's metadata
 * ({@value #SHA256}; S3's ETag is no content hash under SSE-KMS), together with the environment
 * that uploaded it ({@value #ENVIRONMENT}). Objects in the DAG folder that carry this environment's
 * mark and are no longer rendered are removed; nothing else there is touched.
 */
final class S3Artifacts {
  /** The metadata key of an uploaded object's SHA-256, hex. */
  static final String SHA256 = "lakeplan-sha256";

  /** The metadata key naming the environment whose deployment uploaded the object. */
  static final String ENVIRONMENT = "lakeplan-environment";

  /** The time limit of a large upload (the job jar: hundreds of megabytes). */
  private static final Duration LARGE_UPLOAD = Duration.ofMinutes(30);

  private static final String PERMISSIONS =
      "s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket";

  /**
   * One object a deployment wants.
   *
   * @param what what it is, e.g. {@code DAG file}
   * @param location where it goes
   * @param sha256 the SHA-256 of its content, hex
   * @param contentType its content type
   * @param body its content, read when uploaded
   * @param large whether it is a file that may take minutes to upload (the job jar)
   */
  record Artifact(
      String what,
      S3Location location,
      String sha256,
      String contentType,
      java.util.function.Supplier<RequestBody> body,
      boolean large) {

    static Artifact text(String what, S3Location location, String content, String type) {
      byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
      return new Artifact(
          what,
          location,
          S3Artifacts.sha256(bytes),
          type,
          () -> RequestBody.fromBytes(bytes),
          false);
    }

    static Artifact file(String what, S3Location location, Path file, String type) {
      return new Artifact(
          what, location, S3Artifacts.sha256(file), type, () -> RequestBody.fromFile(file), true);
    }

    String resource() {
      return "S3 object " + location + " (" + what + ")";
    }
  }

  private final Environment environment;
  private final S3Client s3;
  private final Duration callTimeout;

  S3Artifacts(Environment environment, S3Client s3, Duration callTimeout) {
    this.environment = environment;
    this.s3 = s3;
    this.callTimeout = callTimeout;
  }

  /** Create, update or leave each of {@code artifacts}, in order. */
  List<Step> steps(List<Artifact> artifacts) {
    List<Step> steps = new ArrayList<>();
    for (Artifact artifact : artifacts) {
      Map<String, String> metadata = metadata(artifact.location(), artifact.what());
      if (metadata == null) {
        steps.add(Step.of(Change.Action.CREATE, artifact.resource(), "", () -> put(artifact)));
      } else if (artifact.sha256().equals(metadata.get(SHA256))) {
        steps.add(Step.unchanged(artifact.resource(), "sha256 " + abbreviate(artifact.sha256())));
      } else {
        String detail =
            metadata.containsKey(SHA256)
                ? "content changed: sha256 "
                    + abbreviate(metadata.get(SHA256))
                    + " -> "
                    + abbreviate(artifact.sha256())
                : "replaces an object Lakeplan did not upload";
        steps.add(Step.of(Change.Action.UPDATE, artifact.resource(), detail, () -> put(artifact)));
      }
    }
    return steps;
  }

  /**
   * A delete for each object under {@code folder} that this environment's deployment uploaded and
   * that is not among {@code wanted}.
   */
  List<Step> stale(S3Location folder, Set<S3Location> wanted) {
    Set<String> keys =
        wanted.stream()
            .filter(location -> location.bucket().equals(folder.bucket()))
            .map(S3Location::key)
            .collect(Collectors.toSet());
    List<Step> steps = new ArrayList<>();
    List<S3Object> listed;
    try {
      listed =
          s3
              .listObjectsV2Paginator(
                  b ->
                      b.bucket(folder.bucket())
                          .prefix(folder.key())
                          .overrideConfiguration(CallLimits.timeout(callTimeout)))
              .contents()
              .stream()
              .toList();
    } catch (SdkException e) {
      throw DeployErrors.failure(
          environment, "S3 folder " + folder + " (deploy.dags-location)", PERMISSIONS, e);
    }
    for (S3Object object : listed) {
      if (keys.contains(object.key())) {
        continue;
      }
      S3Location location = new S3Location(folder.bucket(), object.key());
      Map<String, String> metadata = metadata(location, "DAG folder file");
      if (metadata != null && environment.name().equals(metadata.get(ENVIRONMENT))) {
        steps.add(
            Step.of(
                Change.Action.DELETE,
                "S3 object " + location + " (DAG file)",
                "no longer rendered: its use case or DAG was removed",
                () -> delete(location)));
      }
    }
    return steps;
  }

  /** The object's user metadata, or null when there is no object. */
  private Map<String, String> metadata(S3Location location, String what) {
    try {
      HeadObjectResponse head =
          s3.headObject(
              b ->
                  b.bucket(location.bucket())
                      .key(location.key())
                      .overrideConfiguration(CallLimits.timeout(callTimeout)));
      return head.metadata();
    } catch (SdkException e) {
      if (DeployErrors.notFound(e)) {
        return null;
      }
      throw DeployErrors.failure(
          environment, "S3 object " + location + " (" + what + ")", PERMISSIONS, e);
    }
  }

  private void put(Artifact artifact) {
    S3Location location = artifact.location();
    try {
      s3.putObject(
          b -> {
            b.bucket(location.bucket())
                .key(location.key())
                .contentType(artifact.contentType())
                .metadata(Map.of(SHA256, artifact.sha256(), ENVIRONMENT, environment.name()))
                .serverSideEncryption("aws:kms")
                .overrideConfiguration(
                    artifact.large()
                        ? AwsRequestOverrideConfiguration.builder()
                            .apiCallTimeout(LARGE_UPLOAD)
                            .apiCallAttemptTimeout(LARGE_UPLOAD)
                            .build()
                        : CallLimits.timeout(callTimeout));
            if (environment.kmsKey() != null) {
              b.ssekmsKeyId(environment.kmsKey());
            }
          },
          artifact.body().get());
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, artifact.resource(), PERMISSIONS, e);
    }
  }

  private void delete(S3Location location) {
    try {
      s3.deleteObject(
          b ->
              b.bucket(location.bucket())
                  .key(location.key())
                  .overrideConfiguration(CallLimits.timeout(callTimeout)));
    } catch (SdkException e) {
      throw DeployErrors.failure(environment, "S3 object " + location, PERMISSIONS, e);
    }
  }

  private static String abbreviate(String sha256) {
    return sha256 == null || sha256.length() < 12
        ? String.valueOf(sha256)
        : sha256.substring(0, 12);
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static String sha256(Path file) {
    MessageDigest digest = digest();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no SHA-256", e);
    }
  }
}
