package io.lakeplan.aws.emr;

import io.lakeplan.env.AirflowSettings;
import io.lakeplan.model.SparkJob;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
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
 * <plan JSON> --dag <dag id> --task <task id>} ({@link #jobMainArguments}) and the parameters
 * {@code --class io.lakeplan.spark.JobMain} followed by the environment's {@link
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

  /** The job run of Lakeplan task {@code task} of {@code dag}: the job jar's JobMain. */
  public static EmrServerlessJob jobMain(AirflowSettings settings, Dag dag, Task task) {
    return new EmrServerlessJob(
        name(dag.id(), task.id()),
        settings.jobJar(),
        jobMainArguments(specLocation(settings, dag), dag.id(), task.id(), Function.identity()),
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

  /** A job run's name: {@code <dag id>.<task id>}, as the EMR Serverless console lists it. */
  public static String name(String dagId, String taskId) {
    return dagId + NAME_SEPARATOR + taskId;
  }

  /**
   * JobMain's arguments, {@code --spec <spec> --dag <dag> --task <task>}, as values of type {@code
   * T}: plain strings for a job run, Python expressions for a rendered DAG (where {@code literal}
   * quotes the option names and the values are the DAG file's constants).
   */
  public static <T> List<T> jobMainArguments(
      T spec, T dagId, T taskId, Function<String, T> literal) {
    return List.of(
        literal.apply("--spec"),
        spec,
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
}
