package io.lakeplan.aws.airflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Airflow versions the rendered files are tested on: the ones Amazon MWAA offers, each in the
 * venv {@code bin/setup-airflow VERSION} builds at {@code .venv-airflow-VERSION} (pins in {@code
 * bin/airflow/VERSION/}). A missing venv fails the test with the command that builds it.
 */
public final class AirflowVersions {
  static final Path ROOT = Path.of(System.getProperty("lakeplan.root", "..")).normalize();

  /** Every version, oldest first: the DagBag checks run on all of them. */
  static final List<String> ALL = List.of("2.10.3", "2.11.2", "3.0.6", "3.3.1");

  /**
   * {@code -Dlakeplan.airflow.versions=2.10.3,3.3.1} narrows the tests to some of the versions
   * (while working on one); a version not in {@link #ALL} is refused.
   */
  private static final String ONLY = "lakeplan.airflow.versions";

  /** The newest version MWAA offers. */
  public static final String NEWEST = ALL.get(ALL.size() - 1);

  /** The oldest and the newest: {@code airflow dags test} runs on these. */
  static final List<String> OLDEST_AND_NEWEST = List.of(ALL.get(0), ALL.get(ALL.size() - 1));

  private AirflowVersions() {}

  static List<String> all() {
    return selected(ALL);
  }

  static List<String> oldestAndNewest() {
    return selected(OLDEST_AND_NEWEST);
  }

  private static List<String> selected(List<String> versions) {
    String only = System.getProperty(ONLY, "").strip();
    if (only.isEmpty()) {
      return versions;
    }
    List<String> wanted = List.of(only.split("\\s*,\\s*"));
    for (String version : wanted) {
      if (!ALL.contains(version)) {
        throw new IllegalArgumentException(
            "Invalid -D" + ONLY + ": " + version + " (tested versions: " + ALL + ")");
      }
    }
    return versions.stream().filter(wanted::contains).toList();
  }

  /** The venv's {@code bin} folder, after checking that its Python is there. */
  public static Path bin(String version) {
    Path bin = ROOT.resolve(".venv-airflow-" + version).resolve("bin");
    assertThat(Files.isExecutable(bin.resolve("python")))
        .as(
            "Airflow %s venv %s is missing: run bin/setup-airflow %s",
            version, bin.getParent(), version)
        .isTrue();
    return bin;
  }

  /** The venv's Python interpreter. */
  public static Path python(String version) {
    return bin(version).resolve("python");
  }
}
