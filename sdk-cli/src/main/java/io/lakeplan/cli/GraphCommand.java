package io.lakeplan.cli;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Workspace;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan graph PATH [--format mermaid|dot|svg] [--output FILE]}: the plan of the valid use
 * cases as a graph, one group per DAG with its tasks and edges, and an arrow from each upstream DAG
 * to the DAG that waits for it. {@code mermaid} (the default) is a Mermaid flowchart, {@code dot}
 * the same graph in Graphviz DOT (each DAG a cluster; the arrows between DAGs are labelled with the
 * tables that link them), {@code svg} that DOT rendered by Graphviz's {@code dot -Tsvg}, which must
 * be on the {@code PATH}. Problems go to standard error and make the exit code 1.
 */
@Command(
    name = "graph",
    mixinStandardHelpOptions = true,
    description =
        "Print the plan as a graph (DAGs, tasks, edges, DAG dependencies): a Mermaid flowchart,"
            + " Graphviz DOT, or SVG rendered by Graphviz's dot.")
final class GraphCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    mermaid,
    dot,
    svg
  }

  /** The one line of {@code --format svg} without Graphviz. */
  static final String NO_GRAPHVIZ =
      "lakeplan graph --format svg needs Graphviz's dot on the PATH (Debian/Ubuntu: apt-get"
          + " install graphviz; macOS: brew install graphviz); --format dot prints the DOT text to"
          + " render elsewhere";

  /** How long Graphviz may take to lay out one plan. */
  private static final long DOT_TIMEOUT_SECONDS = 120;

  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(
      names = "--format",
      defaultValue = "mermaid",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the graph to FILE instead of standard output.")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The process environment, where {@code PATH} is looked up (replaced in tests). */
  private final Function<String, String> environment;

  GraphCommand() {
    this(System::getenv);
  }

  /** A command that finds {@code dot} on the {@code PATH} {@code environment} gives. */
  GraphCommand(Function<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    Path dot = null;
    if (format == Format.svg) {
      dot = findOnPath("dot");
      if (dot == null) {
        return error(NO_GRAPHVIZ);
      }
    }
    Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
    PlanCommand.reportProblems(spec.commandLine(), workspace.problems());
    Plan plan = workspace.plan();
    byte[] graph =
        switch (format) {
          case mermaid -> mermaid(plan).getBytes(StandardCharsets.UTF_8);
          case dot -> dot(plan).getBytes(StandardCharsets.UTF_8);
          case svg -> svg(dot, dot(plan));
        };
    if (graph == null) {
      return LakeplanCli.ERROR;
    }
    if (output == null) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(new String(graph, StandardCharsets.UTF_8));
      out.flush();
    } else {
      try {
        Files.write(output, graph);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + output + ": " + e.getMessage(), e);
      }
    }
    return LakeplanCli.exitCode(workspace.problems());
  }

  /**
   * {@code dotText} rendered by {@code dot -Tsvg}, or null after printing why it failed. Its input,
   * output and errors go through temporary files, so a {@code dot} that hangs is stopped after
   * {@value #DOT_TIMEOUT_SECONDS} s whatever it does with its pipes.
   */
  private byte[] svg(Path dot, String dotText) {
    Path work = null;
    try {
      work = Files.createTempDirectory("lakeplan-graph");
      Path input = Files.writeString(work.resolve("plan.dot"), dotText, StandardCharsets.UTF_8);
      Path output = work.resolve("plan.svg");
      Path errors = work.resolve("dot.err");
      Process process =
          new ProcessBuilder(dot.toString(), "-Tsvg")
              .redirectInput(input.toFile())
              .redirectOutput(output.toFile())
              .redirectError(errors.toFile())
              .start();
      if (!process.waitFor(DOT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        error(dot + " -Tsvg did not finish in " + DOT_TIMEOUT_SECONDS + " s");
        return null;
      }
      if (process.exitValue() != 0) {
        String reason =
            Files.readAllLines(errors, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .findFirst()
                .orElse("no message");
        error(dot + " -Tsvg failed (exit " + process.exitValue() + "): " + reason);
        return null;
      }
      return Files.readAllBytes(output);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + dot + " -Tsvg: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + dot + " -Tsvg ran", e);
    } finally {
      deleteQuietly(work);
    }
  }

  private static void deleteQuietly(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | UncheckedIOException ignored) {
      // temporary files left behind change no result
    }
  }

  /** The executable {@code name} in the first folder of {@code PATH} that has one, or null. */
  Path findOnPath(String name) {
    String searchPath = environment.apply("PATH");
    if (searchPath == null || searchPath.isBlank()) {
      return null;
    }
    for (String folder : searchPath.split(File.pathSeparator)) {
      if (folder.isBlank()) {
        continue;
      }
      Path candidate = Path.of(folder, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private int error(String message) {
    spec.commandLine().getErr().println("lakeplan: error: " + message);
    spec.commandLine().getErr().flush();
    return LakeplanCli.ERROR;
  }

  /** {@code plan} as Mermaid {@code flowchart LR} text. */
  static String mermaid(Plan plan) {
    MermaidIds ids = new MermaidIds();
    StringBuilder text = new StringBuilder("flowchart LR\n");
    for (Dag dag : plan.dags()) {
      text.append("  subgraph ")
          .append(ids.of(dag.id()))
          .append("[\"")
          .append(label(dag.id()))
          .append("\"]\n");
      for (Task task : dag.tasksInOrder()) {
        text.append("    ")
            .append(ids.of(dag.id() + "/" + task.id()))
            .append("[\"")
            .append(label(task.id()))
            .append("\"]\n");
      }
      for (Edge edge : dag.edges()) {
        text.append("    ")
            .append(ids.of(dag.id() + "/" + edge.from()))
            .append(" --> ")
            .append(ids.of(dag.id() + "/" + edge.to()))
            .append('\n');
      }
      text.append("  end\n");
    }
    for (Dag dag : plan.dags()) {
      for (DagDependency upstream : dag.upstream()) {
        text.append("  ")
            .append(ids.of(upstream.dag()))
            .append(" ==> ")
            .append(ids.of(dag.id()))
            .append('\n');
      }
    }
    return text.toString();
  }

  /**
   * {@code plan} as Graphviz DOT: a cluster per DAG with its tasks and edges, and a bold arrow
   * between the clusters of each DAG dependency, labelled with the tables that link them (or the
   * reason, for a declared one). Every id and label is a quoted DOT string.
   */
  static String dot(Plan plan) {
    StringBuilder text =
        new StringBuilder("digraph lakeplan {\n")
            .append("  rankdir=LR;\n")
            .append("  compound=true;\n")
            .append("  node [shape=box];\n");
    for (Dag dag : plan.dags()) {
      text.append("  subgraph ")
          .append(quoted("cluster_" + dag.id()))
          .append(" {\n")
          .append("    label=")
          .append(quoted(dag.id()))
          .append(";\n")
          // the end point of the arrows between DAGs: a cluster itself cannot be one
          .append("    ")
          .append(quoted(dag.id()))
          .append(" [shape=point, style=invis];\n");
      for (Task task : dag.tasksInOrder()) {
        text.append("    ")
            .append(quoted(dag.id() + "/" + task.id()))
            .append(" [label=")
            .append(quoted(task.id()))
            .append("];\n");
      }
      for (Edge edge : dag.edges()) {
        text.append("    ")
            .append(quoted(dag.id() + "/" + edge.from()))
            .append(" -> ")
            .append(quoted(dag.id() + "/" + edge.to()))
            .append(";\n");
      }
      text.append("  }\n");
    }
    Set<String> dags = plan.dags().stream().map(Dag::id).collect(Collectors.toSet());
    for (Dag dag : plan.dags()) {
      for (DagDependency upstream : dag.upstream()) {
        text.append("  ")
            .append(quoted(upstream.dag()))
            .append(" -> ")
            .append(quoted(dag.id()))
            .append(" [style=bold, label=")
            .append(
                quoted(
                    upstream.tables().isEmpty()
                        ? upstream.reason().name().toLowerCase(Locale.ROOT)
                        : upstream.tables().stream()
                            .map(Object::toString)
                            .collect(Collectors.joining(", "))));
        if (dags.contains(upstream.dag())) {
          text.append(", ltail=").append(quoted("cluster_" + upstream.dag()));
        }
        text.append(", lhead=").append(quoted("cluster_" + dag.id())).append("];\n");
      }
    }
    return text.append("}\n").toString();
  }

  /** {@code text} as a quoted DOT string: backslashes, quotes and line breaks escaped. */
  static String quoted(String text) {
    return '"'
        + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "").replace("\n", "\\n")
        + '"';
  }

  private static String label(String text) {
    return text.replace("\"", "#quot;");
  }

  /** Mermaid node ids: letters, digits and _ only, distinct for distinct names. */
  static final class MermaidIds {
    private final Map<String, String> ids = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    String of(String name) {
      return ids.computeIfAbsent(
          name,
          key -> {
            String base = "n_" + key.replaceAll("[^A-Za-z0-9_]", "_");
            String id = base;
            for (int suffix = 2; !used.add(id); suffix++) {
              id = base + "_" + suffix;
            }
            return id;
          });
    }
  }
}
