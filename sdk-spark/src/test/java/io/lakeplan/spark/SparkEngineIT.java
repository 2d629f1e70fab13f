package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.SparkJob;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The Spark engine as an {@link Engine}: the port the runners drive. */
class SparkEngineIT {

  private final Path base = TestSpark.newDir("engine");

  @Test
  void aTeamsOwnSparkJob_withAnUnclosedQuoteInItsParameters_failsOnOneLineBeforeSparkSubmit()
      throws IOException {
    Engine engine = TestSpark.engine(base);
    Files.writeString(base.resolve("report.py"), "raise SystemExit('never run')\n");
    Dag dag = Dag.builder().id("legacy.nightly").useCase("legacy").build();
    SparkJob job =
        SparkJob.builder()
            .id("report")
            .entrypoint("report.py")
            .sparkSubmitParameters("--conf 'spark.app.name=nightly report")
            .build();

    TaskResult result;
    String log;
    try (LogCapture capture = LogCapture.start()) {
      result =
          engine.run(
              RunContext.startedNow(Clock.systemUTC()),
              dag,
              Task.of("report", TaskSpec.RunSparkJob.of(job)));
      log = capture.text();
    }

    assertThat(engine.name()).isEqualTo("Spark");
    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Spark job report: spark-submit parameters have an unclosed ' quote"
                + " (spark-jobs[report].spark-submit-parameters; close it, or escape it with \\)");
    assertThat(log).contains("legacy.nightly").doesNotContain("started spark-submit");
  }
}
