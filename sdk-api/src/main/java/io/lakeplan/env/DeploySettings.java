package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.List;
import org.immutables.value.Value;

/**
 * Where {@code lakeplan deploy} puts what it uploads (the {@code deploy} section of an {@link
 * Environment}). The job jar goes to {@code airflow.job-jar} and each use case's plan JSON to
 * {@code airflow.spec-location}; the DAG files go to {@link #dagsLocation()}.
 *
 * <pre>{@code
 * deploy:
 *   dags-location: s3://acme-mwaa/dags/
 *   job-jar-file: sdk-spark/target/sdk-spark-0.1.0-SNAPSHOT-job.jar
 * }</pre>
 */
@Value.Immutable
@JsonSerialize(as = ImmutableDeploySettings.class)
@JsonDeserialize(as = ImmutableDeploySettings.class)
public abstract class DeploySettings {
  /**
   * The MWAA environment's DAG folder, {@code s3://BUCKET/PREFIX/} (its source bucket and DAGs
   * folder, {@code dags/} by default on MWAA). Null (the default): {@code lakeplan deploy} refuses
   * to run, naming this key. Lakeplan removes only the DAG files it uploaded there itself.
   */
  public abstract String dagsLocation();

  /**
   * The local job jar that {@code lakeplan deploy} uploads to {@code airflow.job-jar}: sdk-spark's
   * shaded {@code sdk-spark-VERSION-job.jar}, relative to the working directory. Null (the
   * default): {@code --job-jar FILE}, else the one jar matching {@code
   * sdk-spark/target/sdk-spark-*-job.jar} under the working directory.
   */
  public abstract String jobJarFile();

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming each invalid value and the form to write
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    String dags = dagsLocation();
    if (dags != null && !dags.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
      problems.add(
          "dags-location: '"
              + dags
              + "' (an s3://bucket/prefix/ folder, e.g. s3://acme-mwaa/dags/)");
    }
    if (jobJarFile() != null && jobJarFile().isBlank()) {
      problems.add("job-jar-file: '' (a path to the job jar, or leave it out)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid deploy settings: " + String.join("; ", problems));
    }
  }

  /** A builder of settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DeploySettings}; every setter is named after its property. */
  public static final class Builder extends ImmutableDeploySettings.Builder {}
}
