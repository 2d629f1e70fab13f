package io.lakeplan.examples.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakeplan.cli.LakeplanCli;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.Schedule;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The legacy workspace example ({@code examples/legacy-workspace}): its files in the teams' {@code
 * owner} + {@code dags[]} format import into the committed native files and plan into one DAG per
 * legacy DAG, with every {@code depends_on} (across files too) as a DAG dependency.
 */
class LegacyWorkspaceExampleTest {
  private static final Path LEGACY = Path.of("legacy-workspace", "legacy");
  private static final Path IMPORTED = Path.of("legacy-workspace", "imported");

  /** A legacy DAG as its file says, read as plain YAML. */
  private record LegacyDag(String useCase, String type, String schedule, Set<String> dependsOn) {}

  /** Every DAG of the legacy files, by name, read as plain YAML (not through Lakeplan). */
  private static Map<String, LegacyDag> legacyDags() throws IOException {
    Map<String, LegacyDag> dags = new TreeMap<>();
    YAMLMapper yaml = new YAMLMapper();
    for (Path file : yamlFiles(LEGACY)) {
      String useCase = file.getFileName().toString().replaceFirst("\\.yaml$", "");
      for (JsonNode dag : yaml.readTree(file.toFile()).get("dags")) {
        Set<String> dependsOn = new TreeSet<>();
        if (dag.has("depends_on")) {
          dag.get("depends_on").forEach(name -> dependsOn.add(name.asText()));
        }
        dags.put(
            dag.get("name").asText(),
            new LegacyDag(
                useCase,
                dag.get("type").asText(),
                dag.has("schedule") ? dag.get("schedule").asText() : null,
                dependsOn));
      }
    }
    return dags;
  }

  private static List<Path> yamlFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** Runs {@code lakeplan ARGS} in-process: exit code, standard output and standard error. */
  private static String[] lakeplan(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = LakeplanCli.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));
    int exitCode = command.execute(args);
    return new String[] {Integer.toString(exitCode), out.toString(), err.toString()};
  }

  @Test
  void importLegacy_writesExactlyTheCommittedNativeFiles(@TempDir Path out) throws IOException {
    String[] result = lakeplan("import-legacy", LEGACY.toString(), "--out", out.toString());

    assertThat(result[0]).as("exit code; stderr: %s", result[2]).isEqualTo("0");
    assertThat(result[1]).contains("Imported 2 of 2 files; 0 problems");
    Map<String, String> written = contents(out);
    assertThat(written)
        .as("the files under %s are what import-legacy writes today", IMPORTED)
        .isEqualTo(contents(IMPORTED));
  }

  private static Map<String, String> contents(Path folder) throws IOException {
    Map<String, String> contents = new LinkedHashMap<>();
    for (Path file : yamlFiles(folder)) {
      contents.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }
    return contents;
  }

  @Test
  void legacyFilesAndImportedFiles_planTheSameDags() {
    Plan fromLegacy = Workspace.loadStrict(LEGACY).plan();
    Plan fromImported = Workspace.loadStrict(IMPORTED).plan();

    assertThat(UseCaseCodec.toJson(fromImported)).isEqualTo(UseCaseCodec.toJson(fromLegacy));
  }

  @Test
  void plan_hasOneDagPerLegacyDag_withItsKindScheduleAndDependencies() throws IOException {
    Map<String, LegacyDag> legacy = legacyDags();

    Plan plan = Workspace.loadStrict(IMPORTED).plan();

    assertThat(plan.dags()).extracting(Dag::id).containsExactlyElementsOf(legacy.keySet());
    legacy.forEach(
        (name, expected) -> {
          Dag dag = plan.dag(name);
          assertThat(dag.useCase()).as(name).isEqualTo(expected.useCase());
          assertThat(dag.kind().toString()).as(name).isEqualToIgnoringCase(expected.type());
          assertThat(dag.schedule())
              .as(name)
              .isEqualTo(expected.schedule() == null ? null : Schedule.parse(expected.schedule()));
          assertThat(dag.tasks()).as(name).extracting(Task::id).containsExactly(name);
          assertThat(dag.upstream())
              .as(name)
              .allSatisfy(
                  upstream ->
                      assertThat(upstream.reason()).isEqualTo(DagDependency.Reason.DECLARED))
              .extracting(DagDependency::dag)
              .containsExactlyInAnyOrderElementsOf(expected.dependsOn());
        });
    // the finance report waits for the payments team's DAG: a dependency between two use cases
    assertThat(legacy.get("revenue_report").dependsOn())
        .allSatisfy(
            upstream -> assertThat(legacy.get(upstream).useCase()).isNotEqualTo("finance-reports"));
  }
}
