package io.lakeplan.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the launchers of the JDBC and Kafka examples share: the repository they run in, a clean
 * state folder per example, and {@code bin/lakeplan} run in a child process with the secrets the
 * example made in its environment (the use case holds only their references).
 *
 * <p>The launchers print what they do on standard output: they are command-line programs, run by
 * {@code bin/run-example}.
 */
public final class ExampleLauncher {
  private final Path root;
  private final Path example;

  private ExampleLauncher(Path root, String example) {
    this.root = root.toAbsolutePath().normalize();
    this.example = this.root.resolve("examples").resolve(example);
    if (!Files.isExecutable(this.root.resolve("bin/lakeplan"))) {
      throw new IllegalArgumentException(
          "Not a Lakeplan repository: "
              + this.root
              + " has no bin/lakeplan (pass the repository root as the first argument)");
    }
  }

  /**
   * The launcher of example {@code example} (its folder under {@code examples/}) in the repository
   * named by {@code args[0]}, or the working folder without arguments.
   *
   * @throws IllegalArgumentException when that folder has no {@code bin/lakeplan}
   */
  public static ExampleLauncher of(String[] args, String example) {
    return new ExampleLauncher(Path.of(args.length > 0 ? args[0] : ""), example);
  }

  /** The example's folder, {@code examples/NAME}. */
  public Path example() {
    return example;
  }

  /**
   * The example's own state, {@code examples/NAME/.lakeplan} (git-ignored): its warehouse, its
   * watermarks and, for Kafka, its checkpoint. Deleted first, since each launch starts a new server
   * whose data the old state does not describe.
   */
  public Path freshState() {
    Path state = example.resolve(".lakeplan");
    if (Files.exists(state)) {
      try (Stream<Path> files = Files.walk(state)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot clear " + state + ": " + e.getMessage(), e);
      }
    }
    return state;
  }

  /**
   * Runs {@code bin/lakeplan run examples/NAME --warehouse WAREHOUSE} and waits for it; its output
   * goes to this process's.
   *
   * @param warehouse the local warehouse (its watermarks are kept inside it)
   * @param environment variables added to the child's environment, e.g. a password its use case
   *     references as {@code env:NAME}
   * @return the command's exit code: 0 when every task succeeded
   */
  public int run(Path warehouse, Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("bin/lakeplan").toString());
    command.add("run");
    command.add(root.relativize(example).toString());
    command.add("--warehouse");
    command.add(root.relativize(warehouse.toAbsolutePath()).toString());
    System.out.println("$ bin/lakeplan " + String.join(" ", command.subList(1, command.size())));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).inheritIO();
    builder.environment().putAll(environment);
    try {
      return builder.start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while bin/lakeplan ran", e);
    }
  }
}
