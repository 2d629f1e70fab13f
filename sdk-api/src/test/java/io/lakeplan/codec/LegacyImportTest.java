package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.DagKind;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fixtures in fixtures/legacy-yaml (a copy of shared/fixtures) behave as their README says. */
class LegacyImportTest {
  private static final Path FIXTURES = Path.of("../fixtures/legacy-yaml");

  @Test
  void validFiles_importAsSparkJobsWithEveryField() {
    Workspace workspace = Workspace.load(FIXTURES.resolve("valid"));
    assertThat(workspace.problems()).isEmpty();
    UseCase orders =
        workspace.useCases().stream()
            .filter(u -> u.useCase().name().equals("orders"))
            .findFirst()
            .orElseThrow()
            .useCase();
    assertThat(orders.owner()).isEqualTo("sales-data@example.com");
    SparkJob ingestion = orders.sparkJobs().get(1);
    assertThat(ingestion.dag()).isEqualTo("orders_ingestion");
    assertThat(ingestion.kind()).isEqualTo(DagKind.INGESTION);
    assertThat(ingestion.schedule()).hasToString("0 * * * *");
    assertThat(ingestion.tags()).containsExactly("sales");
    assertThat(ingestion.dependencies()).containsExactly(Dependency.onDag("orders_migration"));
    assertThat(ingestion.notifications().onSuccess()).isFalse();
    assertThat(ingestion.notifications().onFailure()).isTrue();
    assertThat(ingestion.entrypoint())
        .isEqualTo("s3://acme-artifacts/frameworks/ingestion/main.py");
    assertThat(ingestion.arguments())
        .containsExactly("--config", "s3://acme-config/usecases/orders/ingestion.yaml");
    assertThat(ingestion.sparkSubmitParameters())
        .isEqualTo("--conf spark.dynamicAllocation.maxExecutors=8");
  }

  @Test
  void validFiles_planWithTheirDagNamesAndDependencies() {
    Plan plan = Workspace.load(FIXTURES.resolve("valid")).plan();
    assertThat(plan.dags())
        .extracting(d -> d.id())
        .containsExactly(
            "customers_maintenance",
            "customers_transformation",
            "orders_ingestion",
            "orders_migration");
    assertThat(plan.dag("orders_ingestion").upstream())
        .extracting(u -> u.dag())
        .containsExactly("orders_migration");
    assertThat(plan.dag("customers_maintenance").schedule()).hasToString("30 2 * * 0");
    assertThat(plan.dag("orders_migration").tags()).containsExactly("migration", "sales");
  }

  @Test
  void invalidFiles_eachGiveALocatedProblem_andDoNotStopTheValidOnes() {
    Workspace workspace = Workspace.load(FIXTURES);
    assertThat(workspace.useCases())
        .extracting(u -> u.useCase().name())
        .containsExactly("customers", "orders");
    assertThat(workspace.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "invalid/bad-indentation.yaml:5:10: Invalid YAML: mapping values are not allowed here [yaml-syntax]",
            "invalid/missing-entrypoint.yaml:10:7: dags[payments_ingestion].spark.entrypoint: Missing entrypoint; add it [required]",
            "invalid/unknown-type.yaml:4:11: dags[campaigns_export].type: Invalid DAG type 'exportation' (use migration, ingestion, transformation or maintenance) [invalid-value]");
    assertThat(workspace.problems())
        .extracting(Problem::code)
        .containsExactly(ProblemCode.YAML_SYNTAX, ProblemCode.REQUIRED, ProblemCode.INVALID_VALUE);
    assertThat(workspace.plan().dags()).hasSize(4);
  }

  @Test
  void importedUseCase_roundTripsThroughNativeYaml() {
    for (var loaded : Workspace.load(FIXTURES.resolve("valid")).useCases()) {
      String yaml = UseCaseCodec.toYaml(loaded.useCase());
      assertThat(UseCaseCodec.fromYaml(yaml)).isEqualTo(loaded.useCase());
    }
  }

  @Test
  void secondDagsBlock_isADuplicateKey_notADroppedDag() {
    // issue 24.1: the second 'dags:' replaced the first and its DAG disappeared without a word
    String legacy =
        """
        owner: a@example.com
        dags:
          - name: first_job
            type: ingestion
            spark: {entrypoint: s3://x/first.py}
        dags:
          - name: second_job
            type: ingestion
            spark: {entrypoint: s3://x/second.py}
        """;
    Document document = UseCaseCodec.read("jobs.yaml", legacy);
    assertThat(document.useCase()).isNull();
    assertThat(document.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "jobs.yaml:6:1: dags: Key 'dags' is written twice in this map (first on line 2); a"
                + " repeated key would silently replace the first value, so keep one"
                + " [duplicate-key]");
  }

  @Test
  void secretInLegacyArguments_isLocatedInTheLegacyFile() {
    String legacy =
        """
        owner: a@example.com
        dags:
          - name: leaky_job
            type: ingestion
            spark:
              entrypoint: s3://x/main.py
              arguments: ["--password", "hunter2"]
        """;
    Document document = UseCaseCodec.read("leaky.yaml", legacy);
    assertThat(document.legacy()).isTrue();
    var problems = io.lakeplan.workspace.Validator.validate(document.useCase());
    assertThat(problems)
        .extracting(Problem::path)
        .containsExactly("spark-jobs[leaky_job].arguments[1]");
  }

  private static final String LEGACY =
      """
      owner: team@example.com
      dags:
        - name: %s
          type: ingestion
          notification:
            on_success_callback: %s
          spark:
            entrypoint: s3://jobs/job.py
      """;

  @ParameterizedTest
  @CsvSource({"True, true", "TRUE, true", "yes, true", "on, true", "False, false", "no, false"})
  void callbackFlags_areYamlBooleans(String written, boolean read) {
    // issue 24.11: on_success_callback: True (a YAML boolean, as PyYAML reads legacy files) was
    // rejected as "Invalid on_success_callback 'True'"
    Document document =
        UseCaseCodec.read("orders.yaml", LEGACY.formatted("orders_ingestion", written));

    assertThat(document.problems()).isEmpty();
    assertThat(document.useCase().sparkJobs().get(0).notifications().onSuccess()).isEqualTo(read);
  }

  @Test
  void callbackFlag_thatIsNoBoolean_namesTheValues() {
    Document document =
        UseCaseCodec.read("orders.yaml", LEGACY.formatted("orders_ingestion", "maybe"));

    assertThat(document.problems())
        .extracting(Problem::path, Problem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "dags[orders_ingestion].notification.on_success_callback",
                "Invalid on_success_callback 'maybe' (use true or false)"));
  }

  @Test
  void sameBaseNameInTwoFolders_areTwoUseCases(@TempDir Path folder) throws IOException {
    // issue 24.11: team-a/orders.yaml and team-b/orders.yaml were both use case 'orders' and
    // clashed, reported at 1:1 under a 'name' key legacy files do not have
    Files.createDirectories(folder.resolve("team-a"));
    Files.createDirectories(folder.resolve("team-b"));
    Files.writeString(folder.resolve("team-a/orders.yaml"), LEGACY.formatted("a_orders", "true"));
    Files.writeString(folder.resolve("team-b/orders.yaml"), LEGACY.formatted("b_orders", "true"));
    Files.writeString(folder.resolve("customers.yaml"), LEGACY.formatted("customers", "true"));

    Workspace workspace = Workspace.load(folder);

    assertThat(workspace.problems()).isEmpty();
    assertThat(workspace.useCases())
        .extracting(loaded -> loaded.useCase().name())
        .containsExactlyInAnyOrder("customers", "team-a-orders", "team-b-orders");
  }

  @Test
  void legacyNameTakenByANativeUseCase_isReportedAtTheLegacyFilesFirstKey(@TempDir Path folder)
      throws IOException {
    Files.writeString(folder.resolve("orders.yaml"), LEGACY.formatted("orders_ingestion", "true"));
    Files.writeString(
        folder.resolve("native.yaml"),
        """
        api-version: lakeplan/v1
        name: orders
        owner: team@example.com
        spark-jobs:
          - {id: job, entrypoint: "s3://jobs/job.py"}
        """);

    Workspace workspace = Workspace.load(folder);

    Problem legacy =
        workspace.problems().stream()
            .filter(problem -> problem.location().file().equals("orders.yaml"))
            .findFirst()
            .orElseThrow();
    assertThat(legacy.path()).isEmpty();
    assertThat(legacy.location().line()).isEqualTo(1);
    assertThat(legacy.message())
        .isEqualTo(
            "Use case 'orders' is defined twice; use-case names must be unique (a legacy file's"
                + " use case is named after the file: rename the file)");
  }
}
