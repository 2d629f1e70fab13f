package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCommandTest {
  @Test
  void graph_legacyFixtures_hasSubgraphPerDagAndUpstreamArrow() {
    CliRun run = CliRun.of("graph", CliRun.LEGACY.resolve("valid").toString());

    Plan plan = Workspace.load(CliRun.LEGACY.resolve("valid")).plan();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("flowchart LR\n");
    for (Dag dag : plan.dags()) {
      assertThat(run.out()).contains("subgraph " + mermaidId(dag.id()) + "[\"" + dag.id() + "\"]");
    }
    assertThat(run.out()).contains("  n_orders_migration ==> n_orders_ingestion\n");
    assertThat(plan.dag("orders_ingestion").upstream())
        .anyMatch(upstream -> upstream.dag().equals("orders_migration"));
  }

  @Test
  void graph_example_sanitizesDottedIdsAndDrawsTaskEdges() {
    CliRun run = CliRun.of("graph", CliRun.EXAMPLES.resolve("orders").toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("subgraph n_orders_migration[\"orders.migration\"]")
        .contains(
            "n_orders_migration_orders_history_copy --> n_orders_migration_orders_history_convert")
        .contains("  n_orders_migration ==> n_orders_transformation\n");
    assertThat(run.out().lines().filter(line -> line.startsWith("  subgraph ")))
        .allMatch(line -> line.matches("  subgraph n_[A-Za-z0-9_]+\\[\"[^\"]+\"\\]"));
  }

  @Test
  void mermaidIds_distinctNamesGetDistinctIds() {
    GraphCommand.MermaidIds ids = new GraphCommand.MermaidIds();

    assertThat(ids.of("a.b")).isEqualTo("n_a_b");
    assertThat(ids.of("a_b")).isEqualTo("n_a_b_2");
    assertThat(ids.of("a.b")).isEqualTo("n_a_b");
  }

  private static String mermaidId(String name) {
    return "n_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  @Test
  void graph_dot_example_mirrorsTheMermaidGraph() {
    Path orders = CliRun.EXAMPLES.resolve("orders");
    CliRun run = CliRun.of("graph", "--format", "dot", orders.toString());

    Plan plan = Workspace.load(orders).plan();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("digraph lakeplan {\n").endsWith("}\n");
    int dependencies = 0;
    for (Dag dag : plan.dags()) {
      assertThat(run.out())
          .contains("  subgraph \"cluster_" + dag.id() + "\" {\n    label=\"" + dag.id() + "\";\n");
      for (Task task : dag.tasksInOrder()) {
        assertThat(run.out())
            .contains(
                "    \"" + dag.id() + "/" + task.id() + "\" [label=\"" + task.id() + "\"];\n");
      }
      for (Edge edge : dag.edges()) {
        assertThat(run.out())
            .contains(
                "    \""
                    + dag.id()
                    + "/"
                    + edge.from()
                    + "\" -> \""
                    + dag.id()
                    + "/"
                    + edge.to()
                    + "\";\n");
      }
      for (DagDependency upstream : dag.upstream()) {
        assertThat(run.out())
            .contains("  \"" + upstream.dag() + "\" -> \"" + dag.id() + "\" [style=bold, label=")
            .contains(
                "ltail=\"cluster_" + upstream.dag() + "\", lhead=\"cluster_" + dag.id() + "\"];\n");
        dependencies++;
      }
    }
    // as many arrows as the Mermaid graph draws: task edges (-->) and DAG dependencies (==>)
    String mermaid = GraphCommand.mermaid(plan);
    assertThat(count(run.out(), " -> "))
        .isEqualTo(count(mermaid, " --> ") + count(mermaid, " ==> "));
    assertThat(count(mermaid, " ==> ")).isEqualTo(dependencies).isPositive();
    assertThat(run.out())
        .contains(
            "  \"orders.migration\" -> \"orders.transformation\" [style=bold, label=\"raw.orders\"");
  }

  @Test
  void quoted_escapesBackslashesQuotesAndLineBreaks() {
    assertThat(GraphCommand.quoted("orders.migration")).isEqualTo("\"orders.migration\"");
    assertThat(GraphCommand.quoted("a\"b")).isEqualTo("\"a\\\"b\"");
    assertThat(GraphCommand.quoted("a\\\"b")).isEqualTo("\"a\\\\\\\"b\"");
    assertThat(GraphCommand.quoted("a\r\nb")).isEqualTo("\"a\\nb\"");
  }

  @Test
  void graph_mermaidIsTheDefault_andOutputWritesAFile(@TempDir Path folder) throws IOException {
    Path orders = CliRun.EXAMPLES.resolve("orders");
    Path file = folder.resolve("orders.dot");

    CliRun mermaid = CliRun.of("graph", "--format", "mermaid", orders.toString());
    CliRun written =
        CliRun.of("graph", "--format", "dot", "--output", file.toString(), orders.toString());

    assertThat(mermaid.out()).isEqualTo(CliRun.of("graph", orders.toString()).out());
    assertThat(written.exitCode()).isZero();
    assertThat(written.out()).isEmpty();
    assertThat(Files.readString(file)).isEqualTo(GraphCommand.dot(Workspace.load(orders).plan()));
  }

  @Test
  void graph_svg_runsTheDotOnThePath_onTheDotText(@TempDir Path folder) throws IOException {
    Path orders = CliRun.EXAMPLES.resolve("orders");
    Path empty = Files.createDirectories(folder.resolve("empty"));
    Path notExecutable = Files.createDirectories(folder.resolve("not-executable"));
    Files.writeString(notExecutable.resolve("dot"), "#!/bin/sh\nexit 9\n");
    Path bin = fakeDot(folder.resolve("bin"));
    String path =
        String.join(
            java.io.File.pathSeparator, empty.toString(), notExecutable.toString(), bin.toString());
    Path svgFile = folder.resolve("orders.svg");

    CliRun run = svg(path, orders.toString());
    CliRun toFile = svg(path, "--output", svgFile.toString(), orders.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(FAKE_SVG);
    assertThat(Files.readString(bin.resolve("received.dot")))
        .isEqualTo(GraphCommand.dot(Workspace.load(orders).plan()));
    assertThat(toFile.exitCode()).as(toFile.err()).isZero();
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(svgFile)).isEqualTo(FAKE_SVG);
  }

  @Test
  void graph_svg_withoutDotOnThePath_isOneLineSayingHowToGetIt(@TempDir Path folder)
      throws IOException {
    Path orders = CliRun.EXAMPLES.resolve("orders");
    Path empty = Files.createDirectories(folder.resolve("empty"));

    for (String path : List.of("", empty.toString())) {
      CliRun run = svg(path, orders.toString());

      assertThat(run.exitCode()).as(path).isEqualTo(LakeplanCli.ERROR);
      assertThat(run.out()).isEmpty();
      assertThat(run.err())
          .isEqualTo(
              "lakeplan: error: lakeplan graph --format svg needs Graphviz's dot on the PATH"
                  + " (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz);"
                  + " --format dot prints the DOT text to render elsewhere\n");
    }
  }

  @Test
  void graph_svg_dotFails_isOneLineWithItsFirstMessage(@TempDir Path folder) throws IOException {
    Path bin = Files.createDirectories(folder.resolve("bin"));
    Path dot = bin.resolve("dot");
    Files.writeString(
        dot,
        "#!/bin/sh\ncat > /dev/null\necho 'Error: <stdin>: syntax error in line 3' >&2\nexit 1\n");
    Files.setPosixFilePermissions(dot, PosixFilePermissions.fromString("rwx------"));

    CliRun run = svg(bin.toString(), CliRun.EXAMPLES.resolve("orders").toString());

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "lakeplan: error: "
                + dot
                + " -Tsvg failed (exit 1): Error: <stdin>: syntax error in line 3\n");
  }

  @Test
  void graph_help_listsTheFormats() {
    CliRun run = CliRun.of("graph", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("mermaid, dot, svg (default: mermaid)")
        .contains("--output=FILE");
  }

  private static final String FAKE_SVG =
      "<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- fake dot --></svg>\n";

  /**
   * A stand-in for Graphviz's {@code dot} in {@code bin}: it checks its arguments and that standard
   * input is a Lakeplan DOT graph, keeps that input in {@code received.dot} and prints a fixed SVG.
   */
  private static Path fakeDot(Path bin) throws IOException {
    Files.createDirectories(bin);
    Path dot = bin.resolve("dot");
    Files.writeString(
        dot,
        """
        #!/bin/sh
        [ "$#" -eq 1 ] && [ "$1" = "-Tsvg" ] || { echo "expected -Tsvg, got: $*" >&2; exit 3; }
        cat > "$(dirname "$0")/received.dot"
        head -n 1 "$(dirname "$0")/received.dot" | grep -qx 'digraph lakeplan {' \
          || { echo "standard input is not a Lakeplan DOT graph" >&2; exit 4; }
        tail -n 1 "$(dirname "$0")/received.dot" | grep -qx '}' \
          || { echo "standard input ends before the graph does" >&2; exit 5; }
        printf '%s\\n' '<svg xmlns="http://www.w3.org/2000/svg"><!-- fake dot --></svg>'
        """);
    Files.setPosixFilePermissions(dot, PosixFilePermissions.fromString("rwx------"));
    return bin;
  }

  /** {@code lakeplan graph --format svg ARGS} with {@code path} as its {@code PATH}. */
  private static CliRun svg(String path, String... args) {
    List<Object> subcommands =
        LakeplanCli.subcommands().stream()
            .map(
                command ->
                    command instanceof GraphCommand
                        ? new GraphCommand(Map.of("PATH", path)::get)
                        : command)
            .toList();
    String[] arguments = new String[args.length + 3];
    arguments[0] = "graph";
    arguments[1] = "--format";
    arguments[2] = "svg";
    System.arraycopy(args, 0, arguments, 3, args.length);
    return CliRun.of(LakeplanCli.commandLine(subcommands), arguments);
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }
}
