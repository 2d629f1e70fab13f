package io.lakeplan.aws.emr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A WireMock server on 127.0.0.1 (free port) answering as the EMR Serverless REST API does — {@code
 * GET /applications/{id}}, {@code POST /applications/{id}/jobruns} ({@code StartJobRun}), {@code
 * GET /applications/{id}/jobruns/{jobRunId}} ({@code GetJobRun}), {@code DELETE} of the same path
 * ({@code CancelJobRun}), errors as {@code x-amzn-ErrorType} with a JSON {@code message} — and as
 * S3's {@code HeadObject} for the jars and plans. The shapes are those of the service's API model
 * (AWS SDK v2 {@code emrserverless}, botocore {@code emr-serverless/2021-07-13}).
 */
public final class EmrServerlessApiStub implements AutoCloseable {
  /** The id of the application the stub serves (release emr-spark-8.1.0). */
  public static final String APPLICATION = "00stubapplication";

  /** The KMS key of the stub's environment. */
  public static final String KMS_KEY =
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  static final String JOB_RUNS = "/applications/" + APPLICATION + "/jobruns";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WireMockServer server;

  /** Starts the stub on 127.0.0.1 on a free port. */
  public EmrServerlessApiStub() {
    server =
        new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
    server.stubFor(
        get(urlEqualTo("/applications/" + APPLICATION))
            .willReturn(
                json(
                    "{\"application\": {\"applicationId\": \""
                        + APPLICATION
                        + "\", \"arn\": \"arn:aws:emr-serverless:us-east-1:123456789012:/applications/"
                        + APPLICATION
                        + "\", \"name\": \"lakeplan\", \"releaseLabel\": \"emr-spark-8.1.0\","
                        + " \"type\": \"Spark\", \"state\": \"STARTED\", \"createdAt\": 1717200000,"
                        + " \"updatedAt\": 1717200000}}")));
    // the job jar and the plan JSON exist (path-style S3)
    server.stubFor(head(urlPathMatching("/artifacts/.*")).willReturn(aResponse().withStatus(200)));
  }

  /**
   * An environment whose EMR Serverless settings point at the stub: its application, a role, the
   * jar and plans under {@code s3://artifacts/}, logs under {@code s3://logs/emr/}.
   */
  public Environment environment(Duration pollInterval, int maxAttempts) {
    return Environment.builder()
        .name("stub")
        .region("us-east-1")
        .endpointOverride(endpoint().toString())
        .kmsKey(KMS_KEY)
        .airflow(
            AirflowSettings.builder()
                .emrApplicationId(APPLICATION)
                .executionRoleArn("arn:aws:iam::123456789012:role/lakeplan-jobs")
                .jobJar("s3://artifacts/lakeplan-job.jar")
                .specLocation("s3://artifacts/plans/{use_case}/{spec_version}/plan.json")
                .logUri("s3://logs/emr/")
                .pollInterval(pollInterval)
                .maxAttempts(maxAttempts)
                .build())
        .build();
  }

  /** The stub's URL. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /**
   * An EMR Serverless client on the stub without the SDK's own retries, so every throttled answer
   * reaches the engine (whose waits are on a test clock).
   */
  EmrServerlessClient emrServerless() {
    return EmrServerlessClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** An S3 client on the stub. */
  S3Client s3() {
    return S3Client.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  }

  /** {@code StartJobRun} with client token {@code token} answers job run {@code jobRunId}. */
  EmrServerlessApiStub startsForToken(String token, String jobRunId) {
    server.stubFor(
        post(urlEqualTo(JOB_RUNS))
            .withRequestBody(matchingJsonPath("$.clientToken", WireMock.equalTo(token)))
            .willReturn(started(jobRunId)));
    return this;
  }

  /** {@code StartJobRun} answers job run {@code jobRunId}, after {@code throttled} 429s. */
  public EmrServerlessApiStub starts(String jobRunId, int throttled) {
    String scenario = "start " + jobRunId;
    for (int i = 0; i < throttled; i++) {
      server.stubFor(
          post(urlEqualTo(JOB_RUNS))
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "throttled " + i)
              .willSetStateTo("throttled " + (i + 1))
              .willReturn(throttling()));
    }
    server.stubFor(
        post(urlEqualTo(JOB_RUNS))
            .inScenario(scenario)
            .whenScenarioStateIs(throttled == 0 ? Scenario.STARTED : "throttled " + throttled)
            .willReturn(started(jobRunId)));
    return this;
  }

  /** {@code StartJobRun} is throttled every time. */
  EmrServerlessApiStub alwaysThrottlesStart() {
    server.stubFor(post(urlEqualTo(JOB_RUNS)).willReturn(throttling()));
    return this;
  }

  /**
   * {@code GetJobRun} of {@code jobRunId} answers each of {@code states} in turn ({@code THROTTLED}
   * for a 429), then the last one for ever; a {@code FAILED} state carries {@code details}.
   */
  public EmrServerlessApiStub runs(String jobRunId, String details, String... states) {
    String scenario = "run " + jobRunId;
    for (int i = 0; i < states.length; i++) {
      var stub =
          get(urlEqualTo(JOB_RUNS + "/" + jobRunId))
              .inScenario(scenario)
              .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "poll " + i);
      if (i < states.length - 1) {
        stub = stub.willSetStateTo("poll " + (i + 1));
      }
      server.stubFor(
          stub.willReturn(
              "THROTTLED".equals(states[i])
                  ? throttling()
                  : json(jobRun(jobRunId, states[i], details))));
    }
    server.stubFor(
        delete(urlEqualTo(JOB_RUNS + "/" + jobRunId))
            .willReturn(
                json(
                    "{\"applicationId\": \""
                        + APPLICATION
                        + "\", \"jobRunId\": \""
                        + jobRunId
                        + "\"}")));
    return this;
  }

  /**
   * The driver's standard output of job run {@code jobRunId} is {@code text}: S3's {@code
   * GetObject} of {@code s3://logs/emr/applications/<application>/jobs/<job run>/SPARK_DRIVER/
   * stdout.gz}, gzip-compressed as EMR Serverless uploads it.
   */
  public EmrServerlessApiStub driverOutput(String jobRunId, String text) {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.stubFor(
        get(urlPathEqualTo(
                "/logs/emr/applications/"
                    + APPLICATION
                    + "/jobs/"
                    + jobRunId
                    + "/SPARK_DRIVER/stdout.gz"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/octet-stream")
                    .withBody(compressed.toByteArray())));
    return this;
  }

  /** The bodies of every {@code StartJobRun} received, in order. */
  List<JsonNode> startRequests() {
    List<JsonNode> bodies = new ArrayList<>();
    for (LoggedRequest request : server.findAll(postRequestedFor(urlEqualTo(JOB_RUNS)))) {
      try {
        bodies.add(JSON.readTree(request.getBodyAsString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bodies;
  }

  /** How many {@code CancelJobRun} of {@code jobRunId} were received. */
  public int cancels(String jobRunId) {
    return server.findAll(deleteRequestedFor(urlEqualTo(JOB_RUNS + "/" + jobRunId))).size();
  }

  /** How many {@code GetJobRun} of {@code jobRunId} were received. */
  public int polls(String jobRunId) {
    return server.findAll(WireMock.getRequestedFor(urlEqualTo(JOB_RUNS + "/" + jobRunId))).size();
  }

  /** The members every job run answer starts with: application, job run id, ARN. */
  private static String identity(String jobRunId) {
    return "\"applicationId\": \""
        + APPLICATION
        + "\", \"jobRunId\": \""
        + jobRunId
        + "\", \"arn\": \"arn:aws:emr-serverless:us-east-1:123456789012:/applications/"
        + APPLICATION
        + "/jobruns/"
        + jobRunId
        + "\"";
  }

  private static ResponseDefinitionBuilder started(String jobRunId) {
    return json("{" + identity(jobRunId) + "}");
  }

  private static String jobRun(String jobRunId, String state, String details) {
    return "{\"jobRun\": {"
        + identity(jobRunId)
        + ", \"createdBy\": \"arn:aws:iam::123456789012:user/ci\", \"createdAt\": 1717200000,"
        + " \"updatedAt\": 1717200060, \"executionRole\":"
        + " \"arn:aws:iam::123456789012:role/lakeplan-jobs\", \"state\": \""
        + state
        + "\", \"stateDetails\": \""
        + ("FAILED".equals(state) ? details : "")
        + "\", \"releaseLabel\": \"emr-spark-8.1.0\", \"jobDriver\": {\"sparkSubmit\":"
        + " {\"entryPoint\": \"s3://artifacts/lakeplan-job.jar\"}}}}";
  }

  /** EMR Serverless's answer to a caller over its request rate. */
  private static ResponseDefinitionBuilder throttling() {
    return aResponse()
        .withStatus(429)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-ErrorType", "ThrottlingException")
        .withHeader("x-amzn-RequestId", "stub-throttled")
        .withBody("{\"message\": \"Rate exceeded\"}");
  }

  private static ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withHeader("x-amzn-RequestId", "stub")
        .withBody(body);
  }

  @Override
  public void close() {
    server.stop();
  }
}
