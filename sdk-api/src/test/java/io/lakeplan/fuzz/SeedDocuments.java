package io.lakeplan.fuzz;

import io.lakeplan.codec.UseCaseArbitraries;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.UseCase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The documents mutations start from: every example ({@code examples/**}), fixture ({@code
 * fixtures/**}) and golden file ({@code <module>/src/test/resources/golden/**}) of the repository,
 * and use cases of {@link UseCaseArbitraries} written as YAML and as JSON.
 */
public final class SeedDocuments {
  private SeedDocuments() {}

  /**
   * The repository root: the system property {@code lakeplan.root}, else the nearest parent with
   * {@code fixtures/}.
   */
  public static Path repositoryRoot() {
    String configured = System.getProperty("lakeplan.root");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("fixtures"))
          && Files.isDirectory(dir.resolve("examples"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "Cannot find the repository root (a folder with fixtures/ and examples/) above "
            + Path.of("").toAbsolutePath()
            + "; set -Dlakeplan.root");
  }

  /** The example, fixture and golden files under {@code root}, sorted by path. */
  public static List<SeedDocument> files(Path root) {
    List<Path> paths = new ArrayList<>();
    paths.addAll(walk(root.resolve("examples"), SeedDocuments::isYaml));
    paths.addAll(walk(root.resolve("fixtures"), SeedDocuments::isYaml));
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.sorted().toList()) {
        paths.addAll(walk(module.resolve("src/test/resources/golden"), path -> true));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
    List<SeedDocument> seeds = new ArrayList<>();
    for (Path path : paths) {
      try {
        seeds.add(
            new SeedDocument(
                root.relativize(path).toString().replace('\\', '/'),
                Files.readString(path, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read seed document " + path, e);
      }
    }
    if (seeds.isEmpty()) {
      throw new IllegalStateException("No example, fixture or golden files under " + root);
    }
    return seeds;
  }

  /**
   * {@code count} use cases of {@link UseCaseArbitraries}, drawn from {@code seed}: every fourth as
   * JSON, the others as YAML.
   */
  public static List<SeedDocument> generated(long seed, int count) {
    List<SeedDocument> seeds = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long drawn = DocumentMutator.mix(seed, -1 - i);
      UseCase useCase = new UseCaseArbitraries(drawn).useCase();
      boolean json = i % 4 == 3;
      seeds.add(
          new SeedDocument(
              "arbitrary-" + i + (json ? ".json" : ".yaml"),
              json ? UseCaseCodec.toJson(useCase) : UseCaseCodec.toYaml(useCase)));
    }
    return seeds;
  }

  private static boolean isYaml(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static List<Path> walk(Path dir, java.util.function.Predicate<Path> filter) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(path -> !dir.relativize(path).toString().replace('\\', '/').contains("target/"))
          .filter(filter)
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }
}
