package io.lakeplan.spark.internal;

/**
 * A task failed for a reason the user can act on; the message is the one-line explanation. The
 * Spark executors' shorthand for {@link io.lakeplan.spi.TaskFailedException}.
 */
final class TaskFailedException extends io.lakeplan.spi.TaskFailedException {
  private static final long serialVersionUID = 1L;

  TaskFailedException(String message) {
    super(message);
  }

  TaskFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
