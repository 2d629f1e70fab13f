package io.lakeplan.spark.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.UseCase;
import io.lakeplan.testkit.conformance.ConformanceSession;
import io.lakeplan.testkit.conformance.EngineDifferential;
import io.lakeplan.testkit.conformance.EngineDifferential.Case;
import io.lakeplan.testkit.conformance.EngineDifferential.Outcome;
import io.lakeplan.testkit.conformance.EngineDifferential.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engines' differential test (issue 23): each {@link EngineDifferential} scenario, for a few
 * seeds, on the Spark engine here and on the in-memory engine in a child JVM (the two cannot share
 * a class path), compared row by row, dead letter by dead letter, task by task.
 *
 * <p>{@code -Dlakeplan.differential.seed=N} (default a fixed seed, so CI is reproducible), {@code
 * -Dlakeplan.differential.seeds=K} consecutive seeds, {@code -Dlakeplan.differential.records=R}
 * values per run; {@code bench/run-differential.sh} runs many more. A failure names its seed.
 */
class EngineDifferentialIT {

  private static final long FIRST_SEED = Long.getLong("lakeplan.differential.seed", 2312L);
  private static final int SEEDS = Integer.getInteger("lakeplan.differential.seeds", 3);
  private static final int RECORDS = Integer.getInteger("lakeplan.differential.records", 80);

  /** The in-memory engine's class path, written by sdk-testkit's build. */
  private static final Path TESTKIT = Path.of("..", "sdk-testkit", "target");

  private static final SparkEngineConformanceIT SPARK = new SparkEngineConformanceIT();

  @BeforeAll
  static void startServers() throws Exception {
    SparkEngineConformanceIT.startServers();
  }

  @AfterAll
  static void stopServers() throws Exception {
    SparkEngineConformanceIT.stopServers();
  }

  /**
   * The scenarios run, all by default; {@code -Dlakeplan.differential.scenarios=KAFKA_JSON,JDBC}
   * picks some.
   */
  private static final List<Scenario> SCENARIOS =
      java.util.Arrays.stream(
              System.getProperty("lakeplan.differential.scenarios", "KAFKA_JSON,JDBC,MERGE")
                  .split(","))
          .map(String::trim)
          .map(Scenario::valueOf)
          .toList();

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
        cases.add(Arguments.of(scenario, seed));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} seed {1}")
  @MethodSource("cases")
  void bothEnginesAgree(Scenario scenario, long seed) throws Exception {
    Case run = new Case(scenario, seed, RECORDS, Long.toString(System.nanoTime() % 1_000_000_000));
    Outcome memory = inMemory(run);
    UseCase useCase = EngineDifferential.useCase(run, SPARK.endpoints());
    Outcome spark;
    try (ConformanceSession session = SPARK.open(useCase)) {
      spark = EngineDifferential.run(session, useCase, run);
    }

    List<String> differences =
        EngineDifferential.disagreements(spark, memory, run.kafkaRecords(), "Spark", "in memory");

    assertThat(differences)
        .as(
            "%s seed %d (rerun: -Dlakeplan.differential.seed=%d -Dlakeplan.differential.seeds=1"
                + " -Dlakeplan.differential.records=%d): %d disagreement(s)%n%s",
            scenario, seed, seed, RECORDS, differences.size(), String.join("\n", differences))
        .isEmpty();
  }

  /** The case on the in-memory engine, in a child JVM on the testkit's own class path. */
  private static Outcome inMemory(Case run) throws IOException, InterruptedException {
    Path classpathFile = TESTKIT.resolve("in-memory-engine.classpath");
    assertThat(classpathFile)
        .as(
            "the in-memory engine's class path: build sdk-testkit first (./mvnw -pl sdk-testkit"
                + " package)")
        .exists();
    String classpath =
        TESTKIT.resolve("classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(classpathFile).trim();
    Path output = Files.createTempFile("lakeplan-differential", ".out");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                classpath,
                EngineDifferential.class.getName(),
                run.scenario().name(),
                Long.toString(run.seed()),
                Integer.toString(run.records()),
                run.token())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the in-memory side finished").isTrue();
      List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      String outcome =
          lines.stream()
              .filter(line -> line.startsWith(EngineDifferential.OUTCOME_LINE))
              .findFirst()
              .orElse(null);
      assertThat(outcome)
          .as(
              "the in-memory side's outcome (exit %d):%n%s",
              child.exitValue(), String.join("\n", lines))
          .isNotNull();
      return Outcome.fromJson(outcome.substring(EngineDifferential.OUTCOME_LINE.length()));
    } finally {
      child.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }
}
