package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's copy of the shared fixtures ({@code fixtures/}, which the tests read, so that a
 * clone builds anywhere) is the same as {@code ../shared/fixtures} when that is checked out next to
 * it. Runs only where the shared fixtures exist; a fresh clone elsewhere has nothing to compare.
 */
class SharedFixturesTest {
  private static final Path COPY = Path.of("..", "fixtures");
  private static final Path SHARED = Path.of("..", "..", "shared", "fixtures");

  @Test
  void theCopyHoldsExactlyTheSharedFixtures() throws IOException {
    assumeTrue(Files.isDirectory(SHARED), "no shared fixtures next to this clone: " + SHARED);

    List<Path> shared = files(SHARED);
    assertThat(shared).isNotEmpty();
    assertThat(files(COPY))
        .as("files in fixtures/ (copy again: see fixtures/README.md)")
        .containsAll(shared);
    for (Path file : shared) {
      assertThat(Files.readAllBytes(COPY.resolve(file)))
          .as("fixtures/%s differs from the shared one (copy again: see fixtures/README.md)", file)
          .isEqualTo(Files.readAllBytes(SHARED.resolve(file)));
    }
  }

  /** The regular files under {@code root}, relative to it. */
  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }
}
