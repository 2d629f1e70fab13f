package io.lakeplan.workspace;

import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.ValidationException;
import java.util.Collection;
import java.util.List;

/**
 * Compiles use cases into a {@link Plan}. Pure and deterministic: the same use cases, in any order,
 * give an equal plan and byte-identical plan JSON.
 *
 * <p>DAG layout per use case {@code U}: {@code U.migration} (manual), {@code U.ingestion} and
 * {@code U.transformation} (on the use case's schedule), {@code U.maintenance} for maintenance on
 * that schedule and {@code U.maintenance.<schedule>} for each other schedule; a Spark job with its
 * own {@code dag} gets that DAG.
 */
public final class Planner {
  private Planner() {}

  /**
   * Validates {@code useCases} as a whole workspace and plans them.
   *
   * @throws ValidationException listing every problem, when there is any
   */
  public static Plan plan(Collection<UseCase> useCases) {
    // the validation compiles the use cases to find cycles: the plan is built from that
    WorkspaceRules.Checked checked = WorkspaceRules.checkAndCompile(useCases, true, LeftOut.NONE);
    if (!checked.problems().isEmpty()) {
      throw new ValidationException(checked.problems());
    }
    return checked.compilation().plan();
  }

  /** Plans the given use cases; see {@link #plan(Collection)}. */
  public static Plan plan(UseCase... useCases) {
    return plan(List.of(useCases));
  }
}
