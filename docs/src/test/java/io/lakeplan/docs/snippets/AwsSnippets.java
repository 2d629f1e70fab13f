package io.lakeplan.docs.snippets;

import io.lakeplan.aws.deploy.DeployPlan;
import io.lakeplan.aws.deploy.Deployment;
import io.lakeplan.aws.iam.IamPolicies;
import io.lakeplan.aws.iam.PolicyDocument;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Plan;
import java.nio.file.Path;
import java.util.List;

/**
 * Java samples of the AWS pages (security.md, deploying-to-aws.md), compiled by the docs module's
 * build so that the pages cannot show code that does not compile: each page includes a marked
 * section of this file. They need AWS (or moto) to run; the tests of sdk-aws run the same calls.
 */
final class AwsSnippets {
  private AwsSnippets() {}

  static String iamPolicies(Plan plan, Environment environment) {
    // --8<-- [start:iam-policies]
    List<PolicyDocument> policies =
        IamPolicies.forPlan(plan, environment); // each use case, then MWAA
    PolicyDocument orders = IamPolicies.forUseCase(plan, "orders", environment);
    PolicyDocument mwaa = IamPolicies.forEnvironment(plan, environment);
    String json = orders.toJson(); // the IAM document: same bytes for the same plan
    orders.notes(); // what the plan could not say (see below)
    // --8<-- [end:iam-policies]
    return policies.size() + json + mwaa.toJson();
  }

  static void deploy(Plan plan, Environment environment) {
    // --8<-- [start:deploy]
    try (Deployment deployment =
        Deployment.builder().environment(environment).jobJar(Path.of("job.jar")).build()) {
      DeployPlan changes = deployment.plan(plan); // reads only
      System.out.print(changes.report());
      if (changes.hasChanges()) {
        deployment.apply(changes, change -> System.out.println("done " + change));
      }
    }
    // --8<-- [end:deploy]
  }
}
