package io.lakeplan.aws.emr;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which EMR Serverless releases can run the Lakeplan job jar: it is built for Spark 4.1 and Scala
 * 2.13, which the {@code emr-spark-8.x} releases ship ({@code emr-spark-8.1.0}: Spark 4.1.1,
 * Iceberg 1.11.0, JDK 17); {@code emr-7.x} and older ship Spark 3 with Scala 2.12, where the jar
 * cannot load.
 */
final class ReleaseLabels {
  /** The release Lakeplan is built against, named in the fix. */
  static final String RECOMMENDED = "emr-spark-8.1.0";

  private static final int FIRST_SPARK_4 = 8;
  private static final Pattern LABEL = Pattern.compile("emr-(?:spark-)?(\\d{1,4})\\.\\d+\\.\\d+.*");

  private ReleaseLabels() {}

  /**
   * Why application {@code applicationId} with release {@code label} cannot run the job jar, on one
   * line with the fix; null when it can.
   */
  static String problem(String applicationId, String label) {
    Matcher matcher = LABEL.matcher(label == null ? "" : label);
    String fix =
        ": create an application with release "
            + RECOMMENDED
            + " (or a newer emr-spark-8.x) and set airflow.emr-application-id to it";
    if (!matcher.matches()) {
      return "EMR Serverless application "
          + applicationId
          + " has release label '"
          + label
          + "', not one known to ship Spark 4 (emr-spark-8.x)"
          + fix;
    }
    if (Integer.parseInt(matcher.group(1)) < FIRST_SPARK_4) {
      return "EMR Serverless application "
          + applicationId
          + " has release "
          + label
          + " (Spark 3, Scala 2.12), which cannot run the Lakeplan job jar (Spark 4.1, Scala 2.13)"
          + fix;
    }
    return null;
  }
}
