package io.lakeplan.aws.emr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeplan.model.NotificationPolicy;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.DagRun;
import io.lakeplan.run.DagRunner;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The engine against a local stub of the EMR Serverless API ({@link EmrServerlessApiStub}) for what
 * moto cannot show: moto's job runs are SUCCESS the moment they start, it never throttles, and it
 * starts a new job run for every {@code StartJobRun} whatever its client token. The stub proves: a
 * run that goes PENDING → RUNNING → FAILED is polled with bounded, jittered backoff and fails with
 * its state details and log location; throttling (HTTP 429, {@code ThrottlingException}) on
 * StartJobRun and GetJobRun is waited out and the task succeeds, while endless throttling fails
 * after the bounded retries; a run past its timeout, or a wait interrupted, is cancelled ({@code
 * CancelJobRun}); a resubmission after a crash sends the same client token and attaches to the job
 * run the service returns for it, while a retry attempt sends a new one and starts a new run. Waits
 * are on a {@link ManualRunClock}: nothing sleeps.
 */
class EmrServerlessEngineStubIT {
  private static final Instant START = Instant.parse("2024-06-01T00:00:00Z");
  private static final Duration FIRST_POLL = Duration.ofSeconds(5);
  private static final Duration POLL_INTERVAL = Duration.ofSeconds(60);

  private EmrServerlessApiStub stub;
  private EmrServerlessClient emrServerless;
  private S3Client s3;
  private Plan plan;
  private Dag dag;
  private Task task;

  @BeforeEach
  void start() {
    stub = new EmrServerlessApiStub();
    emrServerless = stub.emrServerless();
    s3 = stub.s3();
    Plan orders = Workspace.load(Path.of("../examples/orders")).plan();
    Dag transformation = orders.dag("orders.transformation");
    task = transformation.task("orders-upsert");
    dag =
        Dag.builder()
            .from(transformation)
            .tasks(List.of(task))
            .edges(List.of())
            .upstream(List.of())
            .retries(1)
            .retryDelay(Duration.ofMinutes(5))
            .build();
    plan = Plan.builder().from(orders).dags(List.of(dag)).build();
  }

  @AfterEach
  void stop() {
    emrServerless.close();
    s3.close();
    stub.close();
  }

  private EmrServerlessEngine engine(ManualRunClock clock, int maxAttempts) {
    return EmrServerlessEngine.builder()
        .environment(stub.environment(POLL_INTERVAL, maxAttempts))
        .emrServerless(emrServerless)
        .s3(s3)
        .clock(clock)
        .random(new Random(7))
        .firstPollDelay(FIRST_POLL)
        .build();
  }

  private static RunContext context(ManualRunClock clock) {
    return new RunContext("run__" + START, START, clock.clock(), 1);
  }

  private static String logs(String jobRunId) {
    return "s3://logs/emr/applications/"
        + EmrServerlessApiStub.APPLICATION
        + "/jobs/"
        + jobRunId
        + "/";
  }

  /** How a result names where its job run is: {@code " (application …, logs …)"}. */
  private static String where(String jobRunId) {
    return " (application " + EmrServerlessApiStub.APPLICATION + ", logs " + logs(jobRunId) + ")";
  }

  /** Each wait lies in [ceiling/2, ceiling] of the doubling backoff, retry {@code from} on. */
  private static void assertBackoff(List<Duration> sleeps, int from) {
    Backoff bounds = new Backoff(FIRST_POLL, POLL_INTERVAL, new Random());
    for (int i = 0; i < sleeps.size(); i++) {
      Duration ceiling = bounds.ceiling(from + i);
      assertThat(sleeps.get(i)).as("wait " + i).isBetween(ceiling.dividedBy(2), ceiling);
    }
  }

  @Test
  void pendingRunningFailed_isPolledWithBackoff_andFailsWithItsStateDetailsAndLogs() {
    String details = "Job failed, ExitCode: 1. Last few exceptions: Table process.orders is locked";
    stub.starts("00runfailed", 0)
        .runs("00runfailed", details, "SUBMITTED", "PENDING", "RUNNING", "RUNNING", "FAILED");
    ManualRunClock clock = new ManualRunClock(START);
    EmrServerlessEngine engine = engine(clock, 60);

    TaskResult result = engine.run(context(clock), dag, task);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo("EMR Serverless job run 00runfailed FAILED: " + details + where("00runfailed"));
    assertThat(stub.polls("00runfailed")).isEqualTo(5);
    assertThat(clock.sleeps()).hasSize(4);
    assertBackoff(clock.sleeps(), 0);
    assertThat(result.duration())
        .isEqualTo(clock.sleeps().stream().reduce(Duration.ZERO, Duration::plus));
    assertThat(engine.jobRuns())
        .containsExactly(
            new JobRunRecord(
                dag.id(),
                task.id(),
                1,
                EmrServerlessApiStub.APPLICATION,
                "00runfailed",
                "FAILED",
                details,
                logs("00runfailed")));
    assertThat(stub.cancels("00runfailed")).isZero();
  }

  @Test
  void driverOutput_givesTheResultJobMainsCountsAndItsOneLineReason() {
    String log =
        String.join(
            "\n",
            "Spark 4.1.1 on EMR Serverless",
            dag.id()
                + "/"
                + task.id()
                + " SUCCEEDED rows=120 files=3 bytes=4096 duration=PT41S"
                + " — merged 120 rows into process.orders",
            "");
    stub.starts("00runcounted", 0).runs("00runcounted", "", "RUNNING", "SUCCESS");
    stub.driverOutput("00runcounted", log);
    ManualRunClock clock = new ManualRunClock(START);

    TaskResult result = engine(clock, 60).run(context(clock), dag, task);

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(List.of(result.rows(), result.files(), result.bytes()))
        .containsExactly(120L, 3L, 4096L);
    assertThat(result.summary())
        .isEqualTo(
            "merged 120 rows into process.orders (EMR Serverless job run 00runcounted SUCCESS, "
                + where("00runcounted").substring(2));

    String details = "Job failed, please check complete logs in configured logging destination.";
    stub.starts("00runexplained", 0).runs("00runexplained", details, "RUNNING", "FAILED");
    stub.driverOutput(
        "00runexplained",
        dag.id() + "/" + task.id() + " FAILED — Source table raw.orders does not exist\n");
    // another DAG run: its own client token, so its own job run
    RunContext other = new RunContext("run__other", START, clock.clock(), 1);

    TaskResult failed = engine(clock, 60).run(other, dag, task);

    assertThat(failed.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(failed.summary())
        .isEqualTo(
            "Source table raw.orders does not exist (EMR Serverless job run 00runexplained FAILED, "
                + where("00runexplained").substring(2));
  }

  @Test
  void throttledStartAndPoll_areWaitedOut_thenTheTaskSucceeds() {
    stub.starts("00runthrottled", 2).runs("00runthrottled", "", "THROTTLED", "RUNNING", "SUCCESS");
    ManualRunClock clock = new ManualRunClock(START);
    EmrServerlessEngine engine = engine(clock, 60);

    TaskResult result = engine.run(context(clock), dag, task);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary())
        .isEqualTo("EMR Serverless job run 00runthrottled SUCCESS" + where("00runthrottled"));
    List<JsonNode> starts = stub.startRequests();
    assertThat(starts).hasSize(3);
    String token = EmrServerlessEngine.clientToken(context(clock), dag, task.id());
    assertThat(starts)
        .allSatisfy(body -> assertThat(body.get("clientToken").asText()).isEqualTo(token));
    // the job logs are SSE-KMS with the environment's key: the field as it goes over the wire
    assertThat(starts)
        .allSatisfy(
            body ->
                assertThat(
                        body.at(
                                "/configurationOverrides/monitoringConfiguration"
                                    + "/s3MonitoringConfiguration/encryptionKeyArn")
                            .asText())
                    .isEqualTo(EmrServerlessApiStub.KMS_KEY));
    assertThat(stub.polls("00runthrottled")).isEqualTo(3);
    // two throttled starts (retries 0, 1), one throttled poll (retry 0), one poll wait (retry 0)
    List<Duration> sleeps = clock.sleeps();
    assertThat(sleeps).hasSize(4);
    assertBackoff(sleeps.subList(0, 2), 0);
    assertBackoff(sleeps.subList(2, 3), 0);
    assertBackoff(sleeps.subList(3, 4), 0);
  }

  @Test
  void endlessThrottling_failsAfterTheBoundedRetries_namingTheApplication() {
    stub.alwaysThrottlesStart();
    ManualRunClock clock = new ManualRunClock(START);
    EmrServerlessEngine engine =
        EmrServerlessEngine.builder()
            .environment(stub.environment(POLL_INTERVAL, 60))
            .emrServerless(emrServerless)
            .s3(s3)
            .clock(clock)
            .random(new Random(7))
            .firstPollDelay(FIRST_POLL)
            .maxThrottledRetries(3)
            .build();

    TaskResult result = engine.run(context(clock), dag, task);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "EMR Serverless application "
                + EmrServerlessApiStub.APPLICATION
                + " (region us-east-1) was still throttling requests after 3 retries: check the"
                + " account's EMR Serverless API quotas (Service Quotas) and how many runs share"
                + " them");
    assertThat(stub.startRequests()).hasSize(4);
    assertThat(clock.sleeps()).hasSize(3);
    assertBackoff(clock.sleeps(), 0);
    assertThat(engine.jobRuns()).isEmpty();
  }

  @Test
  void runPastItsTimeout_isCancelled_andTheTaskFailsSayingSo() {
    stub.starts("00runslow", 0).runs("00runslow", "", "RUNNING");
    ManualRunClock clock = new ManualRunClock(START);
    // the timeout: poll-interval × max-attempts = 60 s × 5
    EmrServerlessEngine engine = engine(clock, 5);

    TaskResult result = engine.run(context(clock), dag, task);

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "EMR Serverless job run 00runslow was still RUNNING after PT5M, the limit"
                + " (airflow.poll-interval × airflow.max-attempts): cancelled it (CancelJobRun)"
                + where("00runslow"));
    assertThat(stub.cancels("00runslow")).isEqualTo(1);
    assertThat(clock.now()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(engine.jobRuns()).extracting(JobRunRecord::state).containsExactly("RUNNING");
  }

  @Test
  void interruptedWait_cancelsTheJobRun_andKeepsTheInterruptFlag() {
    stub.starts("00runinterrupted", 0).runs("00runinterrupted", "", "PENDING", "RUNNING");
    ManualRunClock clock = new ManualRunClock(START).interruptAtSleep(2);
    EmrServerlessEngine engine = engine(clock, 60);

    TaskResult result;
    boolean interrupted;
    try {
      result = engine.run(context(clock), dag, task);
    } finally {
      interrupted = Thread.interrupted();
    }

    assertThat(interrupted).as("the interrupt flag, put back").isTrue();
    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Interrupted while EMR Serverless job run 00runinterrupted was running: cancelled it"
                + " (CancelJobRun)"
                + where("00runinterrupted"));
    assertThat(stub.cancels("00runinterrupted")).isEqualTo(1);
    assertThat(stub.polls("00runinterrupted")).isEqualTo(2);
  }

  @Test
  void resubmitAfterACrash_sendsTheSameClientToken_andAttachesToTheRunningJob() {
    ManualRunClock crashing = new ManualRunClock(START).crashAtSleep(1);
    RunContext context = context(crashing);
    String token = EmrServerlessEngine.clientToken(context, dag, task.id());
    // the service's idempotency: the same token, the same job run
    stub.startsForToken(token, "00runonce").runs("00runonce", "", "RUNNING", "RUNNING", "SUCCESS");
    EmrServerlessEngine first = engine(crashing, 60);

    // the process waiting for the job dies (no cancel) ...
    assertThatThrownBy(() -> first.run(context, dag, task))
        .isInstanceOf(ManualRunClock.Crash.class);
    // ... and the same DAG run is run again by a new process
    ManualRunClock clock = new ManualRunClock(START);
    EmrServerlessEngine second = engine(clock, 60);
    TaskResult result =
        second.run(new RunContext(context.runId(), START, clock.clock(), 1), dag, task);

    assertThat(result.status()).as(result.summary()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.summary()).contains("job run 00runonce SUCCESS");
    assertThat(stub.startRequests())
        .extracting(body -> body.get("clientToken").asText())
        .containsExactly(token, token);
    assertThat(second.jobRuns()).extracting(JobRunRecord::jobRunId).containsExactly("00runonce");
    assertThat(stub.cancels("00runonce")).isZero();
    assertThat(stub.polls("00runonce")).isEqualTo(3);
  }

  @Test
  void dagRunnerRetry_startsANewJobRunUnderANewClientToken_andTheRetryNamesTheFailedRunsLogs() {
    ManualRunClock clock = new ManualRunClock(START);
    String runId = "run__" + START;
    String firstToken =
        EmrServerlessEngine.clientToken(
            new RunContext(runId, START, clock.clock(), 1), dag, task.id());
    String retryToken =
        EmrServerlessEngine.clientToken(
            new RunContext(runId, START, clock.clock(), 2), dag, task.id());
    stub.startsForToken(firstToken, "00runattempt1")
        .runs("00runattempt1", "Job failed, ExitCode: 1.", "RUNNING", "FAILED")
        .startsForToken(retryToken, "00runattempt2")
        .runs("00runattempt2", "", "RUNNING", "SUCCESS");
    EmrServerlessEngine engine = engine(clock, 60);

    Dag notifying =
        Dag.builder()
            .from(dag)
            .notifications(NotificationPolicy.builder().onRetry(true).build())
            .build();
    List<RunEvent> events = new ArrayList<>();

    DagRun run =
        DagRunner.builder(Plan.builder().from(plan).dags(List.of(notifying)).build(), engine)
            .clock(clock)
            .notifier(events::add)
            .build()
            .run(notifying, START);

    assertThat(run.succeeded()).as(run.toString()).isTrue();
    assertThat(run.attempts(task.id())).isEqualTo(2);
    assertThat(events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.kind()).isEqualTo(RunEvent.Kind.RETRY);
              assertThat(event.attempt()).isEqualTo(1);
              assertThat(event.logLocation())
                  .isEqualTo(engine.jobRuns().get(0).logLocation())
                  .contains("00runattempt1");
            });
    assertThat(engine.jobRuns())
        .extracting(JobRunRecord::attempt, JobRunRecord::jobRunId, JobRunRecord::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "00runattempt1", "FAILED"),
            org.assertj.core.groups.Tuple.tuple(2, "00runattempt2", "SUCCESS"));
    assertThat(stub.startRequests())
        .extracting(body -> body.get("clientToken").asText())
        .containsExactly(firstToken, retryToken);
    assertThat(clock.sleeps()).contains(dag.retryDelay());
  }
}
