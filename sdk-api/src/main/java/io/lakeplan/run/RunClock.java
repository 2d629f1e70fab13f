package io.lakeplan.run;

import java.time.Clock;
import java.time.Duration;

/**
 * The time a {@link DagRunner} runs on: "now" for logical times, task contexts and SLAs, and the
 * wait between a failed attempt and its retry. The system's waits for real; a test's moves a clock
 * forward instead.
 */
public interface RunClock {

  /** The clock "now" is read from. */
  Clock clock();

  /** Waits {@code duration} (a retry delay). */
  void sleep(Duration duration) throws InterruptedException;

  /** The UTC system clock, waiting with {@link Thread#sleep}. */
  static RunClock system() {
    return new RunClock() {
      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
      }
    };
  }
}
