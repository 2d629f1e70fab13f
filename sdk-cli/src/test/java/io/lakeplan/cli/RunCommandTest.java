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
}
