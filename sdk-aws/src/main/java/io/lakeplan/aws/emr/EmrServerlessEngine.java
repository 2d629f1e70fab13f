package io.lakeplan.aws.emr;

import io.lakeplan.aws.AwsClients;
import io.lakeplan.aws.internal.AwsErrors;
import io.lakeplan.aws.internal.CallLimits;
import io.lakeplan.aws.internal.S3Location;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.RunClock;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskFailedException;
import io.lakeplan.spi.TaskResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.emrserverless.model.Application;
import software.amazon.awssdk.services.emrserverless.model.ApplicationState;
import software.amazon.awssdk.services.emrserverless.model.JobRun;
import software.amazon.awssdk.services.emrserverless.model.JobRunState;
import software.amazon.awssdk.services.emrserverless.model.StartJobRunRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An {@link Engine} that runs each task as an EMR Serverless job run: a Lakeplan task runs the job
 * jar's {@code io.lakeplan.spark.JobMain} with the arguments the rendered Airflow DAGs pass, a
 * team's own Spark job ({@code spark-job}) its own entry point ({@link EmrServerlessJob}). The
 * application, execution role, job jar, plan location, log location, spark-submit parameters and
 * poll settings are the environment's {@link AirflowSettings}, which must be set to real values
 * (not the Airflow Variable templates they default to).
 *
 * <p>Per task: the application is checked once ({@code GetApplication}: it exists, runs Spark and,
 * for Lakeplan tasks, has an {@code emr-spark-8.x} release that can run the Spark 4 job jar); the
 * entry point jar and the plan JSON are checked on S3 ({@code HeadObject}); then {@code
 * StartJobRun} with the job's monitoring configuration (logs under {@code airflow.log-uri}), tags
 * naming the use case, DAG, task, run and attempt, and a client token derived from the run, task
 * and attempt ({@link #clientToken}); then {@code GetJobRun} until the run ends, waiting with
 * bounded exponential backoff and jitter from {@link Builder#firstPollDelay} up to {@code
 * airflow.poll-interval}. Throttling ({@code ThrottlingException}, HTTP 429) is waited out the same
 * way up to {@link Builder#maxThrottledRetries} times in a row. A run still going after the timeout
 * (default {@code airflow.poll-interval × airflow.max-attempts}, the rendered operator's waiter
 * limit) or when the thread is interrupted is cancelled ({@code CancelJobRun}).
 *
 * <p>The result names the job run, its final state and details and its log location in the summary;
 * {@link #jobRuns()} has them as data. EMR Serverless reports no row or file counts, so they are 0.
 * Copy tasks (a DataSync transfer, not Spark) fail naming where they run. Every failure the user
 * can act on is a FAILED result with one line naming the resource and the fix; the engine throws
 * only for programming errors.
 *
 * <pre>{@code
 * try (EmrServerlessEngine engine = EmrServerlessEngine.forEnvironment(environment)) {
 *   DagRunner.builder(plan, engine).build().runAll();
 * }
 * }</pre>
 */
public final class EmrServerlessEngine implements Engine, AutoCloseable {
  /** The engine's name in messages. */
  public static final String NAME = "EMR Serverless";

  /** The tag naming the use case of a job run. */
  public static final String TAG_USE_CASE = "lakeplan:use-case";

  /** The tag naming the DAG of a job run. */
  public static final String TAG_DAG = "lakeplan:dag";

  /** The tag naming the task of a job run. */
  public static final String TAG_TASK = "lakeplan:task";

  /** The tag naming the DAG run of a job run. */
  public static final String TAG_RUN = "lakeplan:run";

  /** The tag naming the attempt of a job run. */
  public static final String TAG_ATTEMPT = "lakeplan:attempt";

  private static final Logger LOG = LoggerFactory.getLogger(EmrServerlessEngine.class);
  private static final Set<JobRunState> ENDED =
      Set.of(JobRunState.SUCCESS, JobRunState.FAILED, JobRunState.CANCELLED);

  private final Environment environment;
  private final AirflowSettings settings;
  private final EmrServerlessCalls calls;
  private final RunClock clock;
  private final Backoff pollBackoff;
  private final Duration timeout;
  private final Listener listener;
  private final Set<String> checkedObjects = ConcurrentHashMap.newKeySet();
  private final Map<Boolean, Boolean> checkedApplication = new ConcurrentHashMap<>();
  private final List<JobRunRecord> jobRuns = new ArrayList<>();

  private EmrServerlessEngine(Builder builder) {
    this.environment = builder.environment;
    this.settings = builder.environment.airflow();
    this.clock = builder.clock;
    Duration pollInterval = settings.pollInterval();
    Duration first =
        builder.firstPollDelay.compareTo(pollInterval) > 0 ? pollInterval : builder.firstPollDelay;
    this.pollBackoff = new Backoff(first, pollInterval, builder.random);
    this.calls =
        new EmrServerlessCalls(
            builder.environment,
            builder.emrServerless,
            builder.s3,
            builder.closeClients,
            builder.clock,
            new Backoff(first, pollInterval, builder.random),
            builder.maxThrottledRetries,
            builder.callTimeout);
    this.timeout =
        builder.timeout != null
            ? builder.timeout
            : pollInterval.multipliedBy(settings.maxAttempts());
    this.listener = builder.listener;
  }

  /**
   * An engine for {@code environment} with clients from {@link AwsClients} (its region and endpoint
   * override, the default credential chain), closed with the engine.
   *
   * @throws IllegalArgumentException listing every {@code airflow.*} setting the engine cannot use
   */
  public static EmrServerlessEngine forEnvironment(Environment environment) {
    return builder().environment(environment).build();
  }

  /**
   * A builder; {@link Builder#environment} is required, and the clients are made from it unless
   * both are given.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Hears about the job runs as the engine starts them: for progress lines. */
  public interface Listener {
    /** {@code jobRun} was started (or found again by its client token) for {@code task}. */
    default void submitted(Dag dag, Task task, JobRunRecord jobRun) {}

    /** Hears nothing. */
    Listener NONE = new Listener() {};
  }

  /** Builds an {@link EmrServerlessEngine}. */
  public static final class Builder {
    private Environment environment;
    private EmrServerlessClient emrServerless;
    private S3Client s3;
    private boolean closeClients;
    private RunClock clock = RunClock.system();
    private RandomGenerator random = RandomGenerator.getDefault();
    private Duration firstPollDelay = Duration.ofSeconds(5);
    private Duration timeout;
    private int maxThrottledRetries = 10;
    private Duration callTimeout = AwsClients.CALL_TIMEOUT;
    private Listener listener = Listener.NONE;

    private Builder() {}

    /**
     * The environment: its {@link Environment#airflow()} settings name the application, role, job
     * jar, plan location, log location, spark-submit parameters and poll interval. Required.
     */
    public Builder environment(Environment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * The EMR Serverless client. Default: one from {@link AwsClients} (the environment's region and
     * endpoint override, the default credential chain), closed with the engine.
     */
    public Builder emrServerless(EmrServerlessClient emrServerless) {
      this.emrServerless = Objects.requireNonNull(emrServerless, "emrServerless");
      return this;
    }

    /**
     * The S3 client that checks the entry points and plans and uploads plans. Default: one from
     * {@link AwsClients}, closed with the engine.
     */
    public Builder s3(S3Client s3) {
      this.s3 = Objects.requireNonNull(s3, "s3");
      return this;
    }

    /**
     * Whether {@link #close()} closes the clients given here (default: false, the caller owns
     * them); clients the builder made are always closed.
     */
    public Builder closeClients(boolean closeClients) {
      this.closeClients = closeClients;
      return this;
    }

    /** Where "now" comes from and how the engine waits between polls (default: the system's). */
    public Builder clock(RunClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The jitter of the waits (default: {@link RandomGenerator#getDefault()}). */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The longest first wait between two polls, or after a throttled call; each next wait may be
     * twice as long, up to {@code airflow.poll-interval}. Default: 5 s; positive.
     */
    public Builder firstPollDelay(Duration firstPollDelay) {
      this.firstPollDelay = positive("first poll delay", firstPollDelay);
      return this;
    }

    /**
     * How long a job run may take before the engine cancels it and fails the task. Default: {@code
     * airflow.poll-interval × airflow.max-attempts} (24 h with the defaults), the same limit as the
     * rendered Airflow operator's; positive.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive("job run timeout", timeout);
      return this;
    }

    /**
     * How many throttled answers in a row one call may get before the task fails. Default: 10; at
     * least 0.
     */
    public Builder maxThrottledRetries(int maxThrottledRetries) {
      if (maxThrottledRetries < 0) {
        throw new IllegalArgumentException(
            "Invalid max throttled retries: " + maxThrottledRetries + " (must be at least 0)");
      }
      this.maxThrottledRetries = maxThrottledRetries;
      return this;
    }

    /** The limit of one API call, its SDK retries included. Default: 30 s; positive. */
    public Builder callTimeout(Duration callTimeout) {
      this.callTimeout = CallLimits.positive(callTimeout);
      return this;
    }

    /** Who hears about each job run started (default: no one). */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The engine.
     *
     * @throws IllegalArgumentException listing every {@code airflow.*} setting the engine cannot
     *     use (an Airflow Variable template, a malformed id, ARN or location) and how to fix it,
     *     checked before any client is made; or naming the environment and the fix when its clients
     *     cannot be made (no region)
     */
    public EmrServerlessEngine build() {
      Objects.requireNonNull(environment, "environment");
      List<String> problems = JobRunRequests.settingsProblems(environment);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot run on EMR Serverless with environment "
                + environment.name()
                + ": "
                + String.join("; ", problems));
      }
      if (emrServerless == null && s3 == null) {
        AwsClients clients = AwsClients.of(environment);
        try {
          emrServerless = clients.emrServerless();
          s3 = clients.s3();
        } catch (SdkException e) {
          if (emrServerless != null) {
            emrServerless.close();
          }
          throw new IllegalArgumentException(
              "Cannot make the AWS clients of environment "
                  + environment.name()
                  + " ("
                  + AwsErrors.firstLine(e)
                  + "): set its region (or AWS_REGION) and check endpoint-override",
              e);
        }
        closeClients = true;
      }
      Objects.requireNonNull(emrServerless, "emrServerless");
      Objects.requireNonNull(s3, "s3");
      return new EmrServerlessEngine(this);
    }

    private static Duration positive(String name, Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(
            "Invalid " + name + ": " + value + " (must be positive)");
      }
      return value;
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The environment the engine runs in. */
  public Environment environment() {
    return environment;
  }

  /** Every job run this engine started (or found again), in order, each in its last known state. */
  public List<JobRunRecord> jobRuns() {
    synchronized (jobRuns) {
      return List.copyOf(jobRuns);
    }
  }

  /**
   * The log folder of the job run of attempt {@code context.attempt()} of {@code task} (the last
   * one this engine started or found again for it), or null when it started none: a task that
   * failed before its job run was submitted has no logs on EMR Serverless.
   */
  @Override
  public String logLocation(RunContext context, Dag dag, Task task) {
    synchronized (jobRuns) {
      for (int i = jobRuns.size() - 1; i >= 0; i--) {
        JobRunRecord jobRun = jobRuns.get(i);
        if (jobRun.dagId().equals(dag.id())
            && jobRun.taskId().equals(task.id())
            && jobRun.attempt() == context.attempt()) {
          return jobRun.logLocation();
        }
      }
    }
    return null;
  }

  @Override
  public TaskResult run(RunContext context, Dag dag, Task task) {
    Instant started = clock.clock().instant();
    try {
      Submissions.Submission submission =
          task.spec().accept(new Submissions(environment, dag, task));
      checkApplication(submission.jobMain());
      EmrServerlessJob job = submission.job();
      requireObject(job.entryPoint(), submission.entryPointName(), submission.entryPointFix());
      if (submission.jobMain()) {
        requireObject(
            EmrServerlessJob.specLocation(settings, dag),
            "Plan JSON of use case " + dag.useCase() + " (spec version " + dag.specVersion() + ")",
            "run lakeplan run --on emr-serverless, which uploads it, or upload the output of"
                + " lakeplan plan --format json there");
        requireObject(
            EmrServerlessJob.environmentLocation(environment, dag),
            "Environment file of environment "
                + environment.name()
                + " (version "
                + EmrServerlessJob.environmentVersion(environment)
                + ")",
            "run lakeplan run --on emr-serverless, which uploads it, or lakeplan deploy");
      }
      return execute(
          JobRunRequests.request(environment, context, dag, task.id(), job),
          submission.jobMain(),
          context,
          dag,
          task,
          started);
    } catch (TaskFailedException e) {
      return TaskResult.failed(since(started), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TaskResult.failed(
          since(started),
          "Interrupted before the EMR Serverless job run of "
              + EmrServerlessJob.name(dag.id(), task.id())
              + " was known to have started (a run that did start is found again by the same"
              + " DAG run and attempt: the same --logical-time)");
    }
  }

  /**
   * The {@code StartJobRun} request {@link #run} sends for attempt {@code context.attempt()} of
   * {@code task}: what a dry run shows and what tests compare with a rendered DAG.
   *
   * @throws TaskFailedException naming the engine and where the task runs, for a task that is not a
   *     Spark job (copy)
   */
  public StartJobRunRequest startJobRunRequest(RunContext context, Dag dag, Task task) {
    return JobRunRequests.request(
        environment,
        context,
        dag,
        task.id(),
        task.spec().accept(new Submissions(environment, dag, task)).job());
  }

  /**
   * The client token of attempt {@code context.attempt()} of task {@code taskId} of {@code dag} in
   * DAG run {@code context.runId()}: {@code lakeplan-} and 48 hex digits of a SHA-256 over the run
   * id, the DAG id, its spec version, the task id and the attempt.
   *
   * <p>EMR Serverless starts one job run per client token and answers a repeated {@code
   * StartJobRun} with the same token with the run it already started. So a resubmission of the same
   * attempt — the process that was waiting for it crashed and the same DAG run is run again (the
   * same logical time, hence run id) — attaches to the job run that is already going or done
   * instead of starting a second one, while a retry (the next attempt) starts a new one; a changed
   * use case (another spec version) does not reuse the runs of the old one either.
   */
  public static String clientToken(RunContext context, Dag dag, String taskId) {
    return JobRunRequests.clientToken(context, dag, taskId);
  }

  /**
   * Where the logs of job run {@code jobRunId} of application {@code applicationId} are under
   * {@code logUri}: {@code <log-uri>/applications/<application id>/jobs/<job run id>/}, with the
   * driver's {@code SPARK_DRIVER/stdout.gz} and {@code stderr.gz} below it.
   */
  public static String logLocation(String logUri, String applicationId, String jobRunId) {
    return (logUri.endsWith("/") ? logUri : logUri + "/")
        + "applications/"
        + applicationId
        + "/jobs/"
        + jobRunId
        + "/";
  }

  private TaskResult execute(
      StartJobRunRequest request,
      boolean jobMain,
      RunContext context,
      Dag dag,
      Task task,
      Instant started)
      throws InterruptedException {
    String applicationId = request.applicationId();
    String jobRunId = calls.start(request);
    JobRunRecord record =
        new JobRunRecord(
            dag.id(),
            task.id(),
            context.attempt(),
            applicationId,
            jobRunId,
            JobRunState.SUBMITTED.toString(),
            "",
            logLocation(settings.logUri(), applicationId, jobRunId));
    int index;
    synchronized (jobRuns) {
      index = jobRuns.size();
      jobRuns.add(record);
    }
    LOG.info(
        "{}: EMR Serverless job run {} of application {} (client token {}), logs {}",
        request.name(),
        jobRunId,
        applicationId,
        request.clientToken(),
        record.logLocation());
    listener.submitted(dag, task, record);
    Instant deadline = clock.clock().instant().plus(timeout);
    JobRun last;
    try {
      last = await(applicationId, jobRunId, deadline);
    } catch (InterruptedException e) {
      String cancelled = calls.cancel(applicationId, jobRunId);
      Thread.currentThread().interrupt();
      record(index, record, "CANCELLING", "interrupted");
      return TaskResult.failed(
          since(started),
          "Interrupted while EMR Serverless job run "
              + jobRunId
              + " was running: "
              + cancelled
              + " ("
              + where(record)
              + ")");
    } catch (TaskFailedException e) {
      String cancelled = calls.cancel(applicationId, jobRunId);
      throw new TaskFailedException(e.getMessage() + "; " + cancelled, e);
    }
    if (!ENDED.contains(last.state())) {
      String cancelled = calls.cancel(applicationId, jobRunId);
      record(index, record, last.stateAsString(), nullToEmpty(last.stateDetails()));
      return TaskResult.failed(
          since(started),
          "EMR Serverless job run "
              + jobRunId
              + " was still "
              + last.stateAsString()
              + " after "
              + timeout
              + ", the limit (airflow.poll-interval × airflow.max-attempts): "
              + cancelled
              + " ("
              + where(record)
              + ")");
    }
    String details = nullToEmpty(last.stateDetails());
    record = record(index, record, last.stateAsString(), details);
    Optional<DriverOutput> output =
        jobMain
            ? calls
                .readGzip(S3Location.parse(record.logLocation() + DriverOutput.STDOUT))
                .flatMap(stdout -> DriverOutput.find(stdout, dag.id(), task.id()))
            : Optional.empty();
    if (output.isPresent()) {
      // JobMain's own counts and one line, as a local run reports them
      DriverOutput said = output.get();
      String where =
          " (EMR Serverless job run "
              + jobRunId
              + " "
              + last.stateAsString()
              + ", "
              + where(record)
              + ")";
      return last.state() == JobRunState.SUCCESS && said.status() == TaskResult.Status.SUCCEEDED
          ? TaskResult.succeeded(
              said.rows(), said.files(), said.bytes(), since(started), said.summary() + where)
          : TaskResult.failed(since(started), said.summary() + where);
    }
    String summary =
        "EMR Serverless job run "
            + jobRunId
            + " "
            + last.stateAsString()
            + (details.isBlank() ? "" : ": " + details)
            + " ("
            + where(record)
            + ")";
    return last.state() == JobRunState.SUCCESS
        ? TaskResult.succeeded(0, 0, 0, since(started), summary)
        : TaskResult.failed(since(started), summary);
  }

  private JobRunRecord record(int index, JobRunRecord record, String state, String details) {
    JobRunRecord updated = record.withState(state, details);
    synchronized (jobRuns) {
      jobRuns.set(index, updated);
    }
    return updated;
  }

  private static String where(JobRunRecord record) {
    return "application " + record.applicationId() + ", logs " + record.logLocation();
  }

  /** Reads the job run until it ends or {@code deadline} passes; the last state read. */
  private JobRun await(String applicationId, String jobRunId, Instant deadline)
      throws InterruptedException {
    for (int poll = 0; ; poll++) {
      JobRun run = calls.jobRun(applicationId, jobRunId);
      if (ENDED.contains(run.state())) {
        return run;
      }
      Instant now = clock.clock().instant();
      if (!now.isBefore(deadline)) {
        return run;
      }
      Duration delay = pollBackoff.delay(poll);
      Duration left = Duration.between(now, deadline);
      clock.sleep(delay.compareTo(left) > 0 ? left : delay);
    }
  }

  /**
   * Checks once per kind of job that the application exists, runs Spark, is not terminated and —
   * for the job jar ({@code jobMain}) — has a release that ships Spark 4.
   */
  private void checkApplication(boolean jobMain) throws InterruptedException {
    if (checkedApplication.containsKey(jobMain)) {
      return;
    }
    String applicationId = settings.emrApplicationId();
    Application application = calls.application();
    if (!"SPARK".equalsIgnoreCase(application.type())) {
      throw new TaskFailedException(
          "EMR Serverless application "
              + applicationId
              + " is a "
              + application.type()
              + " application, not Spark: create a Spark application (release "
              + ReleaseLabels.RECOMMENDED
              + ") and set airflow.emr-application-id to it");
    }
    if (application.state() == ApplicationState.TERMINATED) {
      throw new TaskFailedException(
          "EMR Serverless application "
              + applicationId
              + " is TERMINATED and runs no more jobs: create a new one (release "
              + ReleaseLabels.RECOMMENDED
              + ") and set airflow.emr-application-id to it");
    }
    if (jobMain) {
      String problem = ReleaseLabels.problem(applicationId, application.releaseLabel());
      if (problem != null) {
        throw new TaskFailedException(problem);
      }
    }
    checkedApplication.put(jobMain, true);
  }

  /** Checks that the S3 object at {@code uri} exists (other schemes are not checked). */
  private void requireObject(String uri, String what, String fix) throws InterruptedException {
    if (!S3Location.isS3(uri) || checkedObjects.contains(uri)) {
      return;
    }
    S3Location location;
    try {
      location = S3Location.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new TaskFailedException(what + " " + uri + " is not an S3 object: " + fix, e);
    }
    calls.requireObject(location, what, fix);
    checkedObjects.add(uri);
  }

  /**
   * Uploads the plan JSON of each use case of {@code plan} to its {@code airflow.spec-location},
   * and beside it the environment file the jobs read ({@link
   * EmrServerlessJob#environmentLocation}), where no object is there yet (a location holds one spec
   * or environment version, so an object already there is the same file and is left alone),
   * encrypted with SSE-KMS with the environment's {@code kms-key}.
   *
   * @return the locations written
   * @throws IllegalStateException naming the location, the cause and the fix when an upload fails
   */
  public List<String> stagePlans(Plan plan) {
    try {
      return PlanStaging.stage(this, plan);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while uploading the plan JSON files", e);
    }
  }

  /**
   * The plan JSON files of {@code plan} that {@link #stagePlans} uploads: for each {@code
   * airflow.spec-location} of its use cases (placeholders filled in), the JSON of the use case's
   * DAGs, in plan order.
   */
  public static Map<String, String> planFiles(AirflowSettings settings, Plan plan) {
    return PlanStaging.files(settings, plan);
  }

  /**
   * The environment files the jobs of {@code plan} read ({@code --env}) that {@link #stagePlans}
   * uploads: for each location ({@link EmrServerlessJob#environmentLocation}), the environment as
   * YAML.
   */
  public static Map<String, String> environmentFiles(Environment environment, Plan plan) {
    return PlanStaging.environmentFiles(environment, plan);
  }

  /**
   * What is wrong with {@code environment} for job runs from Java or a deployment: one entry per
   * {@code airflow.*} setting that is still an Airflow Variable template or malformed, and a
   * missing {@code kms-key} (the job logs, the staged plan and environment files are encrypted with
   * it), naming the key and the form to write; empty when every one can be used.
   */
  public static List<String> settingsProblems(Environment environment) {
    return JobRunRequests.settingsProblems(environment);
  }

  /**
   * Checks with {@code GetApplication} that the environment's application exists, runs Spark, is
   * not terminated and has a release that can run the job jar (emr-spark-8.x): what {@code lakeplan
   * deploy} checks before it changes anything.
   *
   * @throws IllegalStateException on one line naming the application, what is wrong and the fix
   */
  public void requireApplication() {
    try {
      checkApplication(true);
    } catch (TaskFailedException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while checking the EMR Serverless application", e);
    }
  }

  /** The calls to AWS. */
  EmrServerlessCalls calls() {
    return calls;
  }

  /** The environment's {@code airflow.*} settings. */
  AirflowSettings settings() {
    return settings;
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  private Duration since(Instant started) {
    Duration took = Duration.between(started, clock.clock().instant());
    return took.isNegative() ? Duration.ZERO : took;
  }

  /** Closes the clients when {@link Builder#closeClients} said so, or the builder made them. */
  @Override
  public void close() {
    calls.close();
  }
}
