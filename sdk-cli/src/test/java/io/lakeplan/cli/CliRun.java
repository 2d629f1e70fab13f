package io.lakeplan.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** One run of the command in process: exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {
  /** The legacy fixtures, shared with the other repositories (checked out beside this one). */
  static final Path LEGACY = Path.of("..", "fixtures", "legacy-yaml");

  /** The native examples of this repository. */
  static final Path EXAMPLES = Path.of("..", "examples");

  static CliRun of(String... args) {
    return of(LakeplanCli.commandLine(), args);
  }

  /** A run of {@code commandLine} (one of {@link LakeplanCli#commandLine}'s). */
  static CliRun of(CommandLine commandLine, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
