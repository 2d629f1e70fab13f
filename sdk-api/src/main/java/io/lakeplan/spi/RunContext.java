package io.lakeplan.spi;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * What a task runs in: the DAG run it belongs to, the run's logical time, the clock retention
 * cut-offs and commit times are read from, and which attempt this is (1 for the first; a retry
 * counts on).
 *
 * @param runId the DAG run's id, the same for every task and attempt of the run
 * @param logicalTime the time the run stands for (a schedule's firing time, or when it was started)
 * @param clock "now" for the task
 * @param attempt the attempt, from 1
 */
public record RunContext(String runId, Instant logicalTime, Clock clock, int attempt) {

  /** Checks the values. */
  public RunContext {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(logicalTime, "logicalTime");
    Objects.requireNonNull(clock, "clock");
    if (attempt < 1) {
      throw new IllegalArgumentException("Invalid attempt: " + attempt + " (must be >= 1)");
    }
  }

  /** The first attempt of a run started now on {@code clock}, its id made from that time. */
  public static RunContext startedNow(Clock clock) {
    Instant now = clock.instant();
    return new RunContext("manual__" + now, now, clock, 1);
  }

  /** This context for attempt {@code attempt}. */
  public RunContext withAttempt(int attempt) {
    return new RunContext(runId, logicalTime, clock, attempt);
  }
}
