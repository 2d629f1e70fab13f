package io.lakeplan.validation;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown once with every problem found, when work needs valid input (planning, strict loads). */
public class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Problem> problems;

  /** An exception listing {@code problems}; there must be at least one. */
  public ValidationException(List<Problem> problems) {
    super(describe(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("A ValidationException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  private static String describe(List<Problem> problems) {
    return problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + ":\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }

  /** Every problem, in the order found. */
  public List<Problem> problems() {
    return problems;
  }
}
