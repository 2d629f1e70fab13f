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
 * @param problems the problems of the invalid use cases and files, as loaded, and of DAGs the
 *     target cannot render
 * @param pools the Airflow pools the DAG files use, name to description, sorted: each has one slot
 *     and must exist before the DAGs run ({@link #POOLS_FILE})
 */
public record Rendering(
    List<RenderedFile> files, List<Problem> problems, Map<String, String> pools) {
  /**
   * The file {@link #writeTo} writes the pools to, in the format of {@code airflow pools import};
   * Airflow does not parse it as a DAG file.
   */
  public static final String POOLS_FILE = "lakeplan_pools.json";

  public Rendering {
    files = List.copyOf(files);
    problems = List.copyOf(problems);
    pools = java.util.Collections.unmodifiableMap(new TreeMap<>(pools));
  }

  /** A rendering that uses no pools. */
  public Rendering(List<RenderedFile> files, List<Problem> problems) {
    this(files, problems, Map.of());
  }

  /**
   * The pools as {@code airflow pools import} reads them: {@code {"<name>": {"slots": 1,
   * "description": "…", "include_deferred": false}}}.
   */
  public String poolsJson() {
    StringBuilder out = new StringBuilder("{");
    String separator = "\n";
    for (Map.Entry<String, String> pool : pools.entrySet()) {
      out.append(separator)
          .append("  ")
          .append(Python.string(pool.getKey()))
          .append(": {\"slots\": 1, \"description\": ")
          .append(Python.string(pool.getValue()))
          .append(", \"include_deferred\": false}");
      separator = ",\n";
    }
    return out.append(pools.isEmpty() ? "}\n" : "\n}\n").toString();
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
      if (!pools.isEmpty()) {
        Path path = directory.resolve(POOLS_FILE);
        Files.writeString(path, poolsJson(), StandardCharsets.UTF_8);
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
    if (!pools.isEmpty()) {
      out.append(pools.size())
          .append(" Airflow pools in ")
          .append(POOLS_FILE)
          .append(": create them before the DAGs run (airflow pools import ")
          .append(POOLS_FILE)
          .append(")\n");
    }
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
