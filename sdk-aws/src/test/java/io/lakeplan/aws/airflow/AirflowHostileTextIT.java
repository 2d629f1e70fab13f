package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Validator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A use case whose free text (owner, tags, a Spark job's arguments and parameters) holds everything
 * that could end a Python string early or break the file — quotes of both kinds, triple quotes,
 * backslashes, NUL and other control characters, line breaks Java and Python count differently,
 * characters outside the BMP — renders DAG files that real Airflow (the oldest and the newest
 * version MWAA offers) imports without errors, and whose strings hold exactly the model's text.
 */
class AirflowHostileTextIT {
  private static final Path LITERAL_SCRIPT = Path.of("src/test/python/literal_report.py");

  private static final String OWNER =
      "team\"\"\"x'''y\\z\u0000\r\n\"; import os; os.system(\"id\") #\u2028\u0085\ud83d\ude00\ufeff";
  private static final List<String> TAGS =
      List.of("a\"b", "c\\d", "e'''f", "g\"\"\"h", "\ud83d\ude00", "\\");
  private static final List<String> ARGUMENTS =
      List.of("\"; import os; os.system('id') #", "\\", "line\nbreak", "'''", "\u0000\u001b[2J");

  static List<String> versions() {
    return AirflowVersions.oldestAndNewest();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("versions")
  void hostileFreeText_importsInAirflow_andEveryStringHoldsExactlyTheModelsText(
      String version, @TempDir Path folder) throws Exception {
    UseCase useCase =
        UseCase.named("hostile")
            .owner(OWNER)
            .tags(TAGS)
            .schedule("@daily")
            .sparkJob(
                j ->
                    j.id("job")
                        .entrypoint("s3://jobs/job.py")
                        .arguments(ARGUMENTS)
                        .sparkSubmitParameters("--conf spark.x=\"'\\\n"))
            .build();
    assertThat(Validator.validate(List.of(useCase))).isEmpty();
    Plan plan = Planner.plan(useCase);
    Rendering rendering = AirflowRenderer.to(AirflowRendererTest.fixedTarget()).render(plan);
    rendering.writeTo(folder);
    String dagId = plan.dags().get(0).id();

    JsonNode report = AirflowDagBagIT.dagBagReport(AirflowVersions.python(version), folder);

    assertThat(report.get("import_errors").size()).as(report.toString()).isZero();
    JsonNode dag = report.get("dags").get(dagId);
    assertThat(dag.get("owner").asText()).isEqualTo(OWNER);
    List<String> tags = new ArrayList<>();
    dag.get("tags").forEach(tag -> tags.add(tag.asText()));
    assertThat(tags).containsExactlyInAnyOrderElementsOf(TAGS);

    JsonNode literals =
        AirflowDagBagIT.runJson(
                AirflowVersions.python(version), LITERAL_SCRIPT, folder.toAbsolutePath().toString())
            .get(dagId + ".py");
    assertThat(literals.get("doc").asText()).contains("owned by " + OWNER + ".\n");
    List<String> strings = new ArrayList<>();
    literals.get("strings").forEach(text -> strings.add(text.asText()));
    assertThat(strings).contains(OWNER).containsAll(TAGS).containsAll(ARGUMENTS);
  }
}
