package io.lakeplan.cli;

import io.lakeplan.aws.emr.EmrServerlessEngine;
import io.lakeplan.aws.emr.JobRunRecord;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.run.PlanRun;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code lakeplan run --on emr-serverless}: the plan's selected tasks through the same runner and
 * progress lines as a local run, each Spark task an EMR Serverless job run ({@link
 * EmrServerlessEngine}), the DAGs' notifications to the environment's channels (SNS, e-mail through
 * SNS, Slack; a failure's message names its job run's log folder). Needs no Spark in this JVM: the
 * jobs run on the environment's application.
 */
final class EmrServerlessRun {
  private EmrServerlessRun() {}

  /**
   * Uploads the plan JSON files that are missing, runs the selected tasks, prints progress, the
   * summary table and the job runs; whether every task succeeded.
   */
  static boolean run(
      Path spec,
      Environment environment,
      String dag,
      String task,
      Instant logicalTime,
      PrintWriter out) {
    Plan plan = plan(spec);
    PlanRun.Selection selection = PlanRun.Selection.of(dag, task);
    PlanRun.select(plan, selection); // an unknown DAG or task fails before anything is uploaded
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment);
        EmrServerlessEngine engine =
            EmrServerlessEngine.builder()
                .environment(environment)
                .listener(
                    new EmrServerlessEngine.Listener() {
                      @Override
                      public void submitted(Dag dag, Task task, JobRunRecord jobRun) {
                        out.printf(
                            Locale.ROOT,
                            "      %s/%s: job run %s, logs %s%n",
                            dag.id(),
                            task.id(),
                            jobRun.jobRunId(),
                            jobRun.logLocation());
                        out.flush();
                      }
                    })
                .build()) {
      out.println(
          "Running "
              + spec
              + " on EMR Serverless application "
              + environment.airflow().emrApplicationId()
              + "; environment "
              + environment.name()
              + ", logical time "
              + logicalTime
              + " (run again with --logical-time "
              + logicalTime
              + " to find its job runs again)");
      for (String location : engine.stagePlans(plan)) {
        out.println("Uploaded the plan JSON to " + location);
      }
      out.flush();
      ProgressLines progress = new ProgressLines(out);
      try (InterruptOnExit exit = InterruptOnExit.of(Thread.currentThread())) {
        PlanRun.Report report =
            PlanRun.builder(plan, engine)
                .selection(selection)
                .progress(progress)
                .logicalTime(logicalTime)
                .notifier(runtime.notifier())
                .run();
        progress.report(report);
        jobRuns(engine.jobRuns(), out);
        return report.succeeded();
      }
    }
  }

  /**
   * While open, a JVM shutdown (Ctrl-C, SIGTERM) interrupts the running thread and waits a while
   * for it to finish: the engine cancels the job run it is waiting for, the runner stops, and the
   * table is printed, instead of the process dying with the job still running.
   */
  private static final class InterruptOnExit implements AutoCloseable {
    private static final long WAIT_SECONDS = 30;
    private final Thread hook;
    private final CountDownLatch done = new CountDownLatch(1);

    private InterruptOnExit(Thread runner) {
      this.hook =
          new Thread(
              () -> {
                runner.interrupt();
                try {
                  done.await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "lakeplan-cancel-on-exit");
    }

    static InterruptOnExit of(Thread runner) {
      InterruptOnExit exit = new InterruptOnExit(runner);
      Runtime.getRuntime().addShutdownHook(exit.hook);
      return exit;
    }

    @Override
    public void close() {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it returns now that the run is done
      }
    }
  }

  private static void jobRuns(List<JobRunRecord> jobRuns, PrintWriter out) {
    if (jobRuns.isEmpty()) {
      return;
    }
    out.println();
    out.println("EMR Serverless job runs:");
    for (JobRunRecord jobRun : jobRuns) {
      out.printf(
          Locale.ROOT,
          "%s/%s (attempt %d): %s %s%s, logs %s%n",
          jobRun.dagId(),
          jobRun.taskId(),
          jobRun.attempt(),
          jobRun.jobRunId(),
          jobRun.state(),
          jobRun.stateDetails().isBlank() ? "" : " (" + jobRun.stateDetails() + ")",
          jobRun.logLocation());
    }
    out.flush();
  }

  /** The plan of a use-case file or folder (any problem fails), or of a plan JSON. */
  private static Plan plan(Path spec) {
    if (spec.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      try {
        return UseCaseCodec.planFromJson(Files.readString(spec, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read plan " + spec, e);
      }
    }
    return Workspace.loadStrict(spec).plan();
  }
}
