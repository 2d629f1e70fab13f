package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.AirflowSettings.CrossDagMode;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Edge;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the examples and the legacy fixtures, parses the files with a real Airflow DagBag (in
 * each of the Airflow versions Amazon MWAA offers, {@link AirflowVersions}, in the venvs built by
 * {@code bin/setup-airflow}), and checks that Airflow sees exactly the plan: DAG ids, task ids,
 * task edges, schedules, tags, owners, retries and cross-DAG dependencies.
 */
class AirflowDagBagIT {
  private static final Path EXAMPLES = Path.of("../examples");
  private static final Path LEGACY = Path.of("../fixtures/legacy-yaml");
  private static final Path REPORT_SCRIPT = Path.of("src/test/python/dagbag_report.py");
  private static final Path CRON_SCRIPT = Path.of("src/test/python/cron_firings.py");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Airflow's cron presets: its DagBag reports a preset schedule by its expression. */
  private static final Map<String, String> PRESETS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *");

  static List<Arguments> versionsAndModes() {
    List<Arguments> arguments = new ArrayList<>();
    for (String version : AirflowVersions.all()) {
      for (CrossDagMode mode : CrossDagMode.values()) {
        arguments.add(Arguments.of(version, mode));
      }
    }
    return arguments;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("versionsAndModes")
  void renderedDags_parseWithoutErrors_andMatchThePlan(
      String version, CrossDagMode mode, @TempDir Path folder) throws Exception {
    Path python = AirflowVersions.python(version);
    AirflowSettings plain =
        AirflowSettings.builder().crossDagMode(mode).quarantineDag(false).build();
    AirflowSettings withQuarantine = AirflowSettings.builder().crossDagMode(mode).build();
    Workspace examples = Workspace.load(EXAMPLES);
    Workspace legacy = Workspace.load(LEGACY);
    Path useCases = Files.createDirectories(folder.resolve("use-cases"));
    Workspace schedules = AirflowRendererTest.hourlyWaitingForDaily(useCases);
    Rendering examplesRendering = AirflowRenderer.to(plain).render(examples);
    Rendering legacyRendering = AirflowRenderer.to(withQuarantine).render(legacy);
    Rendering schedulesRendering = AirflowRenderer.to(plain).render(schedules);
    examplesRendering.writeTo(folder.resolve("examples"));
    legacyRendering.writeTo(folder.resolve("legacy"));
    schedulesRendering.writeTo(folder.resolve("schedules"));
    assertThat(schedulesRendering.problems()).isEmpty();
    List<Dag> all = new ArrayList<>(examples.plan().dags());
    all.addAll(legacy.plan().dags());
    all.addAll(schedules.plan().dags());
    // In SENSORS mode a DAG waiting for a manual DAG is refused (a problem, no file)
    Set<String> rendered = new TreeSet<>();
    examplesRendering.files().forEach(file -> rendered.add(file.dagId()));
    legacyRendering.files().forEach(file -> rendered.add(file.dagId()));
    schedulesRendering.files().forEach(file -> rendered.add(file.dagId()));
    List<Dag> dags = all.stream().filter(dag -> rendered.contains(dag.id())).toList();
    Map<String, Dag> byId = new HashMap<>();
    all.forEach(dag -> byId.put(dag.id(), dag));
    for (Dag dag : all) {
      boolean waitsForManual =
          dag.upstream().stream()
              .map(dependency -> byId.get(dependency.dag()).schedule())
              .anyMatch(schedule -> schedule == null || schedule.isOnce());
      assertThat(rendered.contains(dag.id()))
          .as(dag.id() + " rendered")
          .isEqualTo(mode == CrossDagMode.DATASETS || !waitsForManual);
    }
    Map<String, String> pools = new TreeMap<>(examplesRendering.pools());
    pools.putAll(legacyRendering.pools());

    long started = System.nanoTime();
    JsonNode report = dagBagReport(python, folder);
    System.out.printf(
        "Airflow %s %s: DagBag report of %d DAGs in %d ms (parse %.2f s)%n",
        version,
        mode,
        dags.size() + 1,
        Duration.ofNanos(System.nanoTime() - started).toMillis(),
        report.get("parse_seconds").asDouble());

    assertThat(fieldNames(report.get("import_errors"))).isEmpty();
    JsonNode found = report.get("dags");
    Set<String> expectedIds = new TreeSet<>();
    dags.forEach(dag -> expectedIds.add(dag.id()));
    expectedIds.add(AirflowRenderer.QUARANTINE_DAG_ID);
    assertThat(fieldNames(found)).isEqualTo(expectedIds);
    assertThat(found.get(AirflowRenderer.QUARANTINE_DAG_ID).get("tags").toString())
        .contains("quarantine");

    Map<String, Set<String>> producers = producersByUri(found);
    for (Dag dag : dags) {
      JsonNode actual = found.get(dag.id());
      assertThat(textList(actual.get("tags"))).as(dag.id()).isEqualTo(dag.tags());
      assertThat(actual.get("owner").asText()).as(dag.id()).isEqualTo(dag.owner());
      assertThat(actual.get("catchup").asBoolean()).as(dag.id()).isFalse();
      assertThat(actual.get("max_active_runs").asInt()).isEqualTo(plain.maxActiveRuns());
      // Airflow 2 calls assets datasets.
      assertThat(
              actual.get("schedule").isNull()
                  ? null
                  : actual.get("schedule").asText().replaceFirst("^Dataset", "Asset"))
          .as(dag.id() + " schedule")
          .isEqualTo(expectedSchedule(dag, mode));
      assertThat(upstreamByTask(actual.get("tasks")))
          .as(dag.id() + " tasks and edges")
          .isEqualTo(expectedUpstreamByTask(dag, mode));
      for (Task task : dag.tasks()) {
        JsonNode airflowTask = actual.get("tasks").get(task.id());
        assertThat(airflowTask.get("pool_slots").asInt()).isEqualTo(1);
        String pool = airflowTask.get("pool").asText();
        if (sharesATable(task, dags)) {
          assertThat(pools).as(dag.id() + "." + task.id() + " pool").containsKey(pool);
        } else {
          assertThat(pool).as(dag.id() + "." + task.id() + " pool").isEqualTo("default_pool");
        }
      }
      if (mode == CrossDagMode.SENSORS) {
        for (DagDependency dependency : dag.upstream()) {
          JsonNode sensor =
              actual
                  .get("tasks")
                  .get(AirflowRenderer.SENSOR_TASK_PREFIX + dependency.dag())
                  .get("sensor");
          assertThat(sensor.get("external_dag_id").asText()).isEqualTo(dependency.dag());
          var upstreamSchedule = byId.get(dependency.dag()).schedule();
          if (upstreamSchedule.equals(dag.schedule())) {
            assertThat(sensor.has("probe_upstream_date")).isFalse();
          } else {
            // the upstream run it waits for: the latest firing at or before the probe date
            java.time.LocalDateTime probe =
                java.time.OffsetDateTime.parse(sensor.get("probe_logical_date").asText())
                    .toLocalDateTime();
            java.time.LocalDateTime latest = null;
            for (java.time.LocalDateTime next = upstreamSchedule.nextAfter(probe.minusDays(32));
                next != null && !next.isAfter(probe);
                next = upstreamSchedule.nextAfter(next)) {
              latest = next;
            }
            assertThat(
                    java.time.OffsetDateTime.parse(sensor.get("probe_upstream_date").asText())
                        .toLocalDateTime())
                .as(dag.id() + " waits for the " + dependency.dag() + " run of")
                .isEqualTo(latest);
          }
        }
      }
      dag.tasks()
          .forEach(
              task ->
                  assertThat(actual.get("tasks").get(task.id()).get("retries").asInt())
                      .isEqualTo(dag.retries()));
      Set<String> upstreamDags = new TreeSet<>();
      dag.upstream().forEach(dependency -> upstreamDags.add(dependency.dag()));
      if (mode == CrossDagMode.DATASETS) {
        Set<String> producing = new TreeSet<>();
        for (String uri : textList(actual.get("datasets_consumed"))) {
          producing.addAll(producers.getOrDefault(uri, Set.of()));
        }
        assertThat(producing).as(dag.id() + " waits for").isEqualTo(upstreamDags);
        if (!dag.upstream().isEmpty()) {
          // the gate skips runs until every consumed asset has been updated once
          assertThat(textList(actual.get("tasks").get(AirflowRenderer.GATE_TASK_ID).get("inlets")))
              .as(dag.id() + " gate")
              .isEqualTo(textList(actual.get("datasets_consumed")));
        }
        assertThat(actual.get("datasets_produced").isEmpty())
            .as(dag.id() + " produces")
            .isEqualTo(
                dag.tasks().stream().noneMatch(AirflowDagBagIT::writesData)
                    && !isUpstream(dag, dags));
      } else {
        assertThat(textList(actual.get("datasets_consumed"))).isEmpty();
      }
    }
  }

  /** Single fields of a cron, degenerate forms included, combined with {@code 0 6 * * *}. */
  private static final List<List<String>> CRON_FIELDS =
      List.of(
          List.of(
              "0", "59", "59-59", "0-0", "5-10", "*/15", "*/13", "5/15", "6/1", "59/1", "5-10/2",
              "?", "+1", "-1", "0,30", "*/60", "30-20", "*/1", "007", "1,1", "10/59"),
          List.of("6", "23", "6/1", "23/1", "0-0", "23-23", "*/13", "6-6", "?", "5/7", "1-23/4"),
          List.of(
              "1", "31", "*/13", "1/13", "13-13", "1-31/13", "?", "*/2", "2-30/7", "31/2", "30/2",
              "L", "*/32", "1-31"),
          List.of("1", "12", "*/5", "6/1", "12/1", "2-2", "?", "jan", "JAN-MAR", "*/13", "11/2"),
          List.of(
              "1", "7", "0-7", "1-7", "*/3", "?", "mon", "MON-FRI", "+1", "1#2", "7-7", "0/3",
              "1/3", "6/1", "6/2", "5/1", "4/2", "7/1", "0,7", "*/7", "1-7/3", "1-1/3", "*/1"));

  static List<String> degenerateCrons() {
    Set<String> crons = new TreeSet<>();
    String[] base = {"0", "6", "*", "*", "*"};
    for (int field = 0; field < CRON_FIELDS.size(); field++) {
      for (String value : CRON_FIELDS.get(field)) {
        String[] parts = base.clone();
        parts[field] = value;
        crons.add(String.join(" ", parts));
      }
    }
    for (String dayOfMonth :
        List.of("*/13", "1/13", "13", "?", "*", "1-31/13", "*/1", "1-31", "1,2-31")) {
      for (String dayOfWeek :
          List.of("1", "*/3", "mon", "?", "*", "1-5", "0/3", "7", "*/1", "0-6", "1-7", "0-7/1")) {
        crons.add("0 0 " + dayOfMonth + " * " + dayOfWeek);
      }
    }
    crons.add("0\t3 * * *");
    return new ArrayList<>(crons);
  }

  /**
   * Every cron Lakeplan accepts fires in the testkit exactly when Airflow's cron timetable fires it
   * (issue 24.2), from two starting points (a leap February included); what Lakeplan refuses is
   * refused by Airflow or read by it as something else than written.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#all")
  void acceptedCrons_fireAsAirflowsTimetable(String version, @TempDir Path folder)
      throws Exception {
    Path python = AirflowVersions.python(version);
    List<String> crons = degenerateCrons();
    Path list = folder.resolve("crons.json");
    JSON.writeValue(list.toFile(), crons);
    int accepted = 0;
    for (String start : List.of("2024-01-01T00:00", "2024-02-27T23:59")) {
      JsonNode airflow = runJson(python, CRON_SCRIPT, list.toString(), start, "15");
      for (String cron : crons) {
        Schedule schedule;
        try {
          schedule = Schedule.parse(cron);
        } catch (IllegalArgumentException rejected) {
          continue;
        }
        accepted++;
        JsonNode result = airflow.get(cron);
        assertThat(result.get("error").isNull())
            .as("Airflow accepts '%s': %s", cron, result.get("error"))
            .isTrue();
        List<String> firings = new ArrayList<>();
        LocalDateTime time = LocalDateTime.parse(start);
        for (int i = 0; i < 15; i++) {
          time = schedule.nextAfter(time);
          firings.add(time.toString());
        }
        assertThat(firings)
            .as("firings of '%s' after %s", cron, start)
            .isEqualTo(textList(result.get("firings")));
      }
    }
    assertThat(accepted).as("crons Lakeplan accepts, over two starts").isGreaterThan(crons.size());
  }

  /**
   * Schedules Lakeplan refuses because Airflow refuses them would have failed the import of the DAG
   * file (issue 24.2): each is written into a DAG file as it would have been rendered, and the
   * DagBag reports every file as an import error; a tab, which reached the id of a maintenance DAG,
   * fails the import as a DAG id.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#all")
  void refusedCrons_wouldHaveFailedTheImport(String version, @TempDir Path folder)
      throws Exception {
    Path python = AirflowVersions.python(version);
    List<String> refused = List.of("0 6 * * +1", "? 6 * * *", "0 ? * * *", "0 6 * ? *");
    Map<String, String> files = new TreeMap<>();
    for (int i = 0; i < refused.size(); i++) {
      String cron = refused.get(i);
      assertThatThrownBy(() -> Schedule.parse(cron))
          .as(cron)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid cron '" + cron + "'");
      files.put("cron_" + i + ".py", dagFile("cron_" + i, cron));
    }
    assertThatThrownBy(() -> Schedule.parse("0\t3 * * *"))
        .hasMessageContaining("separate the five fields with spaces");
    files.put("tab.py", dagFile("orders.maintenance.cron_0\t3_x_x_x", "0 3 * * *"));
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(folder.resolve(file.getKey()), file.getValue());
    }

    JsonNode report = dagBagReport(python, folder);

    Set<String> failed = new TreeSet<>();
    fieldNames(report.get("import_errors"))
        .forEach(path -> failed.add(Path.of(path).getFileName().toString()));
    assertThat(failed).isEqualTo(files.keySet());
    assertThat(fieldNames(report.get("dags"))).isEmpty();
  }

  /**
   * Degenerate crons Lakeplan accepts render into DAG files Airflow imports with those schedules,
   * maintenance DAGs named after their crons included.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("io.lakeplan.aws.airflow.AirflowVersions#all")
  void acceptedDegenerateCrons_importCleanly(String version, @TempDir Path folder)
      throws Exception {
    Path python = AirflowVersions.python(version);
    Path useCases = Files.createDirectories(folder.resolve("use-cases"));
    Files.writeString(
        useCases.resolve("events.yaml"),
        """
        api-version: lakeplan/v1
        name: events
        owner: data@example.com
        schedule: "0 6/1 * * *"
        tables:
          - table: raw.events
            columns: [{name: id, type: long}]
        maintenance:
          - id: events-upkeep
            table: raw.events
            tasks:
              - {type: expire-snapshots, older-than: 7d, schedule: "*/13 0 */13 * 1"}
              - {type: remove-old-metadata, schedule: "0 6 * * 1/3"}
              - {type: rewrite-manifests, schedule: "10/59 0 1-31/13 JAN-MAR ?"}
        """);
    Workspace workspace = Workspace.load(useCases);
    assertThat(workspace.problems()).isEmpty();
    AirflowRenderer.to(AirflowSettings.builder().quarantineDag(false).build())
        .render(workspace)
        .writeTo(folder.resolve("dags"));

    JsonNode report = dagBagReport(python, folder.resolve("dags"));

    assertThat(fieldNames(report.get("import_errors"))).isEmpty();
    Map<String, String> schedules = new TreeMap<>();
    report
        .get("dags")
        .fields()
        .forEachRemaining(
            dag -> schedules.put(dag.getKey(), dag.getValue().get("schedule").asText()));
    Map<String, String> expected = new TreeMap<>();
    workspace
        .plan()
        .dags()
        .forEach(
            dag ->
                expected.put(
                    dag.id(), dag.schedule() == null ? "null" : dag.schedule().toString()));
    assertThat(schedules).isEqualTo(expected).hasSizeGreaterThan(3);
  }

  /** A minimal DAG file with {@code schedule}, as the renderer writes one. */
  private static String dagFile(String dagId, String schedule) {
    return "import datetime\n"
        + "try:\n"
        + "    from airflow.sdk import DAG\n"
        + "except ImportError:\n"
        + "    from airflow import DAG\n"
        + "from airflow.operators.empty import EmptyOperator\n"
        + "with DAG(dag_id="
        + pythonString(dagId)
        + ", schedule="
        + pythonString(schedule)
        + ", start_date=datetime.datetime(2024, 1, 1), catchup=False):\n"
        + "    EmptyOperator(task_id='run')\n";
  }

  private static String pythonString(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t") + "'";
  }

  /**
   * Whether {@code task} writes data of, or maintains, a table another task of {@code dags} writes
   * or maintains too: then a pool keeps them apart; a table's only writer runs in the default pool.
   */
  private static boolean sharesATable(Task task, List<Dag> dags) {
    Set<TableId> tables = writtenOrMaintained(task);
    long others =
        dags.stream()
            .flatMap(dag -> dag.tasks().stream())
            .filter(other -> other != task)
            .filter(other -> writtenOrMaintained(other).stream().anyMatch(tables::contains))
            .count();
    return others > 0;
  }

  private static Set<TableId> writtenOrMaintained(Task task) {
    if (task.spec() instanceof TaskSpec.Maintain maintain) {
      return Set.of(maintain.table());
    }
    return writesData(task) ? task.spec().writes() : Set.of();
  }

  private static boolean writesData(Task task) {
    return !(task.spec() instanceof TaskSpec.CreateTable) && !task.spec().writes().isEmpty();
  }

  private static boolean isUpstream(Dag dag, List<Dag> dags) {
    return dags.stream()
        .flatMap(other -> other.upstream().stream())
        .anyMatch(dependency -> dependency.dag().equals(dag.id()));
  }

  private static String expectedSchedule(Dag dag, CrossDagMode mode) {
    String time;
    if (dag.schedule() == null) {
      time = null;
    } else if (dag.schedule().isOnce()) {
      time = "@once";
    } else {
      time = PRESETS.getOrDefault(dag.schedule().toString(), dag.schedule().toString());
    }
    if (mode == CrossDagMode.SENSORS || dag.upstream().isEmpty()) {
      return time;
    }
    return time == null || time.equals("@once") ? "Asset" : "Asset or " + time;
  }

  private static Map<String, Set<String>> expectedUpstreamByTask(Dag dag, CrossDagMode mode) {
    Map<String, Set<String>> upstream = new TreeMap<>();
    dag.tasks().forEach(task -> upstream.put(task.id(), new TreeSet<>()));
    for (Edge edge : dag.edges()) {
      upstream.get(edge.to()).add(edge.from());
    }
    if (mode == CrossDagMode.SENSORS) {
      Set<String> sensors = new TreeSet<>();
      for (DagDependency dependency : dag.upstream()) {
        String sensor = AirflowRenderer.SENSOR_TASK_PREFIX + dependency.dag();
        sensors.add(sensor);
      }
      for (Set<String> fromTasks : upstream.values()) {
        if (fromTasks.isEmpty()) {
          fromTasks.addAll(sensors);
        }
      }
      sensors.forEach(sensor -> upstream.put(sensor, new TreeSet<>()));
    } else if (!dag.upstream().isEmpty()) {
      for (Set<String> fromTasks : upstream.values()) {
        if (fromTasks.isEmpty()) {
          fromTasks.add(AirflowRenderer.GATE_TASK_ID);
        }
      }
      upstream.put(AirflowRenderer.GATE_TASK_ID, new TreeSet<>());
    }
    return upstream;
  }

  private static Map<String, Set<String>> upstreamByTask(JsonNode tasks) {
    Map<String, Set<String>> upstream = new TreeMap<>();
    tasks
        .fields()
        .forEachRemaining(
            entry ->
                upstream.put(
                    entry.getKey(), new TreeSet<>(textList(entry.getValue().get("upstream")))));
    return upstream;
  }

  private static Map<String, Set<String>> producersByUri(JsonNode dags) {
    Map<String, Set<String>> producers = new HashMap<>();
    dags.fields()
        .forEachRemaining(
            dag ->
                dag.getValue()
                    .get("datasets_produced")
                    .fields()
                    .forEachRemaining(
                        task ->
                            textList(task.getValue())
                                .forEach(
                                    uri ->
                                        producers
                                            .computeIfAbsent(uri, key -> new HashSet<>())
                                            .add(dag.getKey()))));
    return producers;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> textList(JsonNode node) {
    List<String> texts = new ArrayList<>();
    node.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  static JsonNode dagBagReport(Path python, Path folder) throws IOException, InterruptedException {
    return runJson(python, REPORT_SCRIPT, folder.toAbsolutePath().toString());
  }

  /** Runs {@code script} with {@code arguments} and reads the JSON document it prints. */
  static JsonNode runJson(Path python, Path script, String... arguments)
      throws IOException, InterruptedException {
    return runJson(python, Map.of(), script, arguments);
  }

  /**
   * Runs {@code script} with {@code arguments}, {@code environment} added to this process's, and
   * reads the JSON document it prints.
   */
  static JsonNode runJson(
      Path python, Map<String, String> environment, Path script, String... arguments)
      throws IOException, InterruptedException {
    Path stderr = Files.createTempFile("python-report", ".log");
    try {
      List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
      command.addAll(List.of(arguments));
      ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] stdout = process.getInputStream().readAllBytes();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError(script.getFileName() + " did not finish in 5 minutes");
      }
      String output = new String(stdout, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            script.getFileName()
                + " exited with "
                + process.exitValue()
                + ":\n"
                + output
                + "\n"
                + Files.readString(stderr));
      }
      return JSON.readTree(output);
    } finally {
      Files.deleteIfExists(stderr);
    }
  }
}
