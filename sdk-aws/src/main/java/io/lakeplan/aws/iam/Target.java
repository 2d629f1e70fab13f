package io.lakeplan.aws.iam;

import io.lakeplan.aws.emr.EmrServerlessEngine;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment's values that the policies name, checked once: the region, account and partition
 * of every ARN, the EMR Serverless application and job role, the warehouse.
 */
record Target(Environment environment, Arns arns, String roleName, S3Location warehouse) {
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)");
  private static final Pattern POLICY_NAME_PART = Pattern.compile("[\\w+=,.@-]{1,48}");
  private static final Pattern ARN_ACCOUNT =
      Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]+:[^:]*:(\\d{12}):.*");

  /**
   * The target of {@code environment}.
   *
   * @throws IllegalArgumentException listing every value that keeps the policies from naming exact
   *     ARNs, with the fix
   */
  static Target of(Environment environment) {
    List<String> problems = new ArrayList<>();
    if (!POLICY_NAME_PART.matcher(environment.name()).matches()) {
      problems.add(
          "name: '"
              + environment.name()
              + "' (the policies are named after it: letters, digits and _+=,.@-, at most 48)");
    }
    if (environment.region() == null) {
      problems.add(
          "region: not set (the policies name ARNs in one region: set it, e.g. eu-west-1)");
    }
    if (environment.catalog().type() != CatalogSettings.Type.GLUE) {
      problems.add(
          "catalog.type: hadoop (IAM policies are for a glue catalog with an s3:// warehouse: set"
              + " catalog.type: glue)");
    }
    AirflowSettings airflow = environment.airflow();
    problems.addAll(EmrServerlessEngine.settingsProblems(environment));
    Matcher role = ROLE_ARN.matcher(airflow.executionRoleArn());
    boolean roleKnown = role.matches();
    String partition = roleKnown ? role.group(1) : "aws";
    String account = environment.iam().accountId();
    if (account == null && roleKnown) {
      account = role.group(2);
    }
    if (account == null && environment.kmsKey() != null) {
      Matcher key = ARN_ACCOUNT.matcher(environment.kmsKey());
      account = key.matches() ? key.group(1) : null;
    }
    if (account == null) {
      problems.add(
          "iam.account-id: not set, and neither airflow.execution-role-arn nor kms-key is an ARN"
              + " naming it (set iam.account-id: \"123456789012\")");
    }
    String roleName = roleKnown ? role.group(3) : null;
    String wanted = environment.iam().jobRoleName();
    if (wanted != null && roleName != null && !wanted.equals(roleName)) {
      problems.add(
          "iam.job-role-name: '"
              + wanted
              + "' is not the role of airflow.execution-role-arn ('"
              + roleName
              + "'): the policies would go to a role the jobs do not run as (write "
              + roleName
              + " or leave it out)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot generate IAM policies for environment "
              + environment.name()
              + ": "
              + String.join("; ", problems));
    }
    return new Target(
        environment,
        new Arns(partition, environment.region(), account),
        roleName,
        S3Location.parse("catalog.warehouse", environment.catalog().warehouse()).asFolder());
  }
}
