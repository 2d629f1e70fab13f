package io.lakeplan.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.AwsClients;
import io.lakeplan.aws.MotoClients;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.model.SparkJob;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.JobRun;
import software.amazon.awssdk.services.emrserverless.model.ResourceNotFoundException;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The engine on moto's EMR Serverless and S3: applications created in moto, plans run through
 * {@link DagRunner}, and the job runs read back with {@code ListJobRuns} / {@code GetJobRun}. moto
 * ends every job run in SUCCESS at once and keeps no idempotency by client token, so this proves
 * what the engine sends — JobMain's arguments, parameters, role, logs, tags, one job run per task —
 * and the bad input moto answers like AWS (an unknown application, a role of another account, a
 * missing jar or plan), not the states a job goes through: {@link EmrServerlessEngineStubIT} does.
 * moto also accepts only {@code emr-N.N.0} release labels, so its Spark 4 application is {@code
 * emr-8.1.0}.
 */
@ExtendWith(MotoExtension.class)
class EmrServerlessEngineIT {
  private static final Path ORDERS = Path.of("../examples/orders");
  private static final Path LEGACY = Path.of("../fixtures/legacy-yaml/valid");
  private static final String BUCKET = "lake-artifacts";
  private static final String JOB_JAR = "s3://" + BUCKET + "/lakeplan/lakeplan-job.jar";
  private static final String ROLE = "arn:aws:iam::123456789012:role/lakeplan-jobs";
  private static final Instant LOGICAL_TIME = Instant.parse("2024-06-01T00:00:00Z");

  private static MotoServer moto;
  private static EmrServerlessClient emrServerless;
  private static S3Client s3;
  private static final List<StartJobRunRequest> SENT = new CopyOnWriteArrayList<>();
  private static String spark4;
  private static String spark3;
  private static String kmsKey;

  @BeforeAll
  static void start(MotoServer server) {
    moto = server;
    emrServerless =
        MotoClients.onMoto(EmrServerlessClient.builder(), moto)
            .overrideConfiguration(
                c ->
                    c.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void beforeExecution(
                              Context.BeforeExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof StartJobRunRequest request) {
                              SENT.add(request);
                            }
                          }
                        }))
            .build();
    AwsClients clients = MotoClients.of(moto);
    s3 = clients.s3();
    s3.createBucket(b -> b.bucket(BUCKET));
    s3.putObject(
        b -> b.bucket(BUCKET).key("lakeplan/lakeplan-job.jar"), RequestBody.fromString("jar"));
    // moto takes only emr-N.N.0 labels: emr-8.1.0 stands for the emr-spark-8.x releases here (the
    // engine reads both alike; EmrServerlessEngineStubIT serves the real emr-spark-8.1.0)
    try (KmsClient kms = MotoClients.onMoto(KmsClient.builder(), moto).build()) {
      kmsKey = kms.createKey(b -> b.description("lakeplan engine test")).keyMetadata().arn();
    }
    spark4 = application("emr-8.1.0");
    spark3 = application("emr-7.12.0");
  }

  @AfterAll
  static void stop() {
    emrServerless.close();
    s3.close();
  }

  private static String application(String releaseLabel) {
    return emrServerless
        .createApplication(
            b -> b.name("lakeplan-" + releaseLabel).releaseLabel(releaseLabel).type("SPARK"))
        .applicationId();
  }

  private static final String SPEC_LOCATION =
      "s3://" + BUCKET + "/plans/{use_case}/{spec_version}/plan.json";

  /** The moto environment with the working settings. */
  private static Environment environment() {
    return environment(spark4, ROLE, JOB_JAR, SPEC_LOCATION);
  }

  private static Environment environment(
      String applicationId, String role, String jobJar, String specLocation) {
    return Environment.builder()
        .name("moto")
        .region(MotoServer.REGION)
        .endpointOverride(moto.endpoint().toString())
        .kmsKey(kmsKey)
        .airflow(
            AirflowSettings.builder()
                .emrApplicationId(applicationId)
                .executionRoleArn(role)
                .jobJar(jobJar)
                .specLocation(specLocation)
                .logUri("s3://lake-logs/emr/")
                .sparkSubmitParameters("--conf spark.executor.memory=4g")
                .build())
        .build();
  }

  private static EmrServerlessEngine engine(Environment environment) {
    return EmrServerlessEngine.builder()
        .environment(environment)
        .emrServerless(emrServerless)
        .s3(s3)
        .build();
  }

  /** The job runs of {@code applicationId}, read back one by one. */
  private static List<JobRun> jobRuns(String applicationId) {
    List<JobRun> runs = new ArrayList<>();
    try {
      emrServerless
          .listJobRuns(b -> b.applicationId(applicationId))
          .jobRuns()
          .forEach(
              summary ->
                  runs.add(
                      emrServerless
                          .getJobRun(b -> b.applicationId(applicationId).jobRunId(summary.id()))
                          .jobRun()));
    } catch (ResourceNotFoundException e) {
      // moto answers an application without job runs as not found; a missing one still fails
      emrServerless.getApplication(b -> b.applicationId(applicationId));
    }
    return runs;
  }

  @Test
  void transformationDag_runsEachTaskAsOneJobRunOfJobMain_withArgumentsLogsTagsAndToken() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag dag = plan.dag("orders.transformation");
    SENT.clear();
    int before = jobRuns(spark4).size();
    EmrServerlessEngine engine = engine(environment());

    String key = "plans/" + dag.useCase() + "/" + dag.specVersion() + "/plan.json";
    String specLocation = "s3://" + BUCKET + "/" + key;
    s3.deleteObject(b -> b.bucket(BUCKET).key(key)); // as another test may have staged it

    String environmentLocation = EmrServerlessJob.environmentLocation(engine.environment(), dag);
    String environmentKey = environmentLocation.substring(("s3://" + BUCKET + "/").length());
    s3.deleteObject(b -> b.bucket(BUCKET).key(environmentKey));

    List<String> staged = engine.stagePlans(plan);
    DagRun run = DagRunner.builder(plan, engine).build().run(dag, LOGICAL_TIME);

    assertThat(staged).containsExactly(specLocation, environmentLocation);
    // the environment file the jobs read (--env), beside the plan JSON, encrypted
    assertThat(
            Environments.read(
                environmentLocation,
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(environmentKey)).asUtf8String()))
        .isEqualTo(engine.environment());
    HeadObjectResponse environmentHead = s3.headObject(b -> b.bucket(BUCKET).key(environmentKey));
    assertThat(environmentHead.serverSideEncryptionAsString()).isEqualTo("aws:kms");
    assertThat(environmentHead.ssekmsKeyId()).isEqualTo(kmsKey);
    Plan uploaded =
        UseCaseCodec.planFromJson(
            s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String());
    HeadObjectResponse planHead = s3.headObject(b -> b.bucket(BUCKET).key(key));
    assertThat(planHead.serverSideEncryptionAsString()).isEqualTo("aws:kms");
    assertThat(planHead.ssekmsKeyId()).isEqualTo(kmsKey);
    assertThat(uploaded.dag(dag.id())).isEqualTo(dag);
    assertThat(engine.stagePlans(plan)).as("a second staging finds the plans there").isEmpty();

    assertThat(run.succeeded()).as(run.toString()).isTrue();
    List<JobRun> runs = jobRuns(spark4);
    assertThat(runs).hasSize(before + dag.tasks().size());
    List<JobRunRecord> records = engine.jobRuns();
    assertThat(records).hasSize(dag.tasks().size());
    for (Task task : dag.tasks()) {
      JobRunRecord record =
          records.stream().filter(r -> r.taskId().equals(task.id())).findFirst().orElseThrow();
      JobRun jobRun =
          runs.stream()
              .filter(r -> r.jobRunId().equals(record.jobRunId()))
              .findFirst()
              .orElseThrow();
      assertThat(jobRun.name()).isEqualTo(dag.id() + "." + task.id());
      assertThat(jobRun.executionRole()).isEqualTo(ROLE);
      assertThat(jobRun.jobDriver().sparkSubmit().entryPoint()).isEqualTo(JOB_JAR);
      assertThat(jobRun.jobDriver().sparkSubmit().entryPointArguments())
          .containsExactly(
              "--spec",
              specLocation,
              "--env",
              environmentLocation,
              "--dag",
              dag.id(),
              "--task",
              task.id());
      assertThat(jobRun.jobDriver().sparkSubmit().sparkSubmitParameters())
          .isEqualTo("--class io.lakeplan.spark.JobMain --conf spark.executor.memory=4g");
      assertThat(
              jobRun
                  .configurationOverrides()
                  .monitoringConfiguration()
                  .s3MonitoringConfiguration()
                  .logUri())
          .isEqualTo("s3://lake-logs/emr/");
      // the job logs' encryption as EMR Serverless has it (moto's GetJobRun; moto writes no logs)
      assertThat(
              jobRun
                  .configurationOverrides()
                  .monitoringConfiguration()
                  .s3MonitoringConfiguration()
                  .encryptionKeyArn())
          .isEqualTo(kmsKey);
      assertThat(jobRun.tags())
          .isEqualTo(
              Map.of(
                  "lakeplan:use-case", "orders",
                  "lakeplan:dag", dag.id(),
                  "lakeplan:task", task.id(),
                  "lakeplan:run", run.runId(),
                  "lakeplan:attempt", "1"));
      assertThat(record.state()).isEqualTo("SUCCESS");
      assertThat(record.logLocation())
          .isEqualTo(
              "s3://lake-logs/emr/applications/" + spark4 + "/jobs/" + record.jobRunId() + "/");
      assertThat(run.result(task.id()).summary())
          .isEqualTo(
              "EMR Serverless job run "
                  + record.jobRunId()
                  + " SUCCESS (application "
                  + spark4
                  + ", logs "
                  + record.logLocation()
                  + ")");
    }
    // the client token each StartJobRun carried: one per task, from the run, task and attempt
    List<String> tokens = SENT.stream().map(StartJobRunRequest::clientToken).toList();
    List<String> expected = new ArrayList<>();
    for (Task task : dag.tasksInOrder()) {
      expected.add(
          EmrServerlessEngine.clientToken(
              new RunContext(
                  run.runId(), LOGICAL_TIME, Clock.fixed(LOGICAL_TIME, ZoneOffset.UTC), 1),
              dag,
              task.id()));
    }
    assertThat(tokens).isEqualTo(expected);
    assertThat(new HashSet<>(tokens)).hasSize(dag.tasks().size());
  }

  @Test
  void legacyWorkspace_runsEachTeamsOwnSparkJob_withItsEntryPointArgumentsAndParameters() {
    Plan plan = Workspace.load(LEGACY).plan();
    List<SparkJob> jobs = new ArrayList<>();
    Set<String> buckets = new HashSet<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        SparkJob job = ((TaskSpec.RunSparkJob) task.spec()).job();
        jobs.add(job);
        S3Location script = S3Location.parse(job.entrypoint());
        if (buckets.add(script.bucket())) {
          s3.createBucket(b -> b.bucket(script.bucket()));
        }
        s3.putObject(b -> b.bucket(script.bucket()).key(script.key()), RequestBody.fromString("#"));
      }
    }
    // a team's own job brings its own Spark: even an emr-7.x application runs it
    EmrServerlessEngine engine = engine(environment(spark3, ROLE, JOB_JAR, SPEC_LOCATION));

    List<DagRun> runs = DagRunner.builder(plan, engine).build().runAll(LOGICAL_TIME);

    assertThat(runs).allSatisfy(run -> assertThat(run.succeeded()).as(run.toString()).isTrue());
    List<JobRun> jobRuns = jobRuns(spark3);
    assertThat(jobRuns).hasSize(jobs.size());
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        SparkJob job = ((TaskSpec.RunSparkJob) task.spec()).job();
        JobRun jobRun =
            jobRuns.stream()
                .filter(r -> r.name().equals(dag.id() + "." + task.id()))
                .findFirst()
                .orElseThrow();
        assertThat(jobRun.jobDriver().sparkSubmit().entryPoint()).isEqualTo(job.entrypoint());
        assertThat(jobRun.jobDriver().sparkSubmit().entryPointArguments())
            .isEqualTo(job.arguments());
        assertThat(jobRun.jobDriver().sparkSubmit().sparkSubmitParameters())
            .isEqualTo(job.sparkSubmitParameters());
      }
    }
    // as the legacy file has it
    assertThat(jobRuns)
        .anySatisfy(
            jobRun -> {
              assertThat(jobRun.jobDriver().sparkSubmit().entryPoint())
                  .isEqualTo("s3://acme-artifacts/frameworks/migration/main.py");
              assertThat(jobRun.jobDriver().sparkSubmit().entryPointArguments())
                  .containsExactly("--config", "s3://acme-config/usecases/orders/migration.yaml");
              assertThat(jobRun.jobDriver().sparkSubmit().sparkSubmitParameters())
                  .isEqualTo("--conf spark.executor.memory=4g --conf spark.executor.cores=2");
            });
  }

  @Test
  void badInput_failsTheTaskOnOneLineNamingTheResourceAndTheFix_withoutStartingAJob() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag dag = plan.dag("orders.transformation");
    Task task = dag.task("orders-upsert");
    RunContext context =
        new RunContext("run__bad", LOGICAL_TIME, Clock.fixed(LOGICAL_TIME, ZoneOffset.UTC), 1);
    engine(environment()).stagePlans(plan);
    int spark4Runs = jobRuns(spark4).size();
    int spark3Runs = jobRuns(spark3).size();

    assertThat(
            engine(environment("00nosuchapplication", ROLE, JOB_JAR, SPEC_LOCATION))
                .run(context, dag, task)
                .summary())
        .isEqualTo(
            "EMR Serverless application 00nosuchapplication does not exist (region us-east-1):"
                + " create it (type Spark, release emr-spark-8.1.0) or fix"
                + " airflow.emr-application-id (and check the region and endpoint-override)");
    assertThat(
            engine(environment(spark3, ROLE, JOB_JAR, SPEC_LOCATION))
                .run(context, dag, task)
                .summary())
        .isEqualTo(
            "EMR Serverless application "
                + spark3
                + " has release emr-7.12.0 (Spark 3, Scala 2.12), which cannot run the Lakeplan"
                + " job jar (Spark 4.1, Scala 2.13): create an application with release"
                + " emr-spark-8.1.0 (or a newer emr-spark-8.x) and set airflow.emr-application-id"
                + " to it");
    assertThat(
            engine(environment(spark4, ROLE, "s3://" + BUCKET + "/missing.jar", SPEC_LOCATION))
                .run(context, dag, task)
                .summary())
        .isEqualTo(
            "Job jar s3://"
                + BUCKET
                + "/missing.jar does not exist (no such object or bucket): upload sdk-spark's job"
                + " jar (sdk-spark/target/sdk-spark-<version>-job.jar) there, or fix"
                + " airflow.job-jar");
    assertThat(
            engine(
                    environment(
                        spark4, ROLE, JOB_JAR, "s3://" + BUCKET + "/unstaged/{use_case}.json"))
                .run(context, dag, task)
                .summary())
        .isEqualTo(
            "Plan JSON of use case orders (spec version "
                + dag.specVersion()
                + ") s3://"
                + BUCKET
                + "/unstaged/orders.json does not exist (no such object or bucket): run lakeplan"
                + " run --on emr-serverless, which uploads it, or upload the output of lakeplan"
                + " plan --format json there");
    Environment unstaged = environment(spark4, ROLE, JOB_JAR, SPEC_LOCATION);
    unstaged = Environment.builder().from(unstaged).name("unstaged").build();
    assertThat(engine(unstaged).run(context, dag, task).summary())
        .isEqualTo(
            "Environment file of environment unstaged (version "
                + EmrServerlessJob.environmentVersion(unstaged)
                + ") "
                + EmrServerlessJob.environmentLocation(unstaged, dag)
                + " does not exist (no such object or bucket): run lakeplan run --on"
                + " emr-serverless, which uploads it, or lakeplan deploy");
    assertThat(jobRuns(spark4)).hasSize(spark4Runs);
    assertThat(jobRuns(spark3)).hasSize(spark3Runs);

    EmrServerlessEngine otherAccountRole =
        engine(
            environment(
                spark4, "arn:aws:iam::999999999999:role/lakeplan-jobs", JOB_JAR, SPEC_LOCATION));
    otherAccountRole.stagePlans(plan); // its own environment file
    TaskResult otherAccount = otherAccountRole.run(context, dag, task);
    assertThat(otherAccount.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(otherAccount.summary())
        .isEqualTo(
            "Access denied starting a job run on EMR Serverless application "
                + spark4
                + " with execution role arn:aws:iam::999999999999:role/lakeplan-jobs (region"
                + " us-east-1) (Cross-account pass role is not allowed.): check that the role is"
                + " in the application's account and trusts emr-serverless.amazonaws.com, that"
                + " the caller may iam:PassRole it and call emr-serverless:GetApplication,"
                + " emr-serverless:StartJobRun, emr-serverless:TagResource,"
                + " emr-serverless:GetJobRun and emr-serverless:CancelJobRun"
                + " (airflow.execution-role-arn)");
    assertThat(jobRuns(spark4)).hasSize(spark4Runs);
  }

  @Test
  void copyTask_failsNamingTheEngineAndWhereItRuns_andBlocksOnlyWhatDependsOnIt() {
    Plan plan = Workspace.load(ORDERS).plan();
    Dag migration = plan.dag("orders.migration");
    Task copy = EmrServerlessEngineTest.copyTask(migration);
    ManualRunClock clock = new ManualRunClock(LOGICAL_TIME);
    EmrServerlessEngine engine =
        EmrServerlessEngine.builder()
            .environment(environment())
            .emrServerless(emrServerless)
            .s3(s3)
            .clock(clock)
            .build();
    engine.stagePlans(plan);

    DagRun run = DagRunner.builder(plan, engine).clock(clock).build().run(migration, LOGICAL_TIME);

    TaskResult result = run.result(copy.id());
    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .startsWith("Copy task " + copy.id() + " of migration orders-history is a DataSync")
        .contains("not run by the EMR Serverless engine");
    assertThat(run.blockedTasks()).isNotEmpty().doesNotContain(copy.id());
    // what does not depend on the copy (the table's creation) ran as a job
    assertThat(engine.jobRuns())
        .extracting(JobRunRecord::taskId)
        .containsExactlyInAnyOrderElementsOf(
            migration.tasks().stream()
                .map(Task::id)
                .filter(id -> !id.equals(copy.id()) && !run.blockedTasks().contains(id))
                .toList())
        .isNotEmpty();
  }
}
