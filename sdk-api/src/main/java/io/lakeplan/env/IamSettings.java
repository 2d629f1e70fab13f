package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * The {@code iam} section of an {@link Environment}: what the least-privilege IAM policies that
 * Lakeplan generates from a plan ({@code lakeplan iam}, sdk-aws's {@code IamPolicies}) need beyond
 * the rest of the file, and the roles {@code lakeplan deploy} puts them on.
 *
 * <pre>{@code
 * iam:
 *   account-id: "123456789012"
 *   job-role-name: lakeplan-jobs
 *   mwaa-role-name: lakeplan-mwaa
 *   mwaa-environment-name: lake-prod
 * }</pre>
 *
 * <p>Every value is optional: without a role name, {@code lakeplan deploy} leaves that role's
 * policies alone.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableIamSettings.class)
@JsonDeserialize(as = ImmutableIamSettings.class)
public abstract class IamSettings {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern MWAA_NAME = Pattern.compile("[A-Za-z][0-9A-Za-z_-]{0,79}");

  /**
   * The AWS account (12 digits) whose ARNs the policies name. Null (the default): the account of
   * {@code airflow.execution-role-arn}, else of {@code kms-key} when it is an ARN. Set it when
   * neither is fixed in the file.
   */
  public abstract String accountId();

  /**
   * The EMR Serverless job role, by name, that {@code lakeplan deploy} attaches each use case's
   * policy {@code lakeplan-ENVIRONMENT-job-USECASE} to (a customer managed policy). Must be the
   * role of {@code airflow.execution-role-arn}. Null (the default): deploy does not touch the job
   * role.
   */
  public abstract String jobRoleName();

  /**
   * The MWAA execution role, by name, that {@code lakeplan deploy} attaches the environment's
   * policy {@code lakeplan-ENVIRONMENT-mwaa} to (a customer managed policy). Null (the default):
   * deploy does not touch it.
   */
  public abstract String mwaaRoleName();

  /**
   * The MWAA environment's name: with it, the MWAA policy also lets the role write the
   * environment's CloudWatch log groups ({@code airflow-NAME-*}) and read its DAG folder ({@code
   * deploy.dags-location}). Null (the default): those stay with the policy MWAA's own set-up gave
   * the role.
   */
  public abstract String mwaaEnvironmentName();

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming each invalid value and the form to write
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    if (accountId() != null && !ACCOUNT.matcher(accountId()).matches()) {
      problems.add(
          "account-id: '" + accountId() + "' (12 digits, quoted in YAML: \"123456789012\")");
    }
    role(problems, "job-role-name", jobRoleName());
    role(problems, "mwaa-role-name", mwaaRoleName());
    if (mwaaEnvironmentName() != null && !MWAA_NAME.matcher(mwaaEnvironmentName()).matches()) {
      problems.add(
          "mwaa-environment-name: '"
              + mwaaEnvironmentName()
              + "' (an MWAA environment name: a letter, then letters, digits, '-' or '_')");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid iam settings: " + String.join("; ", problems));
    }
  }

  private static void role(List<String> problems, String key, String name) {
    if (name != null && !ROLE_NAME.matcher(name).matches()) {
      problems.add(
          key
              + ": '"
              + name
              + "' (an IAM role name, not its ARN: letters, digits and +=,.@_-, at most 64)");
    }
  }

  /** A builder of settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link IamSettings}; every setter is named after its property. */
  public static final class Builder extends ImmutableIamSettings.Builder {}
}
