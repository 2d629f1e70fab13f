package io.lakeplan.aws.emr;

import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.run.RunClock;
import io.lakeplan.spi.TaskFailedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.Application;
import software.amazon.awssdk.services.emrserverless.model.JobRun;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The AWS calls of {@link EmrServerlessEngine}, each with a time limit, throttling waited out with
 * backoff up to a bound, and every other failure turned into one line naming the resource and the
 * fix ({@link TaskFailedException} in a task, {@link IllegalStateException} outside one).
 */
final class EmrServerlessCalls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmrServerlessCalls.class);
  private static final String CALLER_PERMISSIONS =
      "emr-serverless:GetApplication, emr-serverless:StartJobRun, emr-serverless:TagResource,"
          + " emr-serverless:GetJobRun and emr-serverless:CancelJobRun";

  private final Environment environment;
  private final AirflowSettings settings;
  private final EmrServerlessClient emrServerless;
  private final S3Client s3;
  private final boolean closeClients;
  private final RunClock clock;
  private final Backoff throttleBackoff;
  private final int maxThrottledRetries;
  private final Duration callTimeout;

  EmrServerlessCalls(
      Environment environment,
      EmrServerlessClient emrServerless,
      S3Client s3,
      boolean closeClients,
      RunClock clock,
      Backoff throttleBackoff,
      int maxThrottledRetries,
      Duration callTimeout) {
    this.environment = environment;
    this.settings = environment.airflow();
    this.emrServerless = emrServerless;
    this.s3 = s3;
    this.closeClients = closeClients;
    this.clock = clock;
    this.throttleBackoff = throttleBackoff;
    this.maxThrottledRetries = maxThrottledRetries;
    this.callTimeout = callTimeout;
  }

  /** The environment's application ({@code GetApplication}). */
  Application application() throws InterruptedException {
    String applicationId = settings.emrApplicationId();
    try {
      return call(
          () ->
              emrServerless
                  .getApplication(
                      b ->
                          b.applicationId(applicationId)
                              .overrideConfiguration(CallLimits.timeout(callTimeout)))
                  .application());
    } catch (SdkException e) {
      throw describeApplication(e);
    }
  }

  /** Starts the job run (or finds the one its client token already started): its id. */
  String start(StartJobRunRequest request) throws InterruptedException {
    StartJobRunRequest limited =
        request.toBuilder().overrideConfiguration(CallLimits.timeout(callTimeout)).build();
    try {
      return call(() -> emrServerless.startJobRun(limited).jobRunId());
    } catch (SdkException e) {
      throw describeStart(e);
    }
  }

  /** The job run's current state ({@code GetJobRun}). */
  JobRun jobRun(String applicationId, String jobRunId) throws InterruptedException {
    try {
      return call(
          () ->
              emrServerless
                  .getJobRun(
                      b ->
                          b.applicationId(applicationId)
                              .jobRunId(jobRunId)
                              .overrideConfiguration(CallLimits.timeout(callTimeout)))
                  .jobRun());
    } catch (SdkException e) {
      throw new TaskFailedException(
          describe("EMR Serverless job run " + jobRunId + " of application " + applicationId, e),
          e);
    }
  }

  /** Cancels the job run; says whether it did, for the result's summary. */
  String cancel(String applicationId, String jobRunId) {
    // an interrupt must not stop the cancel itself: the flag is put back afterwards
    boolean interrupted = Thread.interrupted();
    try {
      call(
          () ->
              emrServerless.cancelJobRun(
                  b ->
                      b.applicationId(applicationId)
                          .jobRunId(jobRunId)
                          .overrideConfiguration(CallLimits.timeout(callTimeout))));
      LOG.info("Cancelled EMR Serverless job run {} of application {}", jobRunId, applicationId);
      return "cancelled it (CancelJobRun)";
    } catch (SdkException | InterruptedException e) {
      LOG.warn("Could not cancel EMR Serverless job run {}", jobRunId, e);
      return "could not cancel it ("
          + (e instanceof SdkException sdk
              ? describe("EMR Serverless job run " + jobRunId, sdk)
              : "interrupted")
          + "): cancel it with aws emr-serverless cancel-job-run --application-id "
          + applicationId
          + " --job-run-id "
          + jobRunId;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Checks that the S3 object at {@code location} exists ({@code HeadObject}).
   *
   * @throws TaskFailedException saying {@code what} is missing or unreadable and {@code fix}
   */
  void requireObject(S3Location location, String what, String fix) throws InterruptedException {
    try {
      head(location);
    } catch (SdkException e) {
      throw describeObject(what, location.toString(), fix, e);
    }
  }

  /**
   * The text of the gzip-compressed S3 object at {@code location} (a job run's driver log), or
   * empty when it is not there or cannot be read — a log is extra information, never a failure.
   */
  Optional<String> readGzip(S3Location location) throws InterruptedException {
    try {
      byte[] compressed =
          call(
              () ->
                  s3.getObjectAsBytes(
                          b ->
                              b.bucket(location.bucket())
                                  .key(location.key())
                                  .overrideConfiguration(CallLimits.timeout(callTimeout)))
                      .asByteArray());
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (SdkException | IOException e) {
      LOG.info("No driver output at {} ({})", location, e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether the S3 object at {@code location} exists. */
  boolean exists(S3Location location) throws InterruptedException {
    try {
      head(location);
      return true;
    } catch (AwsServiceException e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IllegalStateException(describe("S3 object " + location, e), e);
    } catch (SdkException e) {
      throw new IllegalStateException(describe("S3 object " + location, e), e);
    }
  }

  private void head(S3Location location) throws InterruptedException {
    call(
        () ->
            s3.headObject(
                b ->
                    b.bucket(location.bucket())
                        .key(location.key())
                        .overrideConfiguration(CallLimits.timeout(callTimeout))));
  }

  /** Writes {@code text} ({@code contentType}, e.g. the plan JSON) to {@code location}, SSE-KMS. */
  void put(S3Location location, String text, String contentType, String setting)
      throws InterruptedException {
    try {
      call(
          () ->
              s3.putObject(
                  b -> {
                    b.bucket(location.bucket())
                        .key(location.key())
                        .contentType(contentType)
                        .serverSideEncryption("aws:kms")
                        .overrideConfiguration(CallLimits.timeout(callTimeout));
                    if (environment.kmsKey() != null) {
                      b.ssekmsKeyId(environment.kmsKey());
                    }
                  },
                  RequestBody.fromString(text, StandardCharsets.UTF_8)));
    } catch (SdkException e) {
      throw new IllegalStateException(
          describe("S3 object " + location, e)
              + " (an upload: check "
              + setting
              + " and that the caller may s3:PutObject there)",
          e);
    }
  }

  /**
   * Calls {@code call}, waiting out throttling with backoff up to {@code maxThrottledRetries} times
   * in a row; any other AWS failure (or throttling past that) is thrown.
   */
  private <T> T call(Supplier<T> call) throws InterruptedException {
    for (int throttled = 0; ; throttled++) {
      try {
        return call.get();
      } catch (AbortedException e) {
        // the SDK's answer to an interrupt during a call
        Thread.interrupted();
        InterruptedException interrupted = new InterruptedException("interrupted during a call");
        interrupted.initCause(e);
        throw interrupted;
      } catch (SdkException e) {
        if (!AwsErrors.isThrottling(e) || throttled >= maxThrottledRetries) {
          throw e;
        }
        Duration delay = throttleBackoff.delay(throttled);
        LOG.info(
            "Throttled by AWS ({}); retrying in {} ms", AwsErrors.firstLine(e), delay.toMillis());
        clock.sleep(delay);
      }
    }
  }

  private TaskFailedException describeApplication(SdkException e) {
    String applicationId = settings.emrApplicationId();
    if ("ResourceNotFoundException".equals(errorCode(e))) {
      return new TaskFailedException(
          "EMR Serverless application "
              + applicationId
              + " does not exist"
              + inRegion()
              + ": create it (type Spark, release "
              + ReleaseLabels.RECOMMENDED
              + ") or fix airflow.emr-application-id (and check the region and"
              + " endpoint-override)",
          e);
    }
    return new TaskFailedException(describe("EMR Serverless application " + applicationId, e), e);
  }

  private TaskFailedException describeStart(SdkException e) {
    String applicationId = settings.emrApplicationId();
    String code = errorCode(e);
    if ("ResourceNotFoundException".equals(code)) {
      return describeApplication(e);
    }
    if (AwsErrors.isAccessDenied(e)) {
      return new TaskFailedException(
          "Access denied starting a job run on EMR Serverless application "
              + applicationId
              + " with execution role "
              + settings.executionRoleArn()
              + inRegion()
              + " ("
              + AwsErrors.firstLine(e)
              + "): check that the role is in the application's account and trusts"
              + " emr-serverless.amazonaws.com, that the caller may iam:PassRole it and call "
              + CALLER_PERMISSIONS
              + " (airflow.execution-role-arn)",
          e);
    }
    if ("ValidationException".equals(code) || "ConflictException".equals(code)) {
      return new TaskFailedException(
          "EMR Serverless application "
              + applicationId
              + " refused the job run ("
              + AwsErrors.firstLine(e)
              + "): check the airflow.* settings and the task's spark-submit parameters",
          e);
    }
    return new TaskFailedException(describe("EMR Serverless application " + applicationId, e), e);
  }

  private TaskFailedException describeObject(String what, String uri, String fix, SdkException e) {
    if (e instanceof AwsServiceException service && service.statusCode() == 404) {
      return new TaskFailedException(
          what + " " + uri + " does not exist (no such object or bucket): " + fix, e);
    }
    if (AwsErrors.isAccessDenied(e)) {
      return new TaskFailedException(
          "Access denied reading "
              + what
              + " "
              + uri
              + ": check that the caller and the execution role (airflow.execution-role-arn) may"
              + " s3:GetObject it",
          e);
    }
    return new TaskFailedException(describe(what + " " + uri, e), e);
  }

  /** One line for a failed call on {@code resource}: access, reachability, throttling, else. */
  private String describe(String resource, SdkException e) {
    if (AwsErrors.isThrottling(e)) {
      return resource
          + inRegion()
          + " was still throttling requests after "
          + maxThrottledRetries
          + " retries: check the account's EMR Serverless API quotas (Service Quotas) and how many"
          + " runs share them";
    }
    if (AwsErrors.isAccessDenied(e)) {
      return "Access denied to "
          + resource
          + inRegion()
          + " ("
          + AwsErrors.firstLine(e)
          + "): check that the caller may call "
          + CALLER_PERMISSIONS;
    }
    return AwsErrors.describe(
        resource, environment.region(), environment.endpointOverride(), CALLER_PERMISSIONS, e);
  }

  private String inRegion() {
    return " (region "
        + (environment.region() == null ? "from the runtime" : environment.region())
        + ")";
  }

  private static String errorCode(SdkException e) {
    return e instanceof AwsServiceException service && service.awsErrorDetails() != null
        ? service.awsErrorDetails().errorCode()
        : "";
  }

  /** Closes the clients when the engine was told to. */
  @Override
  public void close() {
    if (closeClients) {
      emrServerless.close();
      s3.close();
    }
  }
}
