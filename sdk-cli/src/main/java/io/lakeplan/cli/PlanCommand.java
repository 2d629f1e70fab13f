package io.lakeplan.cli;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.validation.Problem;
import io.lakeplan.workspace.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan plan PATH}: prints the plan of the valid use cases. Problems go to standard error
 * and make the exit code 1, but the plan of the valid use cases is still printed.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Print the DAGs of the valid use cases; exit 1 when any file has problems.")
final class PlanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ValidateCommand.Format format;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
    reportProblems(spec.commandLine(), workspace.problems());
    Plan plan = workspace.plan();
    PrintWriter out = spec.commandLine().getOut();
    out.print(format == ValidateCommand.Format.json ? UseCaseCodec.toJson(plan) : text(plan));
    out.flush();
    return LakeplanCli.exitCode(workspace.problems());
  }

  /** Writes {@code problems} to standard error, one line each. */
  static void reportProblems(CommandLine commandLine, List<Problem> problems) {
    PrintWriter err = commandLine.getErr();
    problems.forEach(err::println);
    if (!problems.isEmpty()) {
      err.println(
          problems.size()
              + (problems.size() == 1 ? " problem" : " problems")
              + "; files with problems are left out");
    }
    err.flush();
  }

  /** The plan as indented text, DAGs by id. */
  static String text(Plan plan) {
    StringBuilder text = new StringBuilder();
    for (Dag dag : plan.dags()) {
      text.append("dag ")
          .append(dag.id())
          .append(" (")
          .append(dag.kind().name().toLowerCase(Locale.ROOT))
          .append(", ")
          .append(dag.schedule() == null ? "manual" : "schedule " + dag.schedule())
          .append(")\n");
      text.append("  tasks:\n");
      for (Task task : dag.tasksInOrder()) {
        text.append("    ").append(task.id()).append(" [").append(typeName(task)).append("]\n");
      }
      if (!dag.edges().isEmpty()) {
        text.append("  edges:\n");
        for (Edge edge : dag.edges()) {
          text.append("    ").append(edge.from()).append(" -> ").append(edge.to()).append('\n');
        }
      }
      if (!dag.upstream().isEmpty()) {
        text.append("  upstream:\n");
        for (DagDependency upstream : dag.upstream()) {
          text.append("    ")
              .append(upstream.dag())
              .append(" (")
              .append(upstream.reason().name().toLowerCase(Locale.ROOT));
          if (!upstream.tables().isEmpty()) {
            text.append(": ")
                .append(
                    upstream.tables().stream()
                        .map(TableId::toString)
                        .collect(Collectors.joining(", ")));
          }
          text.append(")\n");
        }
      }
    }
    text.append(plan.dags().size()).append(plan.dags().size() == 1 ? " DAG\n" : " DAGs\n");
    return text.toString();
  }

  /** The JSON type name of the task's spec, e.g. {@code merge}. */
  static String typeName(Task task) {
    for (Class<?> type = task.spec().getClass(); type != null; type = type.getSuperclass()) {
      JsonTypeName name = type.getAnnotation(JsonTypeName.class);
      if (name != null) {
        return name.value();
      }
    }
    return task.spec().getClass().getSimpleName();
  }
}
