package io.lakeplan.aws.emr;

import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.spi.RunContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;

/**
 * The {@code StartJobRun} requests of {@link EmrServerlessEngine}: which {@code airflow.*} settings
 * it can use, the request of a job, its client token and its tags.
 */
final class JobRunRequests {
  private static final Pattern APPLICATION_ID = Pattern.compile("[0-9a-z]{1,64}");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-zA-Z0-9-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");
  private static final Pattern TAG_VALUE_OUTSIDE = Pattern.compile("[^A-Za-z0-9 /_.:=+@-]");

  private JobRunRequests() {}

  /** What is wrong with {@code environment} for a run from Java, one entry per setting. */
  static List<String> settingsProblems(Environment environment) {
    AirflowSettings settings = environment.airflow();
    List<String> problems = new ArrayList<>();
    if (resolved(problems, "airflow.emr-application-id", settings.emrApplicationId())
        && !APPLICATION_ID.matcher(settings.emrApplicationId()).matches()) {
      problems.add(
          "airflow.emr-application-id: '"
              + settings.emrApplicationId()
              + "' (an EMR Serverless application id: lower-case letters and digits, e.g."
              + " 00fexampleapp01)");
    }
    if (resolved(problems, "airflow.execution-role-arn", settings.executionRoleArn())
        && !ROLE_ARN.matcher(settings.executionRoleArn()).matches()) {
      problems.add(
          "airflow.execution-role-arn: '"
              + settings.executionRoleArn()
              + "' (an IAM role ARN, e.g. arn:aws:iam::123456789012:role/lakeplan-jobs)");
    }
    resolved(problems, "airflow.job-jar", settings.jobJar());
    if (resolved(problems, "airflow.spec-location", settings.specLocation())) {
      s3Location(problems, "airflow.spec-location", settings.specLocation());
    }
    if (resolved(problems, "airflow.log-uri", settings.logUri())
        && !S3Location.isS3(settings.logUri())) {
      problems.add(
          "airflow.log-uri: '"
              + settings.logUri()
              + "' (an s3:// prefix, e.g. s3://acme-logs/emr/)");
    }
    if (environment.kmsKey() == null) {
      problems.add(
          "kms-key: missing (EMR Serverless job logs, the staged plan and environment files are"
              + " encrypted with it: the ARN of a KMS key, e.g."
              + " arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab)");
    }
    return problems;
  }

  private static boolean resolved(List<String> problems, String key, String value) {
    if (value.contains("{{")) {
      problems.add(
          key
              + ": '"
              + value
              + "' is an Airflow template, which only Airflow resolves (set the value in the"
              + " environment file)");
      return false;
    }
    return true;
  }

  private static void s3Location(List<String> problems, String key, String value) {
    try {
      S3Location.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(key + ": '" + value + "' (an s3://bucket/key location)");
    }
  }

  /**
   * The request that starts {@code job}, task {@code taskId} of {@code dag}, in {@code context}.
   */
  static StartJobRunRequest request(
      Environment environment, RunContext context, Dag dag, String taskId, EmrServerlessJob job) {
    AirflowSettings settings = environment.airflow();
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(EmrServerlessEngine.TAG_USE_CASE, tagValue(dag.useCase()));
    tags.put(EmrServerlessEngine.TAG_DAG, tagValue(dag.id()));
    tags.put(EmrServerlessEngine.TAG_TASK, tagValue(taskId));
    tags.put(EmrServerlessEngine.TAG_RUN, tagValue(context.runId()));
    tags.put(EmrServerlessEngine.TAG_ATTEMPT, Integer.toString(context.attempt()));
    return StartJobRunRequest.builder()
        .applicationId(settings.emrApplicationId())
        .clientToken(clientToken(context, dag, taskId))
        .executionRoleArn(settings.executionRoleArn())
        .name(job.name())
        .jobDriver(
            driver ->
                driver.sparkSubmit(
                    submit -> {
                      submit
                          .entryPoint(job.entryPoint())
                          .entryPointArguments(job.entryPointArguments());
                      if (!job.sparkSubmitParameters().isBlank()) {
                        // the API takes no empty parameters: none at all then
                        submit.sparkSubmitParameters(job.sparkSubmitParameters());
                      }
                    }))
        .configurationOverrides(
            overrides ->
                overrides.monitoringConfiguration(
                    monitoring ->
                        monitoring.s3MonitoringConfiguration(
                            logs ->
                                logs.logUri(settings.logUri())
                                    // the logs are SSE-KMS with the environment's key, not S3's
                                    .encryptionKeyArn(environment.kmsKey()))))
        .tags(tags)
        .build();
  }

  /** See {@link EmrServerlessEngine#clientToken}. */
  static String clientToken(RunContext context, Dag dag, String taskId) {
    String identity =
        String.join(
            "\n",
            context.runId(),
            dag.id(),
            dag.specVersion(),
            taskId,
            Integer.toString(context.attempt()));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return "lakeplan-" + HexFormat.of().formatHex(digest, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String tagValue(String value) {
    String allowed = TAG_VALUE_OUTSIDE.matcher(value).replaceAll("_");
    return allowed.length() <= 256 ? allowed : allowed.substring(0, 256);
  }
}
