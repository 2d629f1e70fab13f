package io.lakeplan.spark.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Named points at which the kill matrix stops a job as {@code kill -9} would, to prove that a task
 * killed at any of them and run again converges to what an uninterrupted run leaves.
 *
 * <p>Off unless the environment variable {@value #ENV} (or the system property {@value #PROPERTY})
 * names one point as {@code <task id>:<point>}, for example {@code orders-history.convert:after-
 * commit}. When the running task reaches that point, the job writes {@value #MARKER} and the point
 * to standard error and stops there, waiting for the harness's SIGKILL; if none comes within two
 * minutes it halts itself with exit code 137, as a SIGKILL would. Points other code reaches (a file
 * system hook in a test) go through {@link #reach(String)} too. The documented list of points is in
 * the docs' reliability page.
 */
public final class CrashPoints {

  /** The environment variable that names the point: {@code <task id>:<point>}. */
  public static final String ENV = "LAKEPLAN_CRASH_AT";

  /** The system property that names the point, when the environment variable is not set. */
  public static final String PROPERTY = "lakeplan.crash-at";

  /** What the job writes to standard error, followed by the point, when it reaches the point. */
  public static final String MARKER = "lakeplan: crash point reached: ";

  private static final String TARGET = configured();

  private static volatile String task;

  private CrashPoints() {}

  private static String configured() {
    String value = System.getenv(ENV);
    if (value == null || value.isBlank()) {
      value = System.getProperty(PROPERTY);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  /** Whether a crash point is configured in this JVM. */
  public static boolean enabled() {
    return TARGET != null;
  }

  /** Marks {@code taskId} as the task this JVM is running (the engine calls it per task). */
  public static void enter(String taskId) {
    if (TARGET != null) {
      task = taskId;
    }
  }

  /**
   * Stops the job here when {@code point} of the running task is the configured one; returns at
   * once otherwise.
   */
  public static void reach(String point) {
    if (TARGET == null || task == null || !TARGET.equals(task + ":" + point)) {
      return;
    }
    // the one place that writes to standard error: the harness reads it from the child process
    System.err.println(MARKER + TARGET);
    System.err.flush();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
    }
    Runtime.getRuntime().halt(137);
  }
}
