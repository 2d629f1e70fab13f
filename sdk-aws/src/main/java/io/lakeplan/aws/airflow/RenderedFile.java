package io.lakeplan.aws.airflow;

import java.util.Objects;

/**
 * One rendered Airflow DAG file.
 *
 * @param fileName the file name, {@code <dag_id>.py}
 * @param dagId the DAG id it defines
 * @param content the Python source
 */
public record RenderedFile(String fileName, String dagId, String content) {
  public RenderedFile {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(dagId, "dagId");
    Objects.requireNonNull(content, "content");
  }
}
