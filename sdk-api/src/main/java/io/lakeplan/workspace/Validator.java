package io.lakeplan.workspace;

import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.ValidationException;
import java.util.Collection;
import java.util.List;

/**
 * Checks use cases and returns every problem at once. Nothing here throws for bad input; the {@link
 * Planner} and strict loads turn problems into a {@link ValidationException}.
 *
 * <p>The checks of use cases taken together need the DAGs they compile to (ids, cycles, writers of
 * one table that nothing orders), so the validator lives beside the plan compiler, in this package,
 * while the problems it returns are data of {@code io.lakeplan.validation}.
 */
public final class Validator {
  private Validator() {}

  /**
   * The problems of {@code useCase} on its own: its fields, ids, schedules, secrets, identifiers
   * and the schemas of tables it declares. References to other use cases are not checked.
   */
  public static List<Problem> validate(UseCase useCase) {
    return WorkspaceRules.check(List.of(useCase), false);
  }

  /**
   * What {@code useCase} risks although it is valid: findings with a path, a code and a message
   * like problems, which never make it invalid, fail a plan or a strict load. Today one: a JDBC
   * ingestion with an incremental column and no lookback, or a lookback of zero ({@link
   * ProblemCode#LATE_ROWS_UNREAD}), never reads a row committed late with a value at or below its
   * last watermark. {@code lakeplan validate} prints them as warnings.
   */
  public static List<Problem> warnings(UseCase useCase) {
    return WorkspaceRules.warnings(useCase);
  }

  /**
   * The problems of {@code useCases} taken as the whole workspace: each one's own problems plus
   * unknown tables, dangling or cyclic dependencies, and retention shorter than incremental readers
   * need. A use case with problems of its own takes no part in the checks across use cases until
   * they are fixed, so it never fails a valid one (by sharing its name, tables or DAG ids).
   */
  public static List<Problem> validate(Collection<UseCase> useCases) {
    return WorkspaceRules.check(useCases, true);
  }
}
