package io.lakeplan.aws.deploy;

import io.lakeplan.aws.emr.EmrServerlessEngine;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a deployment checks before it reads or changes anything else, so that bad input stops it
 * with one line naming the setting or resource and the fix, never halfway: the settings (no Airflow
 * Variable template where a value is uploaded to or checked), the local job jar, the buckets, the
 * EMR Serverless application (exists, Spark, a release that runs the jar) and the execution role
 * (exists in this account, trusts EMR Serverless).
 */
final class Preflight {
  static final String EMR_SERVERLESS_PRINCIPAL = "emr-serverless.amazonaws.com";

  private Preflight() {}

  /**
   * Checks what needs no AWS call.
   *
   * @throws IllegalArgumentException listing every bad setting, each with its key and fix
   */
  static void settings(Environment environment, Path jobJar) {
    AirflowSettings airflow = environment.airflow();
    List<String> problems = new ArrayList<>(EmrServerlessEngine.settingsProblems(environment));
    if (environment.deploy().dagsLocation() == null) {
      problems.add(
          "deploy.dags-location: missing (the MWAA environment's DAG folder, e.g."
              + " s3://acme-mwaa/dags/)");
    }
    if (!airflow.jobJar().contains("{{") && !airflow.jobJar().startsWith("s3://")) {
      problems.add(
          "airflow.job-jar: '"
              + airflow.jobJar()
              + "' (the s3:// location the job jar is uploaded to, e.g."
              + " s3://acme-artifacts/lakeplan/lakeplan-job.jar)");
    }
    if (jobJar == null) {
      problems.add(
          "the job jar: none given (build it with ./mvnw -pl sdk-spark -am package and pass"
              + " --job-jar sdk-spark/target/sdk-spark-VERSION-job.jar, or set"
              + " deploy.job-jar-file)");
    } else if (!Files.isRegularFile(jobJar)) {
      problems.add(
          "the job jar "
              + jobJar
              + ": no such file (build it with ./mvnw -pl sdk-spark -am package, or fix --job-jar"
              + " / deploy.job-jar-file)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot deploy to environment "
              + environment.name()
              + ": "
              + String.join("; ", problems));
    }
  }

  /**
   * Checks that each bucket a deployment writes exists and can be reached.
   *
   * @throws IllegalStateException naming the first bucket that does not, its setting and the fix
   */
  static void buckets(Environment environment, S3Client s3, Duration callTimeout) {
    Map<String, String> buckets = new LinkedHashMap<>();
    AirflowSettings airflow = environment.airflow();
    buckets.putIfAbsent(
        S3Location.parse("airflow.job-jar", airflow.jobJar()).bucket(), "airflow.job-jar");
    buckets.putIfAbsent(
        S3Location.parse("airflow.spec-location", airflow.specLocation()).bucket(),
        "airflow.spec-location");
    buckets.putIfAbsent(
        S3Location.parse("deploy.dags-location", environment.deploy().dagsLocation()).bucket(),
        "deploy.dags-location");
    buckets.forEach(
        (bucket, setting) -> {
          try {
            s3.headBucket(
                b -> b.bucket(bucket).overrideConfiguration(CallLimits.timeout(callTimeout)));
          } catch (SdkException e) {
            if (DeployErrors.notFound(e)) {
              throw new IllegalStateException(
                  "S3 bucket "
                      + bucket
                      + DeployErrors.region(environment)
                      + " does not exist: create it, or fix "
                      + setting
                      + " (and check the region and endpoint-override)",
                  e);
            }
            throw DeployErrors.failure(
                environment,
                "S3 bucket " + bucket + " (" + setting + ")",
                "s3:ListBucket, s3:GetObject and s3:PutObject",
                e);
          }
        });
  }

  /**
   * Checks that {@code airflow.execution-role-arn} is a role of this account that EMR Serverless
   * may assume.
   *
   * @throws IllegalStateException naming the role, what is wrong and the fix
   */
  static void executionRole(Environment environment, IamClient iam, Duration callTimeout) {
    String arn = environment.airflow().executionRoleArn();
    String name = arn.substring(arn.lastIndexOf('/') + 1);
    Role role;
    try {
      role =
          iam.getRole(b -> b.roleName(name).overrideConfiguration(CallLimits.timeout(callTimeout)))
              .role();
    } catch (NoSuchEntityException e) {
      throw new IllegalStateException(
          "IAM role "
              + name
              + " does not exist (airflow.execution-role-arn "
              + arn
              + "): create the job role, trusting "
              + EMR_SERVERLESS_PRINCIPAL
              + ", or fix airflow.execution-role-arn",
          e);
    } catch (SdkException e) {
      throw DeployErrors.failure(
          environment, "IAM role " + name + " (airflow.execution-role-arn)", "iam:GetRole", e);
    }
    if (!arn.equals(role.arn())) {
      throw new IllegalStateException(
          "IAM role "
              + arn
              + " (airflow.execution-role-arn) is not the role "
              + name
              + " of the account that deploys ("
              + role.arn()
              + "): fix the account id or path in airflow.execution-role-arn");
    }
    String trust =
        role.assumeRolePolicyDocument() == null
            ? ""
            : URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8);
    if (!trust.contains(EMR_SERVERLESS_PRINCIPAL)) {
      throw new IllegalStateException(
          "IAM role "
              + arn
              + " (airflow.execution-role-arn) does not trust "
              + EMR_SERVERLESS_PRINCIPAL
              + ", so EMR Serverless cannot run jobs as it: add the service principal to its trust"
              + " policy, or name the job role");
    }
  }
}
