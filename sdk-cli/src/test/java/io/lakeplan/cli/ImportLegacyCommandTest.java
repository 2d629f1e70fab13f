package io.lakeplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Planner;
import io.lakeplan.workspace.LoadedUseCase;
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
}
