package io.lakeplan.spi;

/**
 * A task failed for a reason the user can act on — bad input, a missing table, drift, a setting the
 * engine cannot honour — and left its targets as they were. An {@link Engine} turns it into a
 * {@link TaskResult.Status#FAILED} result whose summary is this exception's message, a one-line
 * explanation that names what to fix; anything else an engine catches is a defect, logged with its
 * trace.
 */
public class TaskFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure explained by {@code message}. */
  public TaskFailedException(String message) {
    super(message);
  }

  /** A failure explained by {@code message}, caused by {@code cause}. */
  public TaskFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
