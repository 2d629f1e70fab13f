package io.lakeplan.aws.deploy;

import io.lakeplan.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a deployment changes, as {@link Deployment#plan} found it: one {@link Change} per resource,
 * in the order they are applied. Side-effect free to make and to print (CDK's {@code diff}).
 */
public final class DeployPlan {
  private final Plan plan;
  private final List<Step> infrastructure;
  private final List<Step> artifacts;
  private final List<Step> steps;

  DeployPlan(Plan plan, List<Step> infrastructure, List<Step> artifacts) {
    this.plan = plan;
    this.infrastructure = List.copyOf(infrastructure);
    this.artifacts = List.copyOf(artifacts);
    List<Step> all = new ArrayList<>(infrastructure);
    all.addAll(artifacts);
    this.steps = List.copyOf(all);
  }

  Plan plan() {
    return plan;
  }

  List<Step> infrastructure() {
    return infrastructure;
  }

  List<Step> artifacts() {
    return artifacts;
  }

  /** Every resource and its change, in apply order. */
  public List<Change> changes() {
    return steps.stream().map(Step::change).toList();
  }

  /** How many resources get {@code action}. */
  public long count(Change.Action action) {
    return steps.stream().filter(step -> step.change().action() == action).count();
  }

  /** Whether applying the plan changes anything. */
  public boolean hasChanges() {
    return steps.stream().anyMatch(step -> step.change().action() != Change.Action.UNCHANGED);
  }

  /**
   * The plan as text: a line per created, updated or deleted resource, then a summary line; or
   * {@code No changes: N resources are up to date.}
   */
  public String report() {
    if (!hasChanges()) {
      return String.format(
          Locale.ROOT,
          "No changes: %d resources are up to date.%n",
          count(Change.Action.UNCHANGED));
    }
    StringBuilder out = new StringBuilder();
    for (Step step : steps) {
      if (step.change().action() != Change.Action.UNCHANGED) {
        out.append("  ").append(step.change()).append(System.lineSeparator());
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Plan: %d to create, %d to update, %d to delete, %d unchanged.%n",
            count(Change.Action.CREATE),
            count(Change.Action.UPDATE),
            count(Change.Action.DELETE),
            count(Change.Action.UNCHANGED)));
    return out.toString();
  }

  @Override
  public String toString() {
    return report();
  }
}
