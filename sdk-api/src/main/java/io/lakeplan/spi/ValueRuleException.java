package io.lakeplan.spi;

/**
 * A value its column cannot hold without change: a decimal with more decimals than the column
 * keeps, a fraction for a whole-number column, a date where a time is meant. {@link #problem()}
 * says what is wrong with the value, without naming the column (the caller does).
 */
public final class ValueRuleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;

  /** A refusal saying {@code problem}, e.g. {@code 1.9 is not a whole number}. */
  public ValueRuleException(String problem) {
    super(problem);
    this.problem = problem;
  }

  /** What is wrong with the value, e.g. {@code 10.005 has 3 decimals; decimal(10,2) keeps 2}. */
  public String problem() {
    return problem;
  }
}
