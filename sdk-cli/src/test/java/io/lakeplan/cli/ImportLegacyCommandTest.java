package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.UseCase;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportLegacyCommandTest {
  @Test
  void importLegacy_writesValidFilesAsNativeYamlThatPlanIdentically(@TempDir Path out)
      throws Exception {
    CliRun run = CliRun.of("import-legacy", CliRun.LEGACY.toString(), "--out", out.toString());

    Workspace legacy = Workspace.load(CliRun.LEGACY);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("invalid/missing-entrypoint.yaml:");
    assertThat(run.out()).endsWith("Imported 2 of 5 files; 3 problems\n");
    List<String> written;
    try (Stream<Path> files = Files.list(out)) {
      written = files.map(file -> file.getFileName().toString()).sorted().toList();
    }
    List<String> expected = new ArrayList<>();
    legacy.useCases().forEach(loaded -> expected.add(loaded.useCase().name() + ".yaml"));
    assertThat(written).containsExactlyInAnyOrderElementsOf(expected);

    List<UseCase> readBack = new ArrayList<>();
    for (LoadedUseCase loaded : legacy.useCases()) {
      Path file = out.resolve(loaded.useCase().name() + ".yaml");
      UseCase useCase = UseCaseCodec.fromYaml(Files.readString(file));
      assertThat(useCase).isEqualTo(loaded.useCase());
      readBack.add(useCase);
    }
    assertThat(Planner.plan(readBack)).isEqualTo(legacy.plan());
    Workspace imported = Workspace.load(out);
    assertThat(imported.problems()).isEmpty();
    assertThat(imported.useCases()).noneMatch(LoadedUseCase::legacy);
    assertThat(UseCaseCodec.toJson(imported.plan())).isEqualTo(UseCaseCodec.toJson(legacy.plan()));
  }

  @Test
  void importLegacy_validOnly_exits0(@TempDir Path out) {
    CliRun run =
        CliRun.of(
            "import-legacy", CliRun.LEGACY.resolve("valid").toString(), "--out", out.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(out.resolve("orders.yaml")).exists();
    assertThat(out.resolve("customers.yaml")).exists();
  }

  @Test
  void importLegacy_withoutOut_isUsageError() {
    CliRun run = CliRun.of("import-legacy", CliRun.LEGACY.toString());

    assertThat(run.exitCode()).isEqualTo(LakeplanCli.ERROR);
    assertThat(run.err())
        .isEqualTo(
            "lakeplan: error: Missing required option: '--out=DIR' (see 'lakeplan import-legacy"
                + " --help')\n");
  }

  @Test
  void importLegacy_oneFileDependingOnAnother_isImportedAloneWithANote(
      @TempDir Path out, @TempDir Path in) throws Exception {
    // issue 24.11: orders.yaml's depends_on names customers_transformation of customers.yaml;
    // imported alone it was left out as a dangling dependency
    Path orders = CliRun.LEGACY.resolve("valid/orders.yaml");
    Path lonely = in.resolve("orders.yaml");
    Files.writeString(
        lonely,
        Files.readString(orders)
            .replace("depends_on: [orders_migration]", "depends_on: [customers_transformation]"));

    CliRun run = CliRun.of("import-legacy", lonely.toString(), "--out", out.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .contains(
            "dags[orders_ingestion].depends_on[0]: note: Dependency on DAG"
                + " 'customers_transformation' is not among the imported files; kept as a dag:"
                + " reference, which the workspace the use case joins must define")
        .endsWith("Imported 1 of 1 files; 0 problems\n");
    UseCase imported = UseCaseCodec.fromYaml(Files.readString(out.resolve("orders.yaml")));
    assertThat(imported.sparkJobs().get(1).dependencies())
        .containsExactly(Dependency.onDag("customers_transformation"));
  }
}
