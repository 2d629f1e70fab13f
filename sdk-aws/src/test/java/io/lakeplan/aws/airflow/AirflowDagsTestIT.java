package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.aws.emr.EmrServerlessJob;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Workspace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs one rendered DAG end to end with {@code airflow dags test}: its EMR Serverless tasks start
 * real (moto-emulated) job runs, and the runs carry the job jar, the plan location, the DAG id and
 * the task id the renderer promised, in the environment's region whatever the connection's (Airflow
 * 2.10.3's Amazon provider takes no region on the operator: the file adds it). Before that, the
 * rendered pools import with {@code airflow pools import}, and a run before the upstream asset was
 * ever updated is skipped by the gate.
 */
class AirflowDagsTestIT {
  /** The AWS emulator of the ITs (bin/setup-moto); the Airflow venvs carry no moto of their own. */
  private static final Path MOTO_SERVER =
      AirflowVersions.ROOT.resolve(".venv-moto").resolve("bin").resolve("moto_server");

  private static final Path FIXTURE = Path.of("src/test/python/emr_serverless_fixture.py");
  private static final String DAG_ID = "orders.transformation";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A DAG whose one task updates raw.orders' asset, as orders.migration's watermark task does. */
  private static final String RAW_ORDERS_PRODUCER =
      """
      import pendulum

      try:
          from airflow.sdk import DAG, Asset
      except ImportError:  # Airflow 2
          from airflow import DAG
          from airflow.datasets import Dataset as Asset
      try:
          from airflow.providers.standard.operators.bash import BashOperator
      except ImportError:  # Airflow 2
          from airflow.operators.bash import BashOperator

      with DAG(
          dag_id="raw_orders_producer",
          schedule=None,
          start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
          catchup=False,
      ):
          BashOperator(task_id="produce", bash_command="true", outlets=[Asset("iceberg://raw/orders")])
      """;

  @ParameterizedTest
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#oldestAndNewest")
  void dagsTest_transformationDag_runsEveryTaskOnEmrServerless(String version, @TempDir Path work)
      throws Exception {
    Path bin = AirflowVersions.bin(version);
    assertThat(Files.isExecutable(MOTO_SERVER))
        .as("%s is missing: run bin/setup-moto", MOTO_SERVER)
        .isTrue();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Process moto =
        new ProcessBuilder(MOTO_SERVER.toString(), "-H", "127.0.0.1", "-p", "" + port)
            .redirectErrorStream(true)
            .start();
    try {
      awaitListening(moto);
      String applicationId = fixture(work, bin, endpoint, "create-app").trim();
      Environment target =
          Environment.builder()
              .region("us-east-1")
              .kmsKey("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
              .airflow(
                  AirflowSettings.builder()
                      .emrApplicationId(applicationId)
                      .executionRoleArn("arn:aws:iam::123456789012:role/lakeplan-jobs")
                      .jobJar("s3://lakeplan-artifacts/lakeplan-job.jar")
                      .specLocation(
                          "s3://lakeplan-artifacts/plans/{use_case}/{spec_version}/plan.json")
                      .logUri("s3://lakeplan-logs/emr/")
                      .pollInterval(Duration.ofSeconds(1))
                      .maxAttempts(60)
                      .quarantineDag(false)
                      .build())
              .build();
      Workspace workspace = Workspace.load(Path.of("../examples/orders"));
      Dag dag = workspace.plan().dag(DAG_ID);
      Path dags = Files.createDirectories(work.resolve("dags"));
      Rendering rendering = AirflowRenderer.to(target).render(workspace);
      rendering.files().stream()
          .filter(file -> file.dagId().equals(DAG_ID))
          .forEach(file -> write(dags.resolve(file.fileName()), file.content()));
      Path pools = work.resolve(Rendering.POOLS_FILE);
      write(pools, rendering.poolsJson());

      Map<String, String> environment = new HashMap<>();
      environment.put("AIRFLOW_HOME", work.resolve("airflow-home").toString());
      environment.put("AIRFLOW__CORE__DAGS_FOLDER", dags.toString());
      environment.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
      // the connection names another region than the environment: the job runs only find the
      // application (created in us-east-1) if the operator takes the region the file names
      environment.put(
          "AIRFLOW_CONN_AWS_DEFAULT",
          "{\"conn_type\":\"aws\",\"login\":\"testing\",\"password\":\"testing\",\"extra\":"
              + "{\"region_name\":\"ap-southeast-2\",\"endpoint_url\":\""
              + endpoint
              + "\"}}");
      long started = System.nanoTime();
      airflow(work, environment, bin, "db", "migrate");
      long migrated = System.nanoTime();
      // the rendered pools import into real Airflow
      airflow(work, environment, bin, "pools", "import", pools.toString());
      assertThat(airflow(work, environment, bin, "pools", "list", "--output", "plain"))
          .contains("lakeplan.process.orders")
          .contains("lakeplan.raw.orders");
      // raw.orders was never updated: the gate skips the run, no job starts
      airflow(work, environment, bin, "dags", "test", DAG_ID, "2024-06-01");
      assertThat(jobRuns(work, bin, endpoint, applicationId))
          .as("job runs before raw.orders was ever updated")
          .isEmpty();
      // once the migration's work on raw.orders has completed (its asset updated), it runs
      write(dags.resolve("raw_orders_producer.py"), RAW_ORDERS_PRODUCER);
      // what the DAG processor does in a deployment: without the DAGs (and their assets) in the
      // database, Airflow 2 drops the producer's event ("DatasetModel ... not found")
      airflow(work, environment, bin, "dags", "reserialize");
      airflow(work, environment, bin, "dags", "test", "raw_orders_producer", "2024-06-01");
      airflow(work, environment, bin, "dags", "test", DAG_ID, "2024-06-02");
      System.out.printf(
          "Airflow %s: airflow db migrate %d ms, dags test %s %d ms%n",
          version,
          Duration.ofNanos(migrated - started).toMillis(),
          DAG_ID,
          Duration.ofNanos(System.nanoTime() - migrated).toMillis());

      JsonNode runs = jobRuns(work, bin, endpoint, applicationId);
      List<String> names = new ArrayList<>();
      runs.forEach(jobRun -> names.add(jobRun.get("name").asText()));
      assertThat(names)
          .containsExactlyInAnyOrderElementsOf(
              dag.tasks().stream().map(task -> DAG_ID + "." + task.id()).toList());
      for (JsonNode jobRun : runs) {
        String taskId = jobRun.get("name").asText().substring(DAG_ID.length() + 1);
        Task task = dag.task(taskId);
        JsonNode submit = jobRun.get("jobDriver").get("sparkSubmit");
        assertThat(jobRun.get("state").asText()).isEqualTo("SUCCESS");
        assertThat(jobRun.get("executionRole").asText())
            .isEqualTo(target.airflow().executionRoleArn());
        assertThat(submit.get("entryPoint").asText()).isEqualTo(target.airflow().jobJar());
        assertThat(submit.get("entryPointArguments").toString())
            .isEqualTo(
                JSON.writeValueAsString(
                    List.of(
                        "--spec",
                        "s3://lakeplan-artifacts/plans/orders/" + dag.specVersion() + "/plan.json",
                        "--env",
                        EmrServerlessJob.environmentLocation(target, dag),
                        "--dag",
                        DAG_ID,
                        "--task",
                        task.id())));
        assertThat(submit.get("sparkSubmitParameters").asText())
            .startsWith("--class " + AirflowRenderer.JOB_MAIN_CLASS);
        assertThat(
                jobRun
                    .at(
                        "/configurationOverrides/monitoringConfiguration/s3MonitoringConfiguration/logUri")
                    .asText())
            .isEqualTo(target.airflow().logUri());
        // the job logs' encryption, as moto's GetJobRun has it from the operator's StartJobRun
        assertThat(
                jobRun
                    .at(
                        "/configurationOverrides/monitoringConfiguration/s3MonitoringConfiguration"
                            + "/encryptionKeyArn")
                    .asText())
            .isEqualTo(target.kmsKey());
      }
    } finally {
      moto.destroy();
      if (!moto.waitFor(10, TimeUnit.SECONDS)) {
        moto.destroyForcibly();
      }
    }
  }

  /** Reads moto's log until it says it is listening, then keeps draining it in the background. */
  private static void awaitListening(Process moto) throws Exception {
    BufferedReader log =
        new BufferedReader(new InputStreamReader(moto.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread drain =
        new Thread(
            () -> {
              try {
                for (String line = log.readLine(); line != null; line = log.readLine()) {
                  if (line.contains("Running on")) {
                    listening.complete(null);
                  }
                }
                listening.completeExceptionally(new AssertionError("moto_server exited"));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            },
            "moto-log");
    drain.setDaemon(true);
    drain.start();
    listening.get(60, TimeUnit.SECONDS);
  }

  private static String airflow(
      Path work, Map<String, String> environment, Path bin, String... arguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(bin.resolve("airflow").toString()));
    command.addAll(List.of(arguments));
    return run(work, environment, command.toArray(String[]::new));
  }

  /** The job runs of the moto application, as emr_serverless_fixture.py lists them. */
  private static JsonNode jobRuns(Path work, Path bin, String endpoint, String applicationId)
      throws IOException, InterruptedException {
    return JSON.readTree(fixture(work, bin, endpoint, "list-runs", applicationId));
  }

  /** Runs emr_serverless_fixture.py against moto at {@code endpoint}. */
  private static String fixture(Path work, Path bin, String endpoint, String... arguments)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of(bin.resolve("python").toString(), FIXTURE.toString(), endpoint));
    command.addAll(List.of(arguments));
    return run(work, Map.of(), command.toArray(String[]::new));
  }

  private static String run(Path work, Map<String, String> environment, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "process", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command) + " failed:\n" + output + "\n" + Files.readString(log));
    }
    return output;
  }

  private static void write(Path path, String content) {
    try {
      Files.writeString(path, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
