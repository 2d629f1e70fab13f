package io.lakeplan.aws.iam;

import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Least-privilege IAM policies generated from a plan and the environment it runs in: one per use
 * case for the EMR Serverless job role ({@code airflow.execution-role-arn}), one per environment
 * for the MWAA execution role. Every resource comes from the plan and the environment — the S3
 * folders of the tables (in the Glue warehouse), landing folders and checkpoints, the Glue catalog,
 * databases and tables, the DynamoDB watermark table limited by {@code dynamodb:LeadingKeys} to the
 * use case's tables, the SNS topics, the Secrets Manager secrets and SSM parameters referenced, the
 * KMS key ({@code kms:Decrypt} and {@code kms:GenerateDataKey} only), the EMR Serverless
 * application, the MWAA log groups and the DataSync tasks. No action is {@code *}, and a resource
 * has a wildcard only where AWS names the resource at run time (job runs, DataSync executions, log
 * streams, Secrets Manager's suffix), each commented where it is generated.
 *
 * <pre>{@code
 * Plan plan = Workspace.loadStrict(Path.of("use-cases")).plan();
 * for (PolicyDocument policy : IamPolicies.forPlan(plan, environment)) {
 *   Files.writeString(Path.of(policy.name() + ".json"), policy.toJson());
 * }
 * }</pre>
 *
 * <p>The ARNs are in the environment's region and its account: {@code iam.account-id}, else the
 * account of {@code airflow.execution-role-arn}, else of {@code kms-key}. The policies are for a
 * {@code glue} catalog with the EMR Serverless settings fixed in the environment (no Airflow
 * Variable templates).
 */
public final class IamPolicies {
  /** The largest managed policy AWS takes, in characters without white space. */
  static final int MANAGED_POLICY_LIMIT = 6_144;

  private IamPolicies() {}

  /**
   * The job-role policy of each use case of {@code plan} (by use-case name), then the MWAA policy.
   *
   * @throws IllegalArgumentException on one line listing every environment value that keeps the
   *     policies from naming exact ARNs, and the fix
   */
  public static List<PolicyDocument> forPlan(Plan plan, Environment environment) {
    Target target = Target.of(environment);
    List<PolicyDocument> policies = new ArrayList<>();
    for (String useCase : useCases(plan)) {
      policies.add(sized(JobRolePolicy.of(target, plan, useCase)));
    }
    policies.add(sized(MwaaRolePolicy.of(target, plan)));
    return List.copyOf(policies);
  }

  /**
   * The policy of use case {@code useCase}'s EMR Serverless job runs.
   *
   * @throws IllegalArgumentException when the plan has no such use case (naming those it has), or
   *     as {@link #forPlan}
   */
  public static PolicyDocument forUseCase(Plan plan, String useCase, Environment environment) {
    Objects.requireNonNull(useCase, "useCase");
    Set<String> useCases = useCases(plan);
    if (!useCases.contains(useCase)) {
      throw new IllegalArgumentException(
          "Unknown use case: '" + useCase + "' (the plan has " + useCases + ")");
    }
    return sized(JobRolePolicy.of(Target.of(environment), plan, useCase));
  }

  /**
   * The policy of the MWAA execution role that runs the DAGs of every use case in {@code plan}.
   *
   * @throws IllegalArgumentException as {@link #forPlan}
   */
  public static PolicyDocument forEnvironment(Plan plan, Environment environment) {
    return sized(MwaaRolePolicy.of(Target.of(environment), plan));
  }

  /**
   * The name of use case {@code useCase}'s job-role policy in {@code environment}: {@code
   * lakeplan-ENVIRONMENT-job-USECASE} (managed policy names are unique in an account, which may
   * hold several environments).
   */
  public static String policyName(Environment environment, String useCase) {
    return "lakeplan-" + environment.name() + "-job-" + useCase;
  }

  /** The name of the MWAA policy of {@code environment}: {@code lakeplan-ENVIRONMENT-mwaa}. */
  public static String mwaaPolicyName(Environment environment) {
    return "lakeplan-" + environment.name() + "-mwaa";
  }

  /** {@code policy}, with a note when it is larger than a managed policy may be. */
  private static PolicyDocument sized(PolicyDocument policy) {
    int size = policy.toCompactJson().length();
    if (size <= MANAGED_POLICY_LIMIT) {
      return policy;
    }
    List<String> notes = new ArrayList<>(policy.notes());
    notes.add(
        "the policy has "
            + size
            + " characters, more than a managed policy may hold ("
            + MANAGED_POLICY_LIMIT
            + "): AWS refuses it; split the use case");
    return new PolicyDocument(
        policy.name(), policy.role(), policy.useCase(), policy.statements(), notes);
  }

  /** The use cases of {@code plan}, sorted. */
  private static Set<String> useCases(Plan plan) {
    Set<String> useCases = new TreeSet<>();
    for (Dag dag : plan.dags()) {
      useCases.add(dag.useCase());
    }
    return useCases;
  }

  /** {@code name} as part of a statement id: each run of letters and digits capitalized. */
  static String sidPart(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("[^A-Za-z0-9]+")) {
      if (!part.isEmpty()) {
        out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return out.toString();
  }
}
