package io.lakeplan.spark.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a task keeps of a {@code spark-submit} child's output, line by line: the last lines (its
 * result and failure log carry them) and the line that best says why it failed — the exception line
 * of the last Python traceback, else the last JVM exception or {@code Error:} line, else the last
 * line. Not thread-safe: one reader thread feeds it, the task reads it after joining that thread.
 */
final class SparkSubmitOutput {

  /** How many lines the tail keeps. */
  static final int TAIL_LINES = 20;

  /** Longer lines are cut to this many characters in the tail and the error line. */
  static final int MAX_LINE = 500;

  private static final String TRACEBACK = "Traceback (most recent call last):";

  // java.lang.IllegalStateException: …, Exception in thread "main" x.YError, Caused by: …,
  // spark-submit's own "Error: Unrecognized option", Python's "SyntaxError: …" (no traceback)
  private static final Pattern JVM_ERROR =
      Pattern.compile(
          "^(?:Exception in thread \"[^\"]*\" )?(?:Caused by: )?"
              + "((?:[A-Za-z_$][\\w$]*\\.)*[\\w$]*(?:Exception|Error)(?::.*)?)$");

  private final Deque<String> tail = new ArrayDeque<>();
  private boolean inTraceback;
  private String pythonError;
  private String jvmError;
  private String lastLine;

  /** Takes the next line of output (without its line break). */
  void accept(String line) {
    String cut = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(cut);
    String stripped = cut.strip();
    if (stripped.isEmpty()) {
      return;
    }
    lastLine = stripped;
    if (stripped.equals(TRACEBACK)) {
      inTraceback = true;
      return;
    }
    boolean indented = Character.isWhitespace(cut.charAt(0));
    if (inTraceback && !indented) {
      // the first line of a traceback that is not indented names the exception
      pythonError = stripped;
      inTraceback = false;
      return;
    }
    var jvm = JVM_ERROR.matcher(stripped);
    if (!indented && jvm.matches()) {
      jvmError = jvm.group(1);
    }
  }

  /** The last {@value #TAIL_LINES} lines, oldest first. */
  List<String> tail() {
    return List.copyOf(tail);
  }

  /** The line that says why the job failed; null when there was no output. */
  String errorLine() {
    if (pythonError != null) {
      return pythonError;
    }
    return jvmError != null ? jvmError : lastLine;
  }
}
