package io.lakeplan.cli;

import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Checks shared by the subcommands. */
final class Inputs {
  private Inputs() {}

  /** {@code path}, when it exists; otherwise a usage error naming it. */
  static Path existing(CommandLine commandLine, Path path) {
    if (!Files.exists(path)) {
      throw new CommandLine.ParameterException(
          commandLine, "No such file or folder: " + path + " (give a use-case file or folder)");
    }
    return path;
  }

  /**
   * The environment in {@code file}, or the local default when it is null.
   *
   * @throws CommandLine.ParameterException when the file does not exist
   * @throws IllegalArgumentException on one line listing every problem of the file
   */
  static Environment environment(CommandLine commandLine, Path file) {
    if (file == null) {
      return Environment.local();
    }
    if (!Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(
          commandLine, "No such environment file: " + file + " (give an environment YAML file)");
    }
    try {
      return Environments.load(file);
    } catch (ValidationException e) {
      throw new IllegalArgumentException(
          "Invalid environment "
              + file
              + ": "
              + e.problems().stream().map(Problem::toString).collect(Collectors.joining("; ")),
          e);
    }
  }
}
