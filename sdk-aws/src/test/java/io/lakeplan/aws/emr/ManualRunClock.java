package io.lakeplan.aws.emr;

import io.lakeplan.run.RunClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link RunClock} that never waits: each sleep is recorded and moves "now" forward by its
 * length, so backoff and timeouts run in no time. {@link #interruptAtSleep(int)} makes the n-th
 * sleep throw {@link InterruptedException}, {@link #crashAtSleep(int)} an unchecked exception, as a
 * killed process would stop.
 */
public final class ManualRunClock implements RunClock {
  private Instant now;
  private final List<Duration> sleeps = new ArrayList<>();
  private int interruptAt = -1;
  private int crashAt = -1;

  /** A clock at {@code start}. */
  public ManualRunClock(Instant start) {
    this.now = start;
  }

  /** The process died while waiting. */
  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Crash() {
      super("the process died");
    }
  }

  ManualRunClock interruptAtSleep(int sleep) {
    this.interruptAt = sleep;
    return this;
  }

  ManualRunClock crashAtSleep(int sleep) {
    this.crashAt = sleep;
    return this;
  }

  @Override
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    int number = sleeps.size() + 1;
    if (number == interruptAt) {
      throw new InterruptedException("interrupted in sleep " + number);
    }
    if (number == crashAt) {
      throw new Crash();
    }
    sleeps.add(duration);
    now = now.plus(duration);
  }

  /** Every sleep so far, in order. */
  List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  /** "Now". */
  Instant now() {
    return now;
  }
}
