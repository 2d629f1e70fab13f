package io.lakeplan.aws.emr;

import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskFailedException;

/**
 * What {@link EmrServerlessEngine} submits for each kind of task, by {@link TaskSpec.Visitor} so a
 * new kind does not compile until it is decided here: every Lakeplan Spark task runs the job jar's
 * JobMain, a team's own Spark job its own entry point, and a copy (a DataSync transfer, not Spark)
 * fails naming where it runs.
 */
final class Submissions implements TaskSpec.Visitor<Submissions.Submission> {

  /**
   * A job run to submit.
   *
   * @param job the job run
   * @param jobMain whether it runs the Lakeplan job jar (which needs an emr-spark-8.x release and
   *     the plan JSON on S3)
   * @param entryPointName what the entry point is, in messages
   * @param entryPointFix how to fix a missing entry point
   */
  record Submission(
      EmrServerlessJob job, boolean jobMain, String entryPointName, String entryPointFix) {}

  private final Environment environment;
  private final Dag dag;
  private final Task task;

  Submissions(Environment environment, Dag dag, Task task) {
    this.environment = environment;
    this.dag = dag;
    this.task = task;
  }

  private Submission jobMain() {
    return new Submission(
        EmrServerlessJob.jobMain(environment, dag, task),
        true,
        "Job jar",
        "upload sdk-spark's job jar (sdk-spark/target/sdk-spark-<version>-job.jar) there, or fix"
            + " airflow.job-jar");
  }

  @Override
  public Submission createTable(TaskSpec.CreateTable spec) {
    return jobMain();
  }

  @Override
  public Submission copy(TaskSpec.Copy spec) {
    throw new TaskFailedException(
        "Copy task "
            + task.id()
            + " of migration "
            + spec.migration().id()
            + " is a DataSync transfer, not a Spark job, and is not run by the "
            + EmrServerlessEngine.NAME
            + " engine: run it from the rendered Airflow DAG (lakeplan render airflow) or locally"
            + " (lakeplan run without --on), or leave it out of this run (select the other tasks"
            + " with --dag or --task)");
  }

  @Override
  public Submission convert(TaskSpec.Convert spec) {
    return jobMain();
  }

  @Override
  public Submission reconcile(TaskSpec.Reconcile spec) {
    return jobMain();
  }

  @Override
  public Submission recordWatermark(TaskSpec.RecordWatermark spec) {
    return jobMain();
  }

  @Override
  public Submission ingestJdbc(TaskSpec.IngestJdbc spec) {
    return jobMain();
  }

  @Override
  public Submission ingestKafka(TaskSpec.IngestKafka spec) {
    return jobMain();
  }

  @Override
  public Submission mergeInto(TaskSpec.MergeInto spec) {
    return jobMain();
  }

  @Override
  public Submission maintain(TaskSpec.Maintain spec) {
    return jobMain();
  }

  @Override
  public Submission runSparkJob(TaskSpec.RunSparkJob spec) {
    return new Submission(
        EmrServerlessJob.sparkJob(dag, task, spec.job()),
        false,
        "Entry point of Spark job " + spec.job().id(),
        "upload the job's jar or script there, or fix the spark-job's entrypoint");
  }
}
