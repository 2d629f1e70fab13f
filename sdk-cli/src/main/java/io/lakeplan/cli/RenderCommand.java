package io.lakeplan.cli;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.Rendering;
import io.lakeplan.env.Environment;
import io.lakeplan.workspace.Workspace;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakeplan render <target> …}: renders the plan for an orchestrator. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = "Render the plan for an orchestrator.",
    subcommands = RenderCommand.Airflow.class)
final class RenderCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing target (one of: airflow)");
  }

  /**
   * {@code lakeplan render airflow PATH --out DIR [--env FILE]}: one static DAG file per DAG of the
   * valid use cases. Invalid use cases get no DAG; the report on standard output lists them with
   * their problems, and the exit code is then 1.
   */
  @Command(
      name = "airflow",
      mixinStandardHelpOptions = true,
      description = {
        "Write one Airflow DAG file per DAG (Airflow 2.10+ and 3.x, Amazon MWAA).",
        "Exit 1 when any use case has problems (its DAGs are left out and listed)."
      })
  static final class Airflow implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
    Path path;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "The folder to write the DAG files into (created if missing).")
    Path out;

    @Option(
        names = "--env",
        paramLabel = "FILE",
        description =
            "The environment file (YAML): its airflow section, region and default SNS topic;"
                + " default: every default value.")
    Path env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Workspace workspace = Workspace.load(Inputs.existing(spec.commandLine(), path));
      Environment config = Inputs.environment(spec.commandLine(), env);
      Rendering rendering = AirflowRenderer.to(config).render(workspace);
      rendering.writeTo(out);
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.print(rendering.report());
      stdout.println("Written to " + out);
      stdout.flush();
      return LakeplanCli.exitCode(rendering.problems());
    }
  }
}
