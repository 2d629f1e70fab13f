package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakeplan run}'s choice of where tasks run, checked before anything runs. */
class RunCommandTest {
  private static final String ORDERS = CliRun.EXAMPLES.resolve("orders").toString();

  @TempDir Path work;

  @Test
  void onEmrServerless_withoutAnEnvironment_isAUsageErrorSayingWhatTheEnvironmentGives() {
    CliRun run = CliRun.of("run", ORDERS, "--on", "emr-serverless");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .contains(
            "lakeplan: error: --on emr-serverless needs --env FILE: the environment names the EMR"
                + " Serverless application, execution role, job jar, plan and log locations (its"
                + " airflow settings)");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void onAnUnknownPlace_isAUsageErrorListingTheChoices() {
    CliRun run = CliRun.of("run", ORDERS, "--on", "emr");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .contains("lakeplan: error: Unknown --on 'emr' (write local or emr-serverless)");
  }

  @Test
  void logicalTime_onALocalRun_isAUsageError() {
    CliRun run = CliRun.of("run", ORDERS, "--logical-time", "2024-06-01T00:00:00Z");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .contains("lakeplan: error: --logical-time applies to --on emr-serverless only");
  }

  @Test
  void onEmrServerless_withAirflowTemplatesInTheEnvironment_failsNamingEachSettingToSet()
      throws IOException {
    Path environment = Files.writeString(work.resolve("prod.yaml"), "name: prod\n");

    CliRun run =
        CliRun.of("run", ORDERS, "--env", environment.toString(), "--on", "emr-serverless");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .contains(
            "lakeplan: error: Cannot run on EMR Serverless with environment prod:"
                + " airflow.emr-application-id: '{{ var.value.lakeplan_emr_application_id }}' is"
                + " an Airflow template, which only Airflow resolves (set the value in the"
                + " environment file); airflow.execution-role-arn:")
        .contains("airflow.log-uri: '{{ var.value.lakeplan_log_uri }}'");
    assertThat(run.out()).doesNotContain("[1/");
  }

  @Test
  void master_unreachable_isOneLineNamingTheMasterAndTheFix_andNothingRuns() throws IOException {
    Path jobJar =
        Files.writeString(work.resolve("job.jar"), "not read: the master is checked first");
    Path warehouse = work.resolve("unreachable-warehouse");
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    CliRun run =
        CliRun.of(
            "run",
            ORDERS,
            "--warehouse",
            warehouse.toString(),
            "--master",
            "spark://127.0.0.1:" + closedPort,
            "--job-jar",
            jobJar.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines())
        .as(run.err())
        .singleElement()
        .asString()
        .startsWith(
            "lakeplan: error: Cannot reach the Spark master spark://127.0.0.1:" + closedPort + " (")
        .contains("start the cluster, or fix --master");
    assertThat(warehouse).doesNotExist();
  }

  @Test
  void master_notASparkUrl_isOneLineSayingHowToWriteIt() throws IOException {
    Path jobJar = Files.writeString(work.resolve("job.jar"), "never read");

    CliRun run = CliRun.of("run", ORDERS, "--master", "yarn", "--job-jar", jobJar.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines())
        .singleElement()
        .asString()
        .contains("Invalid Spark master: 'yarn' (write spark://host:port)");
  }

  @Test
  void master_withAMissingJobJar_isAUsageErrorNamingHowToBuildIt() {
    CliRun run =
        CliRun.of(
            "run",
            ORDERS,
            "--master",
            "spark://127.0.0.1:7077",
            "--job-jar",
            work.resolve("missing-job.jar").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("Job jar " + work.resolve("missing-job.jar") + " does not exist")
        .contains("./mvnw -pl sdk-spark -am package");
  }

  @Test
  void master_onEmrServerless_isAUsageError() {
    CliRun run =
        CliRun.of("run", ORDERS, "--on", "emr-serverless", "--master", "spark://127.0.0.1:7077");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--master applies to local runs, not to --on emr-serverless");
  }
}
