package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.workspace.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link JobMain} as EMR Serverless runs it: one task of a planned use case per invocation. */
class JobMainIT {

  private final Path base = TestSpark.newDir("jobmain");

  private record Outcome(int exitCode, String out) {}

  private static Outcome run(String... args) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exitCode = JobMain.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), args);
    return new Outcome(exitCode, buffer.toString(StandardCharsets.UTF_8));
  }

  private Path spec() throws Exception {
    TestData.writeParquet(base.resolve("history"), TestData.ordersSql(40));
    Path file = base.resolve("jm.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "api-version: lakeplan/v1",
            "name: jm",
            "owner: it@example.com",
            "schedule: '@daily'",
            "migrations:",
            "  - id: hist",
            "    source: {path: history, format: parquet}",
            "    target:",
            "      table: jobmain.orders",
            "      columns:",
            "        - {name: order_id, type: long, required: true}",
            "        - {name: customer_id, type: long}",
            "        - {name: status, type: string}",
            "        - {name: amount, type: 'decimal(12,2)'}",
            "        - {name: updated_at, type: timestamp}",
            "    watermark-column: updated_at",
            // the test data's history also carries op, which this target does not keep
            "    on-schema-change: ignore",
            ""));
    return file;
  }

  @Test
  void jobMain_runsExactlyTheNamedTasksAndPrintsOneLineEach() throws Exception {
    String spec = spec().toString();

    Outcome create = run("--spec", spec, "--dag", "jm.migration", "--task", "hist.create-table");
    Outcome convert = run("--spec", spec, "--dag", "jm.migration", "--task", "hist.convert");

    assertThat(create.exitCode()).as(create.out()).isZero();
    assertThat(create.out().lines()).hasSize(1);
    assertThat(create.out()).startsWith("jm.migration/hist.create-table SUCCEEDED");
    assertThat(convert.exitCode()).as(convert.out()).isZero();
    assertThat(convert.out()).startsWith("jm.migration/hist.convert SUCCEEDED").contains("40 rows");
    assertThat(TestSpark.session().table("lakeplan.jobmain.orders").count()).isEqualTo(40);
  }

  @Test
  void jobMain_planJsonWithTheRenderedDagsArguments_runsTheTask() throws Exception {
    Path plan = base.resolve("plan.json");
    Files.writeString(plan, UseCaseCodec.toJson(Workspace.loadStrict(spec()).plan()));

    // the argument list the Airflow renderer puts in entryPointArguments
    Outcome create =
        run("--spec", plan.toString(), "--dag", "jm.migration", "--task", "hist.create-table");
    Outcome convert =
        run("--spec", plan.toString(), "--dag", "jm.migration", "--task", "hist.convert");

    assertThat(create.exitCode()).as(create.out()).isZero();
    assertThat(convert.exitCode()).as(convert.out()).isZero();
    assertThat(convert.out()).contains("40 rows");
  }

  @Test
  void jobMain_corruptPlanJson_exits1NamingTheFix() throws Exception {
    Path plan = base.resolve("broken.json");
    Files.writeString(plan, "{\"dags\": [");

    Outcome outcome =
        run("--spec", plan.toString(), "--dag", "jm.migration", "--task", "hist.convert");

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.out()).contains("Invalid plan JSON").contains("lakeplan plan --format json");
  }

  @Test
  void jobMain_unknownTask_exits1NamingTheKnownTasks() throws Exception {
    Outcome outcome =
        run("--spec", spec().toString(), "--dag", "jm.migration", "--task", "hist.nope");

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.out()).startsWith("jm.migration/hist.nope FAILED").contains("hist.convert");
  }

  @Test
  void jobMain_missingOption_exits1WithUsage() {
    Outcome outcome = run("--spec", "x.yaml", "--dag", "jm.migration");

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.out())
        .contains("missing required option --task")
        .contains("usage: JobMain --spec PATH --dag ID --task ID");
  }

  @Test
  void jobMain_withAnEnvironmentFile_keepsTheWatermarkInItsStore() throws Exception {
    String spec = spec().toString();
    Path watermarks = base.resolve("env-watermarks");
    Path env = base.resolve("env.yaml");
    Files.writeString(env, "name: jobmain\nwatermarks: file:" + watermarks + "\n");

    for (String task : new String[] {"hist.create-table", "hist.convert", "hist.watermark"}) {
      Outcome outcome =
          run("--spec", spec, "--dag", "jm.migration", "--task", task, "--env", env.toString());
      assertThat(outcome.exitCode()).as(outcome.out()).isZero();
    }

    assertThat(new FileWatermarkStore(watermarks).get("jobmain.orders")).isPresent();
  }
}
