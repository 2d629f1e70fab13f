package io.lakeplan.aws.airflow;

import io.lakeplan.validation.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of rendering: the DAG files, and the problems of every use case left out (with the
 * quarantine DAG, those problems are also in the files).
 *
 * @param files the rendered files, sorted by file name
 * @param problems the problems of the invalid use cases and files, as loaded
 */
public record Rendering(List<RenderedFile> files, List<Problem> problems) {
  public Rendering {
    files = List.copyOf(files);
    problems = List.copyOf(problems);
  }

  /**
   * The problems per invalid use case: keyed by use-case name, or by file for a file whose use case
   * has no name (e.g. one that does not parse); sorted by key.
   */
  public Map<String, List<Problem>> problemsByUseCase() {
    Map<String, List<Problem>> byUseCase = new TreeMap<>();
    for (Problem problem : problems) {
      byUseCase.computeIfAbsent(key(problem), key -> new ArrayList<>()).add(problem);
    }
    return byUseCase;
  }

  static String key(Problem problem) {
    if (problem.useCase() != null) {
      return problem.useCase();
    }
    return problem.location() != null ? problem.location().file() : "(unknown)";
  }

  /**
   * Writes every file into {@code directory} (created if missing), replacing files of the same
   * name; other files are left alone.
   *
   * @return the written paths
   */
  public List<Path> writeTo(Path directory) {
    try {
      Files.createDirectories(directory);
      List<Path> written = new ArrayList<>();
      for (RenderedFile file : files) {
        Path path = directory.resolve(file.fileName());
        Files.writeString(path, file.content(), StandardCharsets.UTF_8);
        written.add(path);
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write DAG files to " + directory, e);
    }
  }

  /** A readable report: the rendered files, then each invalid use case with its problems. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("Rendered ").append(files.size()).append(" Airflow DAG files:\n");
    files.forEach(file -> out.append("  ").append(file.fileName()).append('\n'));
    Map<String, List<Problem>> byUseCase = problemsByUseCase();
    if (byUseCase.isEmpty()) {
      out.append("No invalid use cases.\n");
    } else {
      out.append(byUseCase.size()).append(" invalid use cases left out:\n");
      byUseCase.forEach(
          (useCase, own) -> {
            out.append("  ").append(useCase).append(":\n");
            own.forEach(problem -> out.append("    ").append(problem).append('\n'));
          });
    }
    return out.toString();
  }
}
