package io.lakeplan.validation;

import java.util.Objects;

/**
 * Where in a file a problem is: a file name and, when known, a 1-based line and column (0 when
 * unknown).
 */
public record SourceLocation(String file, int line, int column) {
  public SourceLocation {
    Objects.requireNonNull(file, "file");
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ":" + column : file;
  }
}
