package io.lakeplan.cli;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan import-legacy PATH --out DIR}: writes each valid legacy-format use case as native
 * YAML {@code DIR/<use-case>.yaml}. Invalid files are reported on standard error and the others are
 * still written; files already in the native format are skipped.
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
    Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
    PlanCommand.reportProblems(spec.commandLine(), workspace.problems());
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
        Path target = out.resolve(loaded.useCase().name() + ".yaml");
        Files.writeString(target, UseCaseCodec.toYaml(loaded.useCase()), StandardCharsets.UTF_8);
        stdout.println(loaded.file() + " -> " + target);
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
            + workspace.problems().size()
            + " problems");
    stdout.flush();
    spec.commandLine().getErr().flush();
    return LakeplanCli.exitCode(workspace.problems());
  }
}
