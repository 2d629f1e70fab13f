package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LakeplanCliTest {
  @Test
  void subcommands_areRegisteredInOnePlace() {
    List<String> names = new ArrayList<>(LakeplanCli.commandLine().getSubcommands().keySet());

    assertThat(names)
        .containsExactly(
            "init",
            "validate",
            "plan",
            "graph",
            "import-legacy",
            "schema",
            "render",
            "run",
            "deploy",
            "iam");
  }

  @Test
  void version_printsLakeplanVersion() {
    CliRun run = CliRun.of("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("lakeplan ");
  }

  @Test
  void noSubcommand_isOneLineUsageError() {
    CliRun run = CliRun.of();

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .isEqualTo("lakeplan: error: Missing subcommand (see 'lakeplan --help')\n");
  }

  @Test
  void failure_printsOneLineWithoutStackTrace_andTheTraceWithVerbose() {
    CommandLine.Model.CommandSpec failing =
        CommandLine.Model.CommandSpec.wrapWithoutInspection(
            (Runnable)
                () -> {
                  throw new IllegalStateException("Disk full");
                });
    CommandLine commandLine = LakeplanCli.commandLine();
    commandLine.addSubcommand("fail", new CommandLine(failing));
    java.io.StringWriter err = new java.io.StringWriter();
    commandLine.setErr(new java.io.PrintWriter(err, true));

    int exitCode = commandLine.execute("fail");

    assertThat(exitCode).isEqualTo(LakeplanCli.ERROR);
    assertThat(err.toString())
        .isEqualTo("lakeplan: error: Disk full (run with --verbose for details)\n");

    java.io.StringWriter verboseErr = new java.io.StringWriter();
    commandLine.setErr(new java.io.PrintWriter(verboseErr, true));
    assertThat(commandLine.execute("--verbose", "fail")).isEqualTo(LakeplanCli.ERROR);
    assertThat(verboseErr.toString())
        .contains("java.lang.IllegalStateException: Disk full")
        .contains("\tat ")
        .endsWith("lakeplan: error: Disk full\n");
  }

  @Test
  void exitCode_isZeroWhenClean_oneForProblems_twoWhenAnyIsAnInternalError() {
    Problem invalid = new Problem("orders", "owner", ProblemCode.REQUIRED, "Missing owner", null);
    Problem internal =
        new Problem(
            null,
            "",
            ProblemCode.INTERNAL,
            "Internal error while reading this file",
            new SourceLocation("bad.yaml", 0, 0));

    assertThat(LakeplanCli.exitCode(List.of())).isEqualTo(LakeplanCli.OK).isZero();
    assertThat(LakeplanCli.exitCode(List.of(invalid))).isEqualTo(LakeplanCli.PROBLEMS).isOne();
    assertThat(LakeplanCli.exitCode(List.of(invalid, internal)))
        .isEqualTo(LakeplanCli.ERROR)
        .isEqualTo(2);
  }
}
