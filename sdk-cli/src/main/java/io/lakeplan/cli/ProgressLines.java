package io.lakeplan.cli;

import io.lakeplan.run.PlanRun;
import io.lakeplan.spi.TaskResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress lines of {@code lakeplan run}, the same on every engine: {@code [n/m] dag/task ...}
 * as a task starts, {@code [n/m] dag/task STATUS in s — summary} as it ends, a line per failed
 * attempt that is retried, {@code [-] dag/task not run: reason}, and before the run {@code [!] not
 * notified: target (reason)} for each notification target that no one will tell.
 */
final class ProgressLines implements PlanRun.Progress {
  private final PrintWriter out;

  ProgressLines(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void started(int number, int total, String dagId, String taskId) {
    out.printf(Locale.ROOT, "[%d/%d] %s/%s ...%n", number, total, dagId, taskId);
    out.flush();
  }

  @Override
  public void finished(int number, int total, PlanRun.Entry entry) {
    TaskResult result = entry.result();
    out.printf(
        Locale.ROOT,
        "[%d/%d] %s/%s %s%s in %.1f s — %s%n",
        number,
        total,
        entry.dagId(),
        entry.taskId(),
        result.status(),
        entry.attempts() > 1 ? " (attempt " + entry.attempts() + ")" : "",
        result.duration().toMillis() / 1000.0,
        result.summary());
    out.flush();
  }

  @Override
  public void retrying(int number, int total, PlanRun.Entry failed, int of, Duration delay) {
    out.printf(
        Locale.ROOT,
        "[%d/%d] %s/%s attempt %d of %d FAILED, retrying in %.0f s — %s%n",
        number,
        total,
        failed.dagId(),
        failed.taskId(),
        failed.attempts(),
        of,
        delay.toMillis() / 1000.0,
        failed.result().summary());
    out.flush();
  }

  @Override
  public void notRun(PlanRun.NotRun task) {
    out.printf(Locale.ROOT, "[-] %s/%s not run: %s%n", task.dagId(), task.taskId(), task.reason());
    out.flush();
  }

  @Override
  public void notNotified(String target, String reason) {
    out.printf(Locale.ROOT, "[!] not notified: %s (%s)%n", target, reason);
    out.flush();
  }

  /** A blank line, then the report's table. */
  void report(PlanRun.Report report) {
    out.println();
    out.print(report.table());
    out.flush();
  }
}
