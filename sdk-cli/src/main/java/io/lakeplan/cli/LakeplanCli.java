package io.lakeplan.cli;

import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lakeplan} command: validates, plans, draws and converts use-case files, and prints the
 * use-case JSON Schema. Results go to standard output; errors are one line each on standard error
 * (with the stack trace only under {@code --verbose}).
 *
 * <p>Exit codes, the same for every command:
 *
 * <ul>
 *   <li>{@value #OK}: done, and every use-case file is clean;
 *   <li>{@value #PROBLEMS}: done, and some files have problems (listed, each with file, line,
 *       column, path and code); the valid files' plans, DAG files or imports are still produced —
 *       corrupt, truncated or invalid input never gives anything else;
 *   <li>{@value #ERROR}: the command could not run as asked: bad arguments or a path that does not
 *       exist (a usage error), a folder that cannot be listed or an output that cannot be written,
 *       or an internal error — a Lakeplan bug, reported as an {@code internal} problem of the file
 *       it met (the other files are still processed) or, outside any one file, as one line on
 *       standard error.
 * </ul>
 *
 * {@code lakeplan run} also exits {@value #PROBLEMS} when a task fails.
 */
@Command(
    name = "lakeplan",
    mixinStandardHelpOptions = true,
    versionProvider = LakeplanCli.Version.class,
    description = "Create, validate, plan, render, run, deploy and convert Lakeplan use cases.")
public final class LakeplanCli implements Runnable {
  /** Exit code when the command ran and the input is clean. */
  static final int OK = 0;

  /** Exit code when the command ran and the input has problems. */
  static final int PROBLEMS = 1;

  /** Exit code when the command could not run: usage error, I/O failure or internal error. */
  static final int ERROR = 2;

  /**
   * The exit code for a command that ran and found {@code problems}: {@link #OK} with none, {@link
   * #ERROR} when one is an internal error, else {@link #PROBLEMS}.
   */
  static int exitCode(List<Problem> problems) {
    if (problems.isEmpty()) {
      return OK;
    }
    return problems.stream().anyMatch(problem -> problem.code() == ProblemCode.INTERNAL)
        ? ERROR
        : PROBLEMS;
  }

  /** Every subcommand, in help order. */
  static List<Object> subcommands() {
    return List.of(
        new InitCommand(),
        new ValidateCommand(),
        new PlanCommand(),
        new GraphCommand(),
        new ImportLegacyCommand(),
        new SchemaCommand(),
        new RenderCommand(),
        new RunCommand(),
        new DeployCommand(),
        new IamCommand());
  }

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log at INFO and print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** A configured command line; tests set its output streams. */
  public static CommandLine commandLine() {
    return commandLine(subcommands());
  }

  /** A configured command line with {@code subcommands} (tests replace one). */
  static CommandLine commandLine(List<Object> subcommands) {
    CommandLine commandLine = new CommandLine(new LakeplanCli());
    for (Object subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
    commandLine.setExecutionExceptionHandler(LakeplanCli::handleError);
    commandLine.setParameterExceptionHandler(LakeplanCli::handleUsageError);
    return commandLine;
  }

  /** Runs the command and exits with its exit code. */
  public static void main(String[] args) {
    // slf4j-simple reads its level once, when the first logger is created: set it before that.
    boolean verbose = List.of(args).contains("--verbose");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    // lakeplan run: Spark's own warnings (plan strings truncated, native libraries) are noise
    // next to the progress display; --verbose shows them.
    if (!verbose) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.spark", "error");
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
    }
    System.exit(commandLine().execute(args));
  }

  private static int handleError(
      Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    boolean verbose = parseResult.hasMatchedOption("--verbose") || isVerbose(parseResult);
    if (verbose) {
      exception.printStackTrace(commandLine.getErr());
    }
    String message = exception.getMessage() == null ? "" : exception.getMessage();
    commandLine
        .getErr()
        .println(
            "lakeplan: error: "
                + (message.isBlank() ? exception.getClass().getSimpleName() : message)
                + (verbose ? "" : " (run with --verbose for details)"));
    commandLine.getErr().flush();
    return ERROR;
  }

  private static int handleUsageError(CommandLine.ParameterException exception, String[] args) {
    CommandLine commandLine = exception.getCommandLine();
    commandLine
        .getErr()
        .println(
            "lakeplan: error: "
                + exception.getMessage()
                + " (see '"
                + commandLine.getCommandSpec().qualifiedName()
                + " --help')");
    commandLine.getErr().flush();
    return ERROR;
  }

  private static boolean isVerbose(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult result = parseResult;
        result != null;
        result = result.subcommand()) {
      if (result.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LakeplanCli.class.getPackage().getImplementationVersion();
      return new String[] {"lakeplan " + (version == null ? "development" : version)};
    }
  }
}
