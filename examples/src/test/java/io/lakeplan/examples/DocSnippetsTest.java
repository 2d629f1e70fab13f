package io.lakeplan.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.Environment;
import io.lakeplan.env.Environments;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The samples that the documentation site includes from examples/snippets/ and GettingStarted are
 * valid: every use case loads strictly and plans, every environment file reads, and the getting
 * started code validates and round-trips.
 */
class DocSnippetsTest {
  private static final Path SNIPPETS = Path.of("snippets");

  static List<Path> useCases() throws IOException {
    return yamlFiles(SNIPPETS.resolve("use-cases"));
  }

  static List<Path> environments() throws IOException {
    return yamlFiles(SNIPPETS.resolve("environments"));
  }

  private static List<Path> yamlFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yaml).as("YAML files in %s", folder).isNotEmpty();
      return yaml;
    }
  }

  @ParameterizedTest
  @MethodSource("useCases")
  void useCaseSnippet_loadsStrictlyAndPlans(Path file) {
    Workspace workspace = Workspace.loadStrict(file);
    assertThat(workspace.useCases()).hasSize(1);
    assertThat(workspace.warnings()).isEmpty();
    assertThat(workspace.plan().dags()).isNotEmpty();
  }

  @ParameterizedTest
  @MethodSource("environments")
  void environmentSnippet_reads(Path file) {
    Environment environment = Environments.load(file);
    assertThat(environment.name()).isNotBlank();
  }

  @Test
  void gettingStarted_validatesPlansAndRoundTrips() {
    GettingStarted.Result result = GettingStarted.run();
    assertThat(result.problems()).isEmpty();
    assertThat(result.plan().dags()).isNotEmpty();
    assertThat(UseCaseCodec.fromYaml(result.yaml())).isEqualTo(result.useCase());
  }
}
