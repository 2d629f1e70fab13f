package io.lakeplan.aws.emr;

import io.lakeplan.spi.TaskResult;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result line JobMain prints to the driver's standard output ({@code <dag>/<task> } and then
 * the task's {@link TaskResult}, or {@code FAILED — <reason>} when the task could not run), read
 * back from the job run's {@code SPARK_DRIVER/stdout.gz}, so a run on EMR Serverless reports the
 * rows, files and bytes and the one-line reason that a local run does.
 *
 * @param status what JobMain said
 * @param rows rows written or checked
 * @param files files written or copied
 * @param bytes bytes written or copied
 * @param summary JobMain's one-line summary
 */
record DriverOutput(TaskResult.Status status, long rows, long files, long bytes, String summary) {

  /** Where the driver's standard output is below a job run's log location. */
  static final String STDOUT = "SPARK_DRIVER/stdout.gz";

  private static final Pattern COUNTS =
      Pattern.compile(
          "(SUCCEEDED|FAILED|SKIPPED)(?: rows=(\\d+) files=(\\d+) bytes=(\\d+) duration=\\S+)? — (.*)");

  /** The last result line of task {@code taskId} of {@code dagId} in {@code stdout}, if any. */
  static Optional<DriverOutput> find(String stdout, String dagId, String taskId) {
    String prefix = dagId + "/" + taskId + " ";
    DriverOutput found = null;
    for (String line : stdout.split("\\R")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      Matcher matcher = COUNTS.matcher(line.substring(prefix.length()));
      if (matcher.matches()) {
        found =
            new DriverOutput(
                TaskResult.Status.valueOf(matcher.group(1)),
                count(matcher.group(2)),
                count(matcher.group(3)),
                count(matcher.group(4)),
                matcher.group(5).strip());
      }
    }
    return Optional.ofNullable(found);
  }

  private static long count(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }
}
