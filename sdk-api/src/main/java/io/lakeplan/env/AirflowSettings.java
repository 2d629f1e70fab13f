package io.lakeplan.env;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.lakeplan.spi.S3Encryption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.immutables.value.Value;

/**
 * Where and how rendered DAGs run (the {@code airflow} section of an {@link Environment}): the EMR
 * Serverless application and job jar, DataSync tasks, waiter settings, and how cross-DAG
 * dependencies are wired. The region and the default SNS topic are the environment's. {@code
 * lakeplan run --on emr-serverless} (sdk-aws's EMR Serverless engine) submits the same job runs
 * with the same settings.
 *
 * <p>Every AWS setting defaults to an Airflow Variable template such as {@code {{
 * var.value.lakeplan_emr_application_id }}}: the rendered operators resolve it when the task runs,
 * so one set of DAG files can be deployed to several MWAA environments that differ only in their
 * Variables. Set a value here to fix it in the files instead; a run from Java needs the EMR
 * Serverless values (application, role, job jar, spec location, log URI) set, and refuses templates
 * naming each.
 */
@Value.Immutable
@JsonSerialize(as = ImmutableAirflowSettings.class)
@JsonDeserialize(as = ImmutableAirflowSettings.class)
public abstract class AirflowSettings {
  private static final Pattern VERSION = Pattern.compile("[23]\\.\\d{1,3}\\.\\d{1,3}");

  /** How a DAG waits for the DAGs it depends on. */
  public enum CrossDagMode {
    /**
     * The task that ends a DAG's work on a table updates the table's asset (datasets on Airflow 2),
     * a DAG's last tasks update its completion assets, and consumer DAGs are scheduled on those
     * assets (and keep their cron); a first gate task skips a consumer's run until each consumed
     * asset has been updated once. Needs no schedule alignment between DAGs.
     */
    DATASETS,
    /**
     * Each consumer DAG starts with one {@code ExternalTaskSensor} per upstream DAG, waiting for
     * the upstream run of the upstream schedule's latest firing at or before the consumer's logical
     * date. A DAG waiting for a manual or {@code @once} DAG cannot be rendered in this mode.
     */
    SENSORS
  }

  /** The Airflow version {@link #version()} defaults to: the newest that Amazon MWAA offers. */
  public static final String DEFAULT_VERSION = "3.3.1";

  /**
   * The Airflow version the rendered DAGs run on ({@code MAJOR.MINOR.PATCH}, 2.10 or later): the
   * MWAA environment's, e.g. 2.10.3, 2.11.2, 3.0.6 or 3.3.1. Default: {@value #DEFAULT_VERSION}.
   * The version decides only what a use case's SLA becomes, since Airflow changed it: Airflow 2
   * renders {@code sla} and an {@code sla_miss_callback}, 3.1 and later a deadline alert, and 3.0,
   * which has neither, cannot render an SLA at all (rendering reports the DAG as a problem). A DAG
   * without an SLA renders the same for every version and imports on all of them; one with an SLA
   * is for its version only, so set this to the version the DAGs are deployed to.
   */
  @Value.Default
  public String version() {
    return DEFAULT_VERSION;
  }

  /** The major version of {@link #version()}: 2 or 3. */
  public int majorVersion() {
    return versionPart(0);
  }

  /** The minor version of {@link #version()}, e.g. 11 of 2.11.2. */
  public int minorVersion() {
    return versionPart(1);
  }

  private int versionPart(int index) {
    return Integer.parseInt(version().split("\\.")[index]);
  }

  /** The EMR Serverless application id. Default: the Variable lakeplan_emr_application_id. */
  @Value.Default
  public String emrApplicationId() {
    return variable("lakeplan_emr_application_id");
  }

  /** The job runtime role ARN. Default: the Variable lakeplan_emr_execution_role_arn. */
  @Value.Default
  public String executionRoleArn() {
    return variable("lakeplan_emr_execution_role_arn");
  }

  /**
   * The S3 URI of the Lakeplan job jar (sdk-spark's shaded jar, entry point {@code
   * io.lakeplan.spark.JobMain}). Default: the Variable lakeplan_job_jar.
   */
  @Value.Default
  public String jobJar() {
    return variable("lakeplan_job_jar");
  }

  /**
   * Where the job finds the plan JSON, with placeholders {@code {use_case}}, {@code {spec_version}}
   * and {@code {dag_id}} filled in at render time. Default: {@code {{ var.value.lakeplan_spec_root
   * }}/{use_case}/{spec_version}/plan.json}; keep {@code {spec_version}} in it so a deployed DAG
   * never runs a newer or older plan than it was rendered from.
   */
  @Value.Default
  public String specLocation() {
    return variable("lakeplan_spec_root") + "/{use_case}/{spec_version}/plan.json";
  }

  /** The S3 URI EMR Serverless writes job logs under. Default: the Variable lakeplan_log_uri. */
  @Value.Default
  public String logUri() {
    return variable("lakeplan_log_uri");
  }

  /** The Airflow AWS connection id. Default: {@code aws_default}. */
  @Value.Default
  public String awsConnectionId() {
    return "aws_default";
  }

  /**
   * Extra spark-submit parameters for Lakeplan jobs, e.g. {@code --conf spark.executor.memory=4g};
   * may be null. S3 encryption settings are refused ({@link io.lakeplan.spi.S3Encryption}):
   * Lakeplan sets them.
   */
  public abstract String sparkSubmitParameters();

  /**
   * How often a task polls its EMR job or DataSync execution. Default: 60s; at least 1s. A run from
   * Java polls sooner at first (backoff from 5 s) and never waits longer than this between polls.
   */
  @Value.Default
  public Duration pollInterval() {
    return Duration.ofSeconds(60);
  }

  /**
   * How many polls before a task gives up waiting. Default: 1440, i.e. 24 hours at the default poll
   * interval — long migrations and compactions run for hours. A run from Java gives a job run
   * {@code poll-interval × max-attempts} before it cancels it.
   */
  @Value.Default
  public int maxAttempts() {
    return 1440;
  }

  /** The DataSync task ARN per migration id, for copy tasks. */
  public abstract Map<String, String> dataSyncTaskArns();

  /**
   * The DataSync task ARN of migrations not in {@link #dataSyncTaskArns()}. Default: the Variable
   * lakeplan_datasync_task_arn.
   */
  @Value.Default
  public String defaultDataSyncTaskArn() {
    return variable("lakeplan_datasync_task_arn");
  }

  /**
   * The start date of every DAG (UTC). Default: 2024-01-01T00:00:00Z. Runs before it never happen;
   * catch-up is always off, so an early date costs nothing.
   */
  @Value.Default
  public Instant startDate() {
    return Instant.parse("2024-01-01T00:00:00Z");
  }

  /** How DAGs wait for each other. Default: DATASETS. */
  @Value.Default
  public CrossDagMode crossDagMode() {
    return CrossDagMode.DATASETS;
  }

  /** How long a SENSORS-mode sensor waits before failing. Default: 12h. */
  @Value.Default
  public Duration sensorTimeout() {
    return Duration.ofHours(12);
  }

  /** Concurrent runs per DAG. Default: 1 (runs of one DAG write the same tables); 1–100. */
  @Value.Default
  public int maxActiveRuns() {
    return 1;
  }

  /**
   * Whether to render the {@code lakeplan_quarantine} DAG, which lists every invalid file's
   * problems in its documentation so a broken file never silently disappears. Default: true.
   */
  @Value.Default
  public boolean quarantineDag() {
    return true;
  }

  /** The DataSync task ARN for the migration {@code migrationId}. */
  public String dataSyncTaskArn(String migrationId) {
    return dataSyncTaskArns().getOrDefault(migrationId, defaultDataSyncTaskArn());
  }

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException listing every invalid value and how to fix it
   */
  @Value.Check
  protected void check() {
    List<String> problems = new ArrayList<>();
    requireText(problems, "emr-application-id", emrApplicationId());
    requireText(problems, "execution-role-arn", executionRoleArn());
    requireText(problems, "job-jar", jobJar());
    requireText(problems, "spec-location", specLocation());
    requireText(problems, "log-uri", logUri());
    requireText(problems, "aws-connection-id", awsConnectionId());
    requireText(problems, "default-data-sync-task-arn", defaultDataSyncTaskArn());
    if (pollInterval().compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add("poll-interval: " + pollInterval() + " (must be at least 1s)");
    }
    if (maxAttempts() < 1) {
      problems.add("max-attempts: " + maxAttempts() + " (must be positive)");
    }
    if (sensorTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add("sensor-timeout: " + sensorTimeout() + " (must be at least 1s)");
    }
    if (version() == null || !VERSION.matcher(version()).matches()) {
      problems.add(
          "version: '"
              + version()
              + "' (write the MWAA environment's Airflow version, MAJOR.MINOR.PATCH: 2.10.3,"
              + " 2.11.2, 3.0.6 or 3.3.1)");
    } else if (majorVersion() == 2 && minorVersion() < 10) {
      problems.add(
          "version: '"
              + version()
              + "' (the rendered DAGs need Airflow 2.10 or later: write 2.10.3, 2.11.2, 3.0.6 or"
              + " 3.3.1)");
    }
    for (String key : S3Encryption.encryptionSettings(sparkSubmitParameters())) {
      problems.add(S3Encryption.problem("spark-submit-parameters", "--conf " + key));
    }
    if (maxActiveRuns() < 1 || maxActiveRuns() > 100) {
      problems.add("max-active-runs: " + maxActiveRuns() + " (must be 1–100)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "Invalid Airflow settings: " + String.join("; ", problems));
    }
  }

  private static void requireText(List<String> problems, String key, String value) {
    if (value == null || value.isBlank()) {
      problems.add(key + ": '" + value + "' (must not be blank; leave it out for the default)");
    }
  }

  private static String variable(String name) {
    return "{{ var.value." + name + " }}";
  }

  /** The settings with every default. */
  public static AirflowSettings defaults() {
    return builder().build();
  }

  /** A builder of settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link AirflowSettings}; every setter is named after its property. */
  public static final class Builder extends ImmutableAirflowSettings.Builder {}
}
