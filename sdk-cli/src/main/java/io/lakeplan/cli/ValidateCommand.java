package io.lakeplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.env.Environment;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan validate PATH}: loads a use-case file or folder and lists every problem, then the
 * warnings of the valid use cases ({@link io.lakeplan.workspace.Validator#warnings}), which never
 * change the exit code.
 *
 * <p>Without {@code --strict}, valid legacy-format files are accepted. With {@code --strict} (for
 * CI) they are problems too (convert them with {@code import-legacy}), and so is a folder without
 * use-case files.
 *
 * <p>With {@code --env FILE} it also reports what rendering the DAGs for that environment would
 * refuse ({@link AirflowRenderer}): an SLA its {@code airflow.version} cannot carry, e-mail targets
 * without its e-mail topic, a sensors-mode DAG waiting for a manual one — the problems {@code
 * lakeplan render airflow --env FILE} would report.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Check use-case files; exit 0 when clean, 1 when there is any problem.")
final class ValidateCommand implements Callable<Integer> {
  /** Output formats. */
  enum Format {
    text,
    json
  }

  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(
      names = "--strict",
      description = "Also reject legacy-format files and folders without use cases.")
  boolean strict;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--env",
      paramLabel = "FILE",
      description =
          "An environment file (YAML): also report the DAGs rendering for it would refuse (an SLA"
              + " its airflow.version cannot carry, e-mail without its e-mail topic).")
  Path env;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
    List<Problem> problems = problems(workspace, strict);
    if (env != null) {
      Environment environment = Inputs.environment(spec.commandLine(), env);
      // the valid use cases' DAGs, rendered in memory: only the renderer's own refusals
      problems.addAll(AirflowRenderer.to(environment).render(workspace.plan()).problems());
    }
    PrintWriter out = spec.commandLine().getOut();
    List<Problem> warnings = workspace.warnings();
    if (format == Format.json) {
      out.println(toJson(problems, warnings));
    } else {
      problems.forEach(out::println);
      warnings.forEach(warning -> out.println(warning(warning)));
      out.println(summary(workspace, problems));
    }
    out.flush();
    return LakeplanCli.exitCode(problems);
  }

  /** The workspace's problems, plus under {@code strict} one per legacy file and empty input. */
  static List<Problem> problems(Workspace workspace, boolean strict) {
    List<Problem> problems = new ArrayList<>(workspace.problems());
    if (strict) {
      for (LoadedUseCase loaded : workspace.useCases()) {
        if (loaded.legacy()) {
          problems.add(
              new Problem(
                  loaded.useCase().name(),
                  "",
                  ProblemCode.UNSUPPORTED_API_VERSION,
                  "Legacy format is not accepted in strict mode; convert it with 'lakeplan"
                      + " import-legacy'",
                  new SourceLocation(loaded.file(), 1, 1)));
        }
      }
      if (workspace.fileCount() == 0) {
        problems.add(
            new Problem(
                null,
                "",
                ProblemCode.UNREADABLE_FILE,
                "No .yaml or .yml use-case files found",
                null));
      }
    }
    return problems;
  }

  static String summary(Workspace workspace, List<Problem> problems) {
    Set<String> files = new LinkedHashSet<>();
    for (Problem problem : problems) {
      if (problem.location() != null) {
        files.add(problem.location().file());
      }
    }
    return (problems.isEmpty() ? "OK: " : "FAILED: ")
        + problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + " in "
        + files.size()
        + (files.size() == 1 ? " file" : " files")
        + "; "
        + workspace.useCases().size()
        + " of "
        + workspace.fileCount()
        + " use-case files valid"
        + (workspace.warnings().isEmpty()
            ? ""
            : "; "
                + workspace.warnings().size()
                + (workspace.warnings().size() == 1 ? " warning" : " warnings"));
  }

  /** A warning's line: {@code file:line:col: warning: path: message [code]}. */
  static String warning(Problem warning) {
    StringBuilder line = new StringBuilder();
    if (warning.location() != null) {
      line.append(warning.location()).append(": ");
    } else if (warning.useCase() != null) {
      line.append(warning.useCase()).append(": ");
    }
    line.append("warning: ");
    if (!warning.path().isEmpty()) {
      line.append(warning.path()).append(": ");
    }
    return line.append(warning.message())
        .append(" [")
        .append(warning.code().code())
        .append(']')
        .toString();
  }

  /** Every problem, then every warning, each with its {@code severity}. */
  static String toJson(List<Problem> problems, List<Problem> warnings) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Problem problem : problems) {
      add(array, problem, "error");
    }
    for (Problem warning : warnings) {
      add(array, warning, "warning");
    }
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write problems as JSON", e);
    }
  }

  private static void add(ArrayNode array, Problem problem, String severity) {
    ObjectNode node = array.addObject();
    SourceLocation location = problem.location();
    node.put("file", location == null ? null : location.file());
    node.put("line", location == null ? 0 : location.line());
    node.put("column", location == null ? 0 : location.column());
    node.put("path", problem.path());
    node.put("severity", severity);
    node.put("code", problem.code().code());
    node.put("message", problem.message());
    node.put("useCase", problem.useCase());
  }
}
