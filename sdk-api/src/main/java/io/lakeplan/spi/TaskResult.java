package io.lakeplan.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * What running one plan task did: its outcome, how much data it touched and how long it took, with
 * a one-line human summary for logs and run reports. Engines return one per task; they are
 * immutable and serialize to JSON with the property names of their accessors.
 */
public final class TaskResult {

  /** The outcome of a task. */
  public enum Status {
    /** The task did its work (possibly none, e.g. a re-run with nothing new). */
    SUCCEEDED,
    /** The task failed; {@link #summary()} says why. Targets are left as they were. */
    FAILED,
    /** The engine does not run this kind of task; nothing was done. */
    SKIPPED
  }

  private final Status status;
  private final long rows;
  private final long files;
  private final long bytes;
  private final Duration duration;
  private final String summary;

  private TaskResult(
      Status status, long rows, long files, long bytes, Duration duration, String summary) {
    this.status = Objects.requireNonNull(status, "status");
    this.rows = requireNotNegative("rows", rows);
    this.files = requireNotNegative("files", files);
    this.bytes = requireNotNegative("bytes", bytes);
    this.duration = Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid task duration: " + duration + " (must not be negative)");
    }
    String text = Objects.requireNonNull(summary, "summary").strip();
    // one line, whatever the cause message looked like
    this.summary = text.replaceAll("\\s*[\\r\\n]+\\s*", " | ");
  }

  /**
   * A result.
   *
   * @param status the outcome
   * @param rows rows written (or checked, for a reconciliation); zero or more
   * @param files files written or copied; zero or more
   * @param bytes bytes written or copied; zero or more
   * @param duration the wall-clock time taken; not negative
   * @param summary a human summary; line breaks are folded so it stays on one line
   * @throws IllegalArgumentException naming the value when a count or the duration is negative
   */
  @JsonCreator
  public static TaskResult of(
      @JsonProperty("status") Status status,
      @JsonProperty("rows") long rows,
      @JsonProperty("files") long files,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("duration") Duration duration,
      @JsonProperty("summary") String summary) {
    return new TaskResult(status, rows, files, bytes, duration, summary);
  }

  /** A successful result. */
  public static TaskResult succeeded(
      long rows, long files, long bytes, Duration duration, String summary) {
    return of(Status.SUCCEEDED, rows, files, bytes, duration, summary);
  }

  /** A failed result with no data counted; {@code summary} says what went wrong. */
  public static TaskResult failed(Duration duration, String summary) {
    return of(Status.FAILED, 0, 0, 0, duration, summary);
  }

  /** A result for a task the engine does not run; {@code summary} says why. */
  public static TaskResult skipped(String summary) {
    return of(Status.SKIPPED, 0, 0, 0, Duration.ZERO, summary);
  }

  /** The same result with {@code duration} instead. */
  public TaskResult withDuration(Duration duration) {
    return of(status, rows, files, bytes, duration, summary);
  }

  private static long requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "Invalid task " + name + ": " + value + " (must not be negative)");
    }
    return value;
  }

  /** The outcome. */
  @JsonProperty("status")
  public Status status() {
    return status;
  }

  /** Whether the task succeeded. */
  public boolean isSuccess() {
    return status == Status.SUCCEEDED;
  }

  /** Rows written, or checked for a reconciliation. */
  @JsonProperty("rows")
  public long rows() {
    return rows;
  }

  /** Files written or copied. */
  @JsonProperty("files")
  public long files() {
    return files;
  }

  /** Bytes written or copied. */
  @JsonProperty("bytes")
  public long bytes() {
    return bytes;
  }

  /** Wall-clock time taken. */
  @JsonProperty("duration")
  public Duration duration() {
    return duration;
  }

  /** One line saying what happened, e.g. {@code wrote 120 rows to raw.orders (2 partitions)}. */
  @JsonProperty("summary")
  public String summary() {
    return summary;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof TaskResult)) {
      return false;
    }
    TaskResult that = (TaskResult) other;
    return status == that.status
        && rows == that.rows
        && files == that.files
        && bytes == that.bytes
        && duration.equals(that.duration)
        && summary.equals(that.summary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, rows, files, bytes, duration, summary);
  }

  @Override
  public String toString() {
    return status
        + " rows="
        + rows
        + " files="
        + files
        + " bytes="
        + bytes
        + " duration="
        + duration
        + " — "
        + summary;
  }
}
