package io.lakeplan.testkit.internal;

/**
 * A task failure the user can act on (bad input, a missing table, a spec the in-memory engine
 * cannot honour): the task ends FAILED with this message, and its targets are left as they were.
 * The in-memory tasks' shorthand for {@link io.lakeplan.spi.TaskFailedException}.
 */
public class TaskFailure extends io.lakeplan.spi.TaskFailedException {

  private static final long serialVersionUID = 1L;

  /** A failure saying {@code message}. */
  public TaskFailure(String message) {
    super(message);
  }

  /** A failure saying {@code message}, caused by {@code cause}. */
  public TaskFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
