package io.lakeplan.cli;

import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan graph PATH}: the plan of the valid use cases as a Mermaid flowchart, one subgraph
 * per DAG with its tasks and edges, and an arrow from each upstream DAG to the DAG that waits for
 * it. Problems go to standard error and make the exit code 1.
 */
@Command(
    name = "graph",
    mixinStandardHelpOptions = true,
    description = "Print the plan as a Mermaid flowchart (DAGs, tasks, edges, DAG dependencies).")
final class GraphCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
    PlanCommand.reportProblems(spec.commandLine(), workspace.problems());
    spec.commandLine().getOut().print(mermaid(workspace.plan()));
    spec.commandLine().getOut().flush();
    return LakeplanCli.exitCode(workspace.problems());
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
