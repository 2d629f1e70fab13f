package io.lakeplan.cli;

import io.lakeplan.aws.deploy.Change;
import io.lakeplan.aws.deploy.DeployPlan;
import io.lakeplan.aws.deploy.Deployment;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakeplan deploy PATH --env FILE [--dry-run] [--job-jar FILE]}: deploys the use cases to
 * the environment's AWS account ({@link Deployment}): prints what it changes first, one line per
 * resource created ({@code [+]}), updated ({@code [~]}) or deleted ({@code [-]}), then applies it
 * unless {@code --dry-run}. A deployment with nothing changed says so and changes nothing. Every
 * use case must be valid: an invalid one would otherwise lose its deployed DAG files.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = {
      "Deploy the use cases to AWS: Glue databases, the DynamoDB watermark table, the IAM"
          + " policies of the roles named in iam (see lakeplan iam), DataSync locations and tasks, the job jar, the plan JSON files and the Airflow DAG files"
          + " (MWAA). Prints the changes first; --dry-run stops there.",
      "Exit 0 when deployed (or nothing to change), 2 when it could not (one line naming the"
          + " resource and the fix)."
    })
final class DeployCommand implements Callable<Integer> {
  /** Where the build puts the job jar, relative to the working directory. */
  static final Path BUILT_JARS = Path.of("sdk-spark", "target");

  @Parameters(index = "0", paramLabel = "PATH", description = "A use-case file or folder.")
  Path path;

  @Option(
      names = "--env",
      required = true,
      paramLabel = "FILE",
      description =
          "The environment file (YAML): region, catalog, watermarks, airflow (application, role,"
              + " job-jar and spec-location), deploy.dags-location, data-sync.")
  Path env;

  @Option(names = "--dry-run", description = "Print the changes and make none.")
  boolean dryRun;

  @Option(
      names = "--job-jar",
      paramLabel = "FILE",
      description =
          "The job jar to upload to airflow.job-jar (default: the environment's"
              + " deploy.job-jar-file, else the one sdk-spark/target/sdk-spark-*-job.jar).")
  Path jobJar;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Inputs.existing(spec.commandLine(), path);
    Environment environment = Inputs.environment(spec.commandLine(), env);
    Plan plan = Workspace.loadStrict(path).plan();
    PrintWriter out = spec.commandLine().getOut();
    try (Deployment deployment =
        Deployment.builder().environment(environment).jobJar(jobJar(environment)).build()) {
      out.println(
          "Deploying "
              + path
              + " to environment "
              + environment.name()
              + " (region "
              + (environment.region() == null ? "from the runtime" : environment.region())
              + (dryRun ? "), dry run:" : "):"));
      out.flush();
      DeployPlan changes = deployment.plan(plan);
      out.print(changes.report());
      if (!changes.hasChanges()) {
        out.flush();
        return LakeplanCli.OK;
      }
      if (dryRun) {
        out.println("Dry run: nothing changed.");
        out.flush();
        return LakeplanCli.OK;
      }
      List<Change> applied =
          deployment.apply(
              changes,
              change -> {
                out.println("  done " + change);
                out.flush();
              });
      out.println("Deployed: " + applied.size() + " changes applied.");
      out.flush();
      return LakeplanCli.OK;
    }
  }

  /** {@code --job-jar}, else {@code deploy.job-jar-file}, else the one built jar; or null. */
  private Path jobJar(Environment environment) {
    if (jobJar != null) {
      return jobJar;
    }
    if (environment.deploy().jobJarFile() != null) {
      return Path.of(environment.deploy().jobJarFile());
    }
    if (!Files.isDirectory(BUILT_JARS)) {
      return null;
    }
    try (Stream<Path> files = Files.list(BUILT_JARS)) {
      List<Path> jars =
          files
              .filter(
                  file -> {
                    String name = file.getFileName().toString();
                    return name.startsWith("sdk-spark-") && name.endsWith("-job.jar");
                  })
              .toList();
      if (jars.size() > 1) {
        throw new IllegalArgumentException(
            "Several job jars in "
                + BUILT_JARS
                + " ("
                + jars
                + "): pass the one to deploy with --job-jar FILE");
      }
      return jars.isEmpty() ? null : jars.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + BUILT_JARS, e);
    }
  }
}
