package io.lakeplan.aws.iam;

import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The examples every IAM test generates policies for: orders and payments, in environment prod. */
final class IamExamples {
  static final Path ORDERS = Path.of("../examples/orders");
  static final Path PAYMENTS = Path.of("src/test/resources/iam/payments");
  static final Path ENVIRONMENT = Path.of("src/test/resources/iam/prod.yaml");

  private IamExamples() {}

  static Environment environment() {
    return Environments.load(ENVIRONMENT);
  }

  static Plan plan() {
    List<UseCase> useCases = new ArrayList<>();
    for (Path path : List.of(ORDERS, PAYMENTS)) {
      Workspace workspace = Workspace.loadStrict(path);
      workspace.useCases().stream().map(LoadedUseCase::useCase).forEach(useCases::add);
    }
    return Planner.plan(useCases);
  }

  /** Every policy of the examples: each use case's job-role policy, then the MWAA policy. */
  static List<PolicyDocument> policies() {
    return IamPolicies.forPlan(plan(), environment());
  }
}
