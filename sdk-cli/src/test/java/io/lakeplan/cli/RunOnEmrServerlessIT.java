package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.emr.EmrServerlessApiStub;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.JobRunSummary;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code lakeplan run PATH --env FILE --on emr-serverless} in process on moto's EMR Serverless and
 * S3: the plan JSON is uploaded, each task of the DAG is a job run, and the output has the local
 * run's progress lines and table with each job run's id and log location. (moto ends every job run
 * in SUCCESS at once; the states in between, throttling and cancelling are proven against a stub in
 * sdk-aws's EmrServerlessEngineStubIT.) And, as its own process against that stub, which keeps a
 * job RUNNING as moto cannot: a SIGTERM (what Ctrl-C's shutdown does too) cancels the job run it
 * waits for.
 */
@ExtendWith(MotoExtension.class)
class RunOnEmrServerlessIT {
  private static final Path ORDERS = CliRun.EXAMPLES.resolve("orders");
  private static final String BUCKET = "cli-artifacts";
  private static final String LOGICAL_TIME = "2024-06-01T00:00:00Z";

  @TempDir Path work;

  /** {@code run <orders> --env <environment> --on emr-serverless} and then {@code more}. */
  private static List<String> runOnEmrServerless(Path environment, String... more) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "run",
                ORDERS.toString(),
                "--env",
                environment.toString(),
                "--on",
                "emr-serverless"));
    arguments.addAll(List.of(more));
    return arguments;
  }

  @Test
  void runOnEmrServerless_ordersTransformation_printsEachTasksJobRunAndLogs(MotoServer moto)
      throws Exception {
    String applicationId;
    String kmsKey;
    try (EmrServerlessClient emrServerless =
            MotoClientsCli.client(EmrServerlessClient.builder(), moto);
        S3Client s3 = MotoClientsCli.client(S3Client.builder().forcePathStyle(true), moto);
        KmsClient kms = MotoClientsCli.client(KmsClient.builder(), moto)) {
      s3.createBucket(b -> b.bucket(BUCKET));
      kmsKey = kms.createKey(b -> b.description("lakeplan cli test")).keyMetadata().arn();
      s3.putObject(b -> b.bucket(BUCKET).key("lakeplan-job.jar"), RequestBody.fromString("jar"));
      // moto takes only emr-N.N.0 labels: emr-8.1.0 stands for the emr-spark-8.x releases
      applicationId =
          emrServerless
              .createApplication(b -> b.name("cli").releaseLabel("emr-8.1.0").type("SPARK"))
              .applicationId();
    }
    Path environment = work.resolve("moto.yaml");
    Files.writeString(
        environment,
        Environments.toYaml(
            Environment.builder()
                .name("moto")
                .region(MotoServer.REGION)
                .endpointOverride(moto.endpoint().toString())
                .kmsKey(kmsKey)
                .airflow(
                    AirflowSettings.builder()
                        .emrApplicationId(applicationId)
                        .executionRoleArn("arn:aws:iam::123456789012:role/lakeplan-jobs")
                        .jobJar("s3://" + BUCKET + "/lakeplan-job.jar")
                        .specLocation(
                            "s3://" + BUCKET + "/plans/{use_case}/{spec_version}/plan.json")
                        .logUri("s3://cli-logs/emr/")
                        .build())
                .build()));
    Dag dag = Workspace.load(ORDERS).plan().dag("orders.transformation");

    CliRun run =
        CliRun.of(
            runOnEmrServerless(environment, "--dag", dag.id(), "--logical-time", LOGICAL_TIME)
                .toArray(String[]::new));

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out())
        .contains(
            "Running "
                + ORDERS
                + " on EMR Serverless application "
                + applicationId
                + "; environment moto, logical time "
                + LOGICAL_TIME
                + " (run again with --logical-time "
                + LOGICAL_TIME
                + " to find its job runs again)")
        .contains(
            "Uploaded the plan JSON to s3://"
                + BUCKET
                + "/plans/orders/"
                + dag.specVersion()
                + "/plan.json")
        .containsPattern("total \\(" + dag.tasks().size() + " run, 0 not run\\)\\s+SUCCEEDED")
        .contains("EMR Serverless job runs:");
    Set<String> printed = new HashSet<>();
    for (Task task : dag.tasks()) {
      Matcher line =
          Pattern.compile(
                  "(?m)^\\[\\d/"
                      + dag.tasks().size()
                      + "\\] "
                      + Pattern.quote(dag.id() + "/" + task.id())
                      + " SUCCEEDED in [0-9.]+ s — EMR Serverless job run (\\w+) SUCCESS"
                      + " \\(application "
                      + applicationId
                      + ", logs s3://cli-logs/emr/applications/"
                      + applicationId
                      + "/jobs/(\\w+)/\\)$")
              .matcher(run.out());
      assertThat(line.find()).as(task.id() + " in\n" + run.out()).isTrue();
      assertThat(line.group(2)).isEqualTo(line.group(1));
      printed.add(line.group(1));
      assertThat(run.out())
          .contains(
              dag.id()
                  + "/"
                  + task.id()
                  + " (attempt 1): "
                  + line.group(1)
                  + " SUCCESS, logs s3://cli-logs/emr/applications/"
                  + applicationId
                  + "/jobs/"
                  + line.group(1)
                  + "/");
    }
    List<String> started;
    try (EmrServerlessClient emrServerless =
        MotoClientsCli.client(EmrServerlessClient.builder(), moto)) {
      started =
          emrServerless.listJobRuns(b -> b.applicationId(applicationId)).jobRuns().stream()
              .map(JobRunSummary::id)
              .toList();
    }
    assertThat(started).hasSize(dag.tasks().size());
    assertThat(printed).isEqualTo(new HashSet<>(started));
  }

  @Test
  void sigterm_whileAJobRuns_cancelsItBeforeTheProcessEnds() throws Exception {
    try (EmrServerlessApiStub stub = new EmrServerlessApiStub()) {
      stub.starts("00runsigterm", 0).runs("00runsigterm", "", "PENDING", "RUNNING");
      Path environment = work.resolve("stub.yaml");
      Files.writeString(
          environment, Environments.toYaml(stub.environment(Duration.ofSeconds(1), 1440)));
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  LakeplanCli.class.getName()));
      command.addAll(
          runOnEmrServerless(
              environment, "--dag", "orders.transformation", "--task", "orders-upsert"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("AWS_ACCESS_KEY_ID", MotoServer.ACCESS_KEY_ID);
      builder.environment().put("AWS_SECRET_ACCESS_KEY", MotoServer.SECRET_ACCESS_KEY);
      builder.environment().put("AWS_REGION", MotoServer.REGION);
      Process process = builder.start();
      // a process that hangs is killed, which ends the output read below
      CompletableFuture<Boolean> watchdog =
          process.onExit().thenApply(exited -> false).completeOnTimeout(true, 2, TimeUnit.MINUTES);
      watchdog.thenAccept(
          hung -> {
            if (hung) {
              process.destroyForcibly();
            }
          });
      StringBuilder output = new StringBuilder();
      boolean signalled = false;
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.append(line).append('\n');
          if (!signalled && line.contains("job run 00runsigterm")) {
            // SIGTERM, as Ctrl-C's shutdown (Process.destroy would also close the output)
            process.toHandle().destroy();
            signalled = true;
          }
        }
      }
      assertThat(watchdog.get()).as("killed after hanging:\n" + output).isFalse();
      assertThat(signalled).as(output.toString()).isTrue();
      String out = output.toString();
      assertThat(stub.cancels("00runsigterm")).as(out).isEqualTo(1);
      assertThat(out)
          .contains(
              "Interrupted while EMR Serverless job run 00runsigterm was running: cancelled it"
                  + " (CancelJobRun)")
          .contains("orders.transformation/orders-upsert (attempt 1): 00runsigterm");
    }
  }
}
