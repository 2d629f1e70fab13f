package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.SparkJob;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.Engine;
import io.lakeplan.spi.RunContext;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** The Spark engine as an {@link Engine}: the port the runners drive. */
class SparkEngineIT {

  private final Path base = TestSpark.newDir("engine");

  @Test
  void aTeamsOwnSparkJob_failsNamingWhereItRuns_neverSkippedSilently() {
    Engine engine = TestSpark.engine(base);
    Dag dag = Dag.builder().id("legacy.nightly").useCase("legacy").build();
    SparkJob job =
        SparkJob.builder()
            .id("report")
            .entrypoint("s3://code/report.py")
            .sparkSubmitParameters("--conf spark.executor.cores=2")
            .build();

    TaskResult result =
        engine.run(
            RunContext.startedNow(Clock.systemUTC()),
            dag,
            Task.of("report", TaskSpec.RunSparkJob.of(job)));

    assertThat(engine.name()).isEqualTo("Spark");
    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary())
        .isEqualTo(
            "Spark job report (a team's own entry point) is not run by the Spark engine: run it"
                + " on EMR Serverless (lakeplan run --on emr-serverless, or the rendered Airflow"
                + " DAG) or with spark-submit, or leave the task out of this run (select the others"
                + " with --dag or --task)");
  }
}
