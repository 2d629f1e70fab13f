package io.lakeplan.cli;

import io.lakeplan.codec.Document;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan import-legacy PATH --out DIR}: writes each valid legacy-format use case as native
 * YAML {@code DIR/<use-case>.yaml}. Invalid files are reported on standard error and the others are
 * still written; files already in the native format are skipped. A file whose {@code depends_on}
 * names a DAG of a file not imported with it is imported anyway, with a note: the dependency stays
 * a {@code dag:} reference, resolved in the workspace the use case joins.
 */
@Command(
    name = "import-legacy",
    mixinStandardHelpOptions = true,
    description = "Convert legacy use-case files to the native format; exit 1 on any problem.")
final class ImportLegacyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PATH", description = "A legacy file or folder.")
  Path path;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "The folder the native files are written to (created if missing).")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Path input = Inputs.existing(spec.commandLine(), path);
    Workspace workspace = Workspace.load(input);
    Map<String, List<Problem>> byFile = new TreeMap<>();
    for (Problem problem : workspace.problems()) {
      String file = problem.location() == null ? "" : problem.location().file();
      byFile.computeIfAbsent(file, key -> new ArrayList<>()).add(problem);
    }
    // A file whose only problems are depends_on entries naming DAGs of files not imported with it
    // is imported on its own: the entries stay dag: references, resolved where it is used.
    Map<String, List<Problem>> external = new TreeMap<>();
    byFile.forEach(
        (file, problems) -> {
          if (!file.isEmpty() && problems.stream().allMatch(ImportLegacyCommand::outsideDag)) {
            external.put(file, problems);
          }
        });
    List<Problem> problems = new ArrayList<>(workspace.problems());
    external.values().forEach(problems::removeAll);
    PlanCommand.reportProblems(spec.commandLine(), problems);
    PrintWriter stdout = spec.commandLine().getOut();
    int written = 0;
    try {
      Files.createDirectories(out);
      for (LoadedUseCase loaded : workspace.useCases()) {
        if (!loaded.legacy()) {
          spec.commandLine()
              .getErr()
              .println(loaded.file() + ": already in the native format, skipped");
          continue;
        }
        write(loaded.file(), loaded.useCase(), stdout);
        written++;
      }
      for (Map.Entry<String, List<Problem>> entry : external.entrySet()) {
        String file = entry.getKey();
        Path source = Files.isDirectory(input) ? input.resolve(file) : input;
        Document document =
            UseCaseCodec.read(
                file, Files.readString(source, StandardCharsets.UTF_8), workspace.legacyName(file));
        if (document.useCase() == null || !document.legacy()) {
          problems.addAll(entry.getValue());
          entry.getValue().forEach(spec.commandLine().getErr()::println);
          continue;
        }
        for (Problem problem : entry.getValue()) {
          stdout.println(
              problem.location()
                  + ": "
                  + problem.path()
                  + ": note: "
                  + problem.message().replaceFirst(", which no use case defines.*$", "")
                  + " is not among the imported files; kept as a dag: reference, which the"
                  + " workspace the use case joins must define");
        }
        write(file, document.useCase(), stdout);
        written++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to " + out + ": " + e.getMessage(), e);
    }
    stdout.println(
        "Imported "
            + written
            + " of "
            + workspace.fileCount()
            + " files; "
            + problems.size()
            + " problems");
    stdout.flush();
    spec.commandLine().getErr().flush();
    return LakeplanCli.exitCode(problems);
  }

  private void write(String file, UseCase useCase, PrintWriter stdout) throws IOException {
    Path target = out.resolve(useCase.name() + ".yaml");
    Files.writeString(target, UseCaseCodec.toYaml(useCase), StandardCharsets.UTF_8);
    stdout.println(file + " -> " + target);
  }

  /** A depends_on entry naming a DAG that no file of the import defines. */
  private static boolean outsideDag(Problem problem) {
    return problem.code() == ProblemCode.DANGLING_DEPENDENCY
        && problem.path().contains(".depends_on[")
        && problem.message().startsWith("Dependency on DAG '");
  }
}
