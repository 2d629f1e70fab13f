package io.lakeplan.cli;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
