package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.airflow.AirflowRenderer;
import io.lakeplan.aws.airflow.RenderedFile;
import io.lakeplan.aws.airflow.Rendering;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  @TempDir Path out;

  @Test
  void renderAirflow_example_writesTheRenderersFilesAndReport() throws Exception {
    Path orders = CliRun.EXAMPLES.resolve("orders");

    CliRun run = CliRun.of("render", "airflow", orders.toString(), "--out", out.toString());

    Rendering expected = AirflowRenderer.to(Environment.local()).render(Workspace.load(orders));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith(expected.report()).contains("Written to " + out);
    for (RenderedFile file : expected.files()) {
      assertThat(out.resolve(file.fileName())).hasContent(file.content());
    }
    assertThat(expected.pools()).isNotEmpty();
    assertThat(out.resolve(Rendering.POOLS_FILE)).hasContent(expected.poolsJson());
    try (Stream<Path> written = Files.list(out)) {
      assertThat(written).hasSize(expected.files().size() + 1);
    }
  }

  @Test
  void renderAirflow_withEnvironmentFile_usesItsAirflowSettings() throws Exception {
    Path target = out.resolve("env.yaml");
    Environment custom =
        Environment.builder()
            .airflow(AirflowSettings.builder().emrApplicationId("00fabcdef123").build())
            .build();
    Files.writeString(target, Environments.toYaml(custom));
    Path dags = out.resolve("dags");

    CliRun run =
        CliRun.of(
            "render",
            "airflow",
            CliRun.EXAMPLES.resolve("orders").toString(),
            "--out",
            dags.toString(),
            "--env",
            target.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(dags.resolve("orders.transformation.py")).content().contains("00fabcdef123");
  }

  @Test
  void renderAirflow_slaTheTargetVersionCannotCarry_isAProblemAndExit1() throws Exception {
    Path workspace = out.resolve("orders");
    Files.createDirectories(workspace);
    Path source = CliRun.EXAMPLES.resolve("orders").resolve("orders.yaml");
    Files.writeString(
        workspace.resolve("orders.yaml"),
        Files.readString(source)
            .replace("  on-retry: true\n", "  on-retry: true\n  on-sla-miss: true\n  sla: 2h\n"));
    Path target = out.resolve("env.yaml");
    Files.writeString(target, "name: mwaa\nairflow:\n  version: 3.0.6\n");

    CliRun run =
        CliRun.of(
            "render",
            "airflow",
            workspace.toString(),
            "--out",
            out.resolve("dags").toString(),
            "--env",
            target.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.out())
        .contains("DAG orders.transformation is not rendered")
        .contains(
            "on-sla-miss with sla PT2H cannot be rendered for Airflow 3.0.6 (airflow.version)")
        .contains("deadline alerts from 3.1, e.g. 3.3.1");
    assertThat(out.resolve("dags").resolve("orders.transformation.py")).doesNotExist();
  }

  @Test
  void renderAirflow_invalidUseCases_areLeftOutListedAndExit1() {
    CliRun run = CliRun.of("render", "airflow", CliRun.LEGACY.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("invalid use cases left out:").contains("unknown-type.yaml");
    assertThat(out.resolve(AirflowRenderer.QUARANTINE_DAG_ID + ".py")).exists();
  }

  @Test
  void renderAirflow_badEnvironmentFile_isOneLineNamingTheFileAndKey() throws Exception {
    Path target = out.resolve("env.yaml");
    Files.writeString(target, "airflow:\n  emr-aplication-id: typo\n");

    CliRun run =
        CliRun.of(
            "render",
            "airflow",
            CliRun.EXAMPLES.resolve("orders").toString(),
            "--out",
            out.resolve("dags").toString(),
            "--env",
            target.toString());

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .startsWith(
            "lakeplan: error: Invalid environment "
                + target
                + ": "
                + target
                + ":2:22: airflow.emr-aplication-id: Unknown key 'emr-aplication-id'");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void render_withoutTarget_isAUsageError() {
    CliRun run = CliRun.of("render");

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err()).contains("Missing target (one of: airflow)");
  }
}
