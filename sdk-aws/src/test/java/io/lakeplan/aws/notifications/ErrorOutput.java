package io.lakeplan.aws.notifications;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What this JVM writes to standard error while open — where the tests' SLF4J binding (slf4j-simple)
 * writes every log line, looking {@code System.err} up at each line — still passed on to the
 * original stream. Tests use it to prove that a secret was never logged.
 */
final class ErrorOutput implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private ErrorOutput() {
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            captured.write(b);
            original.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            captured.write(bytes, offset, length);
            original.write(bytes, offset, length);
          }
        };
    System.setErr(new PrintStream(both, true, StandardCharsets.UTF_8));
  }

  /** Starts capturing. */
  static ErrorOutput capture() {
    return new ErrorOutput();
  }

  /** What was written so far. */
  synchronized String text() {
    System.err.flush();
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Stops capturing. */
  @Override
  public void close() {
    System.err.flush();
    System.setErr(original);
  }
}
