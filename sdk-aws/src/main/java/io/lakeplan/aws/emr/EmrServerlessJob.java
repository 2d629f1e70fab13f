package io.lakeplan.aws.emr;

import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.model.SparkJob;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The EMR Serverless job run of one task: its name, the entry point (a jar on S3), the entry
 * point's arguments and the spark-submit parameters. Written once for the two places that submit it
 * — the Airflow DAG files ({@link io.lakeplan.aws.airflow.AirflowRenderer}) and the Java runs
 * ({@link EmrServerlessEngine}) — so a rendered DAG and {@code lakeplan run --on emr-serverless}
 * start the same job.
 *
 * <p>A Lakeplan task runs the job jar's {@value #JOB_MAIN_CLASS}, with the arguments {@code --spec
 * <plan JSON> --env <environment file> --dag <dag id> --task <task id>} ({@link #jobMainArguments})
 * and the parameters {@code --class io.lakeplan.spark.JobMain} followed by the environment's {@link
 * AirflowSettings#sparkSubmitParameters()}. A team's own Spark job ({@code spark-job}) runs its own
 * entry point, arguments and parameters as they are.
 *
 * @param name the job run's name, {@code <dag id>.<task id>}
 * @param entryPoint the jar (or script) EMR Serverless runs
 * @param entryPointArguments the arguments it gets
 * @param sparkSubmitParameters the spark-submit parameters; empty when there are none
 */
public record EmrServerlessJob(
    String name,
    String entryPoint,
    List<String> entryPointArguments,
    String sparkSubmitParameters) {

  /** The main class of the Lakeplan job jar. */
  public static final String JOB_MAIN_CLASS = "io.lakeplan.spark.JobMain";

  /** What stands between the DAG id and the task id in a job run's name. */
  public static final String NAME_SEPARATOR = ".";

  /** Checks the values. */
  public EmrServerlessJob {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(entryPoint, "entryPoint");
    entryPointArguments = List.copyOf(entryPointArguments);
    Objects.requireNonNull(sparkSubmitParameters, "sparkSubmitParameters");
  }

  /**
   * The job run of Lakeplan task {@code task} of {@code dag} in {@code environment}: the job jar's
   * JobMain, reading the plan JSON and the environment file from S3.
   */
  public static EmrServerlessJob jobMain(Environment environment, Dag dag, Task task) {
    AirflowSettings settings = environment.airflow();
    return new EmrServerlessJob(
        name(dag.id(), task.id()),
        settings.jobJar(),
        jobMainArguments(
            specLocation(settings, dag),
            environmentLocation(environment, dag),
            dag.id(),
            task.id(),
            Function.identity()),
        jobMainParameters(settings.sparkSubmitParameters()));
  }

  /** The job run of a team's own Spark job {@code job}, task {@code task} of {@code dag}. */
  public static EmrServerlessJob sparkJob(Dag dag, Task task, SparkJob job) {
    String own = job.sparkSubmitParameters();
    return new EmrServerlessJob(
        name(dag.id(), task.id()),
        job.entrypoint(),
        job.arguments(),
        own == null ? "" : own.trim());
  }

  /** The longest job run name EMR Serverless takes. */
  public static final int MAX_NAME_LENGTH = 256;

  /**
   * A job run's name: {@code <dag id>.<task id>}, as the EMR Serverless console lists it. A name
   * longer than {@value #MAX_NAME_LENGTH} characters (which StartJobRun refuses) keeps its first
   * 243 characters, then {@code ~} and 12 hex digits of its SHA-256, so it stays unique and
   * recognisable.
   */
  public static String name(String dagId, String taskId) {
    String name = dagId + NAME_SEPARATOR + taskId;
    if (name.length() <= MAX_NAME_LENGTH) {
      return name;
    }
    return name.substring(0, MAX_NAME_LENGTH - 13) + "~" + sha256(name).substring(0, 12);
  }

  /**
   * JobMain's arguments, {@code --spec <spec> --env <environment> --dag <dag> --task <task>}, as
   * values of type {@code T}: plain strings for a job run, Python expressions for a rendered DAG
   * (where {@code literal} quotes the option names and the values are the DAG file's constants).
   * Without {@code --env} JobMain would use the embedded defaults — a warehouse and watermarks on
   * the job's own disk, gone when it ends — so every job run names the environment file.
   */
  public static <T> List<T> jobMainArguments(
      T spec, T environment, T dagId, T taskId, Function<String, T> literal) {
    return List.of(
        literal.apply("--spec"),
        spec,
        literal.apply("--env"),
        environment,
        literal.apply("--dag"),
        dagId,
        literal.apply("--task"),
        taskId);
  }

  /**
   * JobMain's spark-submit parameters: {@code --class <JobMain>} and then {@code extra}, if any.
   */
  public static String jobMainParameters(String extra) {
    return "--class "
        + JOB_MAIN_CLASS
        + (extra == null || extra.isBlank() ? "" : " " + extra.trim());
  }

  /**
   * Where the job finds the plan JSON of {@code dag}'s use case: {@link
   * AirflowSettings#specLocation()} with {@code {use_case}}, {@code {spec_version}} and {@code
   * {dag_id}} filled in.
   */
  public static String specLocation(AirflowSettings settings, Dag dag) {
    return settings
        .specLocation()
        .replace("{use_case}", dag.useCase())
        .replace("{spec_version}", dag.specVersion())
        .replace("{dag_id}", dag.id());
  }

  /**
   * Where the job finds the environment file of {@code dag}'s runs: beside its plan JSON ({@link
   * #specLocation}), named by the environment's {@link #environmentVersion version}, e.g. {@code
   * s3://artifacts/plans/orders/7286f6373061/environment-3f2a9c0d1e4b.yaml}. A changed environment
   * gets a new file, so a job never reads settings other than those it was submitted (or rendered)
   * with.
   */
  public static String environmentLocation(Environment environment, Dag dag) {
    String spec = specLocation(environment.airflow(), dag);
    String folder = spec.substring(0, spec.lastIndexOf('/') + 1);
    return folder + "environment-" + environmentVersion(environment) + ".yaml";
  }

  /**
   * The environment file's text that {@link #environmentLocation} holds: the environment as YAML
   * ({@link Environments#toYaml}); secrets appear in it only as references.
   */
  public static String environmentFile(Environment environment) {
    return Environments.toYaml(environment);
  }

  /** The first 12 hex digits of the SHA-256 of {@link #environmentFile}. */
  public static String environmentVersion(Environment environment) {
    return sha256(environmentFile(environment)).substring(0, 12);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
