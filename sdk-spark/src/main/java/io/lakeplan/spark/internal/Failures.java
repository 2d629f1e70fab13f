package io.lakeplan.spark.internal;

/** Short, one-line explanations of Spark failures. */
final class Failures {
  private Failures() {}

  /** The message of the innermost cause that has one, on one line. */
  static String rootMessage(Throwable error) {
    String message = error.getMessage();
    Throwable current = error;
    while (current.getCause() != null && current.getCause() != current) {
      current = current.getCause();
      if (current.getMessage() != null) {
        message = current.getMessage();
      }
    }
    if (message == null) {
      message = current.getClass().getSimpleName();
    }
    String line = message.strip().split("\\R", 2)[0];
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
