package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Planner;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.testkit.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets never leak: a use case whose JDBC password and Kafka password are secret references
 * ({@code env:}), against a PostgreSQL that accepts only that password (SCRAM) and a Kafka broker
 * that accepts only its own (SASL PLAIN), taken through every command a user runs — {@code
 * validate}, {@code plan --format json}, {@code graph}, {@code render airflow} and {@code run}
 * (with the right secrets, then with wrong ones) — as {@code bin/lakeplan --verbose} processes with
 * Lakeplan's loggers at DEBUG. The random part of each secret value is then searched, in any
 * quoting, in everything those runs left: every line they printed (logs and output, stack traces
 * included), every file under the work folder (the plan JSON, the rendered DAG files, the Iceberg
 * tables' metadata, manifests and data, the Kafka checkpoint, the watermarks), the use case's YAML
 * and JSON, and the {@code toString()} of the use case, its environment, its plan and every task.
 */
class SecretsNeverLeakIT {
  private static final Path ROOT = Path.of(System.getProperty("lakeplan.root", ".."));
  private static final String PG_VARIABLE = "LAKEPLAN_LEAK_PG_PASSWORD";
  private static final String KAFKA_VARIABLE = "LAKEPLAN_LEAK_KAFKA_PASSWORD";
  private static final String USER = "leaky";
  private static final int ROWS = 12;
  private static final int RECORDS = 9;

  /** The random parts of the four secret values: found anywhere, in any quoting, they leaked. */
  private static final String PG_MARKER = UUID.randomUUID().toString();

  private static final String KAFKA_MARKER = UUID.randomUUID().toString();
  private static final String WRONG_PG_MARKER = UUID.randomUUID().toString();
  private static final String WRONG_KAFKA_MARKER = UUID.randomUUID().toString();

  /** With quotes and a backslash, as generated passwords may have. */
  private static final String PG_PASSWORD = "pg-'q\"\\-" + PG_MARKER;

  private static final String KAFKA_PASSWORD = "kafka-\"q\\'-" + KAFKA_MARKER;

  @TempDir static Path work;
  private static EmbeddedPostgres postgres;
  private static KafkaClusterTestKit kafka;
  private static Path useCaseFile;
  private static Path environmentFile;

  /** What each command printed, by a name for the place. */
  private static final Map<String, Launch> LAUNCHES = new LinkedHashMap<>();

  /** A finished {@code bin/lakeplan} process: exit code and its interleaved stdout and stderr. */
  private record Launch(int exitCode, String out) {}

  @BeforeAll
  static void runEveryCommand() throws Exception {
    startPostgres();
    startKafka();
    writeUseCaseAndEnvironment();
    Map<String, String> right = Map.of(PG_VARIABLE, PG_PASSWORD, KAFKA_VARIABLE, KAFKA_PASSWORD);
    String file = useCaseFile.toString();
    String env = environmentFile.toString();
    LAUNCHES.put("validate", launch(right, "validate", file, "--env", env));
    LAUNCHES.put("plan", launch(right, "plan", file, "--format", "json"));
    Files.writeString(work.resolve("plan.json"), LAUNCHES.get("plan").out());
    LAUNCHES.put("graph", launch(right, "graph", file));
    LAUNCHES.put(
        "render",
        launch(
            right,
            "render",
            "airflow",
            file,
            "--env",
            env,
            "--out",
            work.resolve("dags").toString()));
    LAUNCHES.put("run", launch(right, "run", file, "--env", env));
    LAUNCHES.put(
        "run with wrong secrets",
        launch(
            Map.of(
                PG_VARIABLE,
                "wrong-" + WRONG_PG_MARKER,
                KAFKA_VARIABLE,
                "wrong-" + WRONG_KAFKA_MARKER),
            "run",
            file,
            "--env",
            env));
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A PostgreSQL whose user {@value #USER} must give {@link #PG_PASSWORD}. */
  private static void startPostgres() throws Exception {
    postgres = SecuredSources.postgres(work.resolve("pgdata"), USER, PG_PASSWORD, ROWS);
  }

  /** A KRaft broker on SASL PLAIN that knows {@value #USER} with {@link #KAFKA_PASSWORD}. */
  private static void startKafka() throws Exception {
    kafka = SecuredSources.kafka(USER, KAFKA_PASSWORD, 1, RECORDS);
  }

  private static void writeUseCaseAndEnvironment() throws IOException {
    useCaseFile =
        SecuredSources.write(
            work.resolve("leak.yaml"),
            SecuredSources.useCase(
                "leak",
                postgres,
                kafka,
                USER,
                PG_VARIABLE,
                KAFKA_VARIABLE,
                work.resolve("checkpoints/payments"),
                List.of()));
    environmentFile = work.resolve("environment.yaml");
    Files.writeString(
        environmentFile,
        String.join(
            "\n",
            "name: leak-test",
            "catalog:",
            "  type: hadoop",
            "  warehouse: " + work.resolve("warehouse"),
            "watermarks: file:" + work.resolve("watermarks"),
            "secret-providers: [env]",
            ""));
  }

  /**
   * Runs {@code bin/lakeplan args --verbose} as a user does, with {@code secrets} in its
   * environment: every logger at INFO (Spark's, Hadoop's and Kafka's too), Lakeplan's at DEBUG,
   * stack traces printed.
   */
  private static Launch launch(Map<String, String> secrets, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/lakeplan").toString()));
    command.addAll(List.of(args));
    command.add("--verbose");
    Path log = Files.createTempFile(work, "launch", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(secrets);
    builder
        .environment()
        .put("LAKEPLAN_JAVA_OPTS", "-Dorg.slf4j.simpleLogger.log.io.lakeplan=debug");
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("bin/lakeplan " + String.join(" ", args) + " did not finish");
    }
    return new Launch(process.exitValue(), Files.readString(log));
  }

  @Test
  void everyCommand_withTheRightSecrets_succeeds_andTheRunIngestsEveryRowAndRecord() {
    LAUNCHES.forEach(
        (name, launch) -> {
          if (!name.contains("wrong")) {
            assertThat(launch.exitCode()).as(name + ":\n" + launch.out()).isZero();
          }
        });
    assertThat(LAUNCHES.get("run").out())
        .containsPattern(
            "leak\\.\\S+/orders-db SUCCEEDED in [0-9.]+ s — appended " + ROWS + " rows")
        .containsPattern(
            "leak\\.\\S+/payments SUCCEEDED in [0-9.]+ s — ingested " + RECORDS + " records");
  }

  @Test
  void wrongSecrets_failBothIngestions_namingTheReferences() {
    Launch wrong = LAUNCHES.get("run with wrong secrets");
    assertThat(wrong.exitCode()).as(wrong.out()).isNotZero();
    assertThat(wrong.out())
        .containsPattern(
            "leak\\.\\S+/orders-db FAILED in [0-9.]+ s — Ingestion orders-db: the database at"
                + " \\S+ rejected the credentials of user "
                + USER
                + ": check that secret env:"
                + PG_VARIABLE
                + " holds this user's password")
        .containsPattern(
            "leak\\.\\S+/payments FAILED in [0-9.]+ s — Kafka ingestion payments \\(topic"
                + " payments\\): the brokers \\S+ rejected the SASL PLAIN credentials of user "
                + USER
                + ": check that secret env:"
                + KAFKA_VARIABLE);
  }

  @Test
  void noSecretValue_isInAnyOutputFileOrToString() throws Exception {
    Map<String, String> places = new LinkedHashMap<>();
    LAUNCHES.forEach((name, launch) -> places.put("output of lakeplan " + name, launch.out()));
    List<Path> files = filesUnder(work);
    for (Path file : files) {
      places.put(
          work.relativize(file).toString(),
          new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
    }
    UseCase useCase = UseCaseCodec.fromYaml(Files.readString(useCaseFile));
    Environment environment = Environments.load(environmentFile);
    Plan plan = Planner.plan(useCase);
    places.put("use case YAML", UseCaseCodec.toYaml(useCase));
    places.put("use case JSON", UseCaseCodec.toJson(useCase));
    places.put("plan JSON", UseCaseCodec.toJson(plan));
    places.put("use case toString()", useCase.toString());
    places.put("environment toString()", environment.toString());
    places.put("plan toString()", plan.toString());
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        places.put("task " + dag.id() + "/" + task.id() + " toString()", task.toString());
      }
    }

    // the search saw what the secrets were used for: the Kafka clients' configuration (hidden),
    // the tables' metadata and data, the checkpoint, the watermarks, the plan and the DAG files
    assertThat(LAUNCHES.get("run").out()).contains("sasl.jaas.config = [hidden]");
    assertThat(places.keySet())
        .anyMatch(name -> name.startsWith("warehouse/raw/orders/metadata/"))
        .anyMatch(name -> name.startsWith("warehouse/raw/payments/data/"))
        .anyMatch(name -> name.startsWith("checkpoints/payments/offsets/"))
        .anyMatch(name -> name.startsWith("watermarks/"))
        .anyMatch(name -> name.startsWith("dags/") && name.endsWith(".py"))
        .contains("plan.json");
    for (String marker : List.of(PG_MARKER, KAFKA_MARKER, WRONG_PG_MARKER, WRONG_KAFKA_MARKER)) {
      assertThat(
              places.entrySet().stream()
                  .filter(place -> place.getValue().contains(marker))
                  .map(Map.Entry::getKey)
                  .toList())
          .as("places holding a secret value")
          .isEmpty();
    }
  }

  /** Every regular file under {@code dir} but the database's own files. */
  private static List<Path> filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(file -> !file.startsWith(dir.resolve("pgdata")))
          .collect(Collectors.toList());
    }
  }
}
