package io.lakeplan.validation;

import java.util.Objects;

/**
 * One thing wrong with a use case: where ({@link #path()}, e.g. {@code merges[orders-upsert].keys},
 * and the file location when it came from a file), a stable {@link #code()}, and a message that
 * names the bad value and the fix. A warning ({@link io.lakeplan.workspace.Validator#warnings}) has
 * the same form and names a risk instead.
 *
 * @param useCase the use case's name, or null when unknown (e.g. a file that does not parse)
 * @param path the path of the bad value inside the use case; empty for the whole document
 * @param code the stable problem code
 * @param message what is wrong and how to fix it
 * @param location where in a file, or null for use cases built in code
 */
public record Problem(
    String useCase, String path, ProblemCode code, String message, SourceLocation location) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** This problem, located at {@code location}. */
  public Problem at(SourceLocation newLocation) {
    return new Problem(useCase, path, code, message, newLocation);
  }

  /** One readable line: {@code file:line:col: path: message [code]}. */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder();
    if (location != null) {
      line.append(location).append(": ");
    } else if (useCase != null) {
      line.append(useCase).append(": ");
    }
    if (!path.isEmpty()) {
      line.append(path).append(": ");
    }
    return line.append(message).append(" [").append(code.code()).append(']').toString();
  }
}
