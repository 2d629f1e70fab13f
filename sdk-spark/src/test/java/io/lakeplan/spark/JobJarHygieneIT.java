package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * What the shaded job jar ({@code sdk-spark-*-job.jar}) holds, entry by entry: nothing that the
 * Spark runtime provides — the provided-scope graph of Spark 4.1.1 / Hadoop 3.4.2 and the artifacts
 * it shares ({@code lakeplan.spark-jars}), the stand-in for EMR Serverless's emr-spark-8.1.0 —
 * because a second copy of a runtime class is a class-path conflict waiting for the first version
 * skew, and no entry twice.
 */
class JobJarHygieneIT {

  /** The jar was 97.7 MB on 2026-12-07; a sudden growth means a new dependency came along. */
  private static final long MAX_SIZE = 110L * 1024 * 1024;

  private static final Path JOB_JAR = Path.of(System.getProperty("lakeplan.job-jar"));

  @Test
  void jobJar_holdsNoClassTheSparkRuntimeProvides() throws IOException {
    Map<String, String> provided = new TreeMap<>();
    for (Path jar : runtimeJars()) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        zip.stream()
            .map(ZipEntry::getName)
            .filter(JobJarHygieneIT::isClass)
            .forEach(name -> provided.putIfAbsent(name, jar.getFileName().toString()));
      }
    }
    assertThat(provided)
        .as("the runtime's classes")
        .containsKey("org/apache/spark/SparkContext.class");

    List<String> twice = new ArrayList<>();
    try (ZipFile jar = new ZipFile(JOB_JAR.toFile())) {
      jar.stream()
          .map(ZipEntry::getName)
          .filter(JobJarHygieneIT::isClass)
          .filter(provided::containsKey)
          .forEach(name -> twice.add(name + " (the runtime's " + provided.get(name) + ")"));
    }
    assertThat(twice).as("classes of the job jar that the Spark runtime provides").isEmpty();
  }

  @Test
  void jobJar_holdsEveryEntryOnce_andStaysSmall() throws IOException {
    Set<String> seen = new LinkedHashSet<>();
    List<String> duplicates = new ArrayList<>();
    try (InputStream in = Files.newInputStream(JOB_JAR);
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (!seen.add(entry.getName())) {
          duplicates.add(entry.getName());
        }
      }
    }
    assertThat(duplicates).as("entries the job jar holds twice").isEmpty();
    assertThat(seen).contains("io/lakeplan/spark/JobMain.class");
    assertThat(Files.size(JOB_JAR)).as("the job jar's size in bytes").isLessThan(MAX_SIZE);
  }

  /** A class file, not one of a newer Java's multi-release variants or a module descriptor. */
  private static boolean isClass(String name) {
    return name.endsWith(".class")
        && !name.startsWith("META-INF/")
        && !name.endsWith("module-info.class");
  }

  private static List<Path> runtimeJars() throws IOException {
    Path listed = Path.of(System.getProperty("lakeplan.spark-jars"));
    Set<Path> jars = new LinkedHashSet<>();
    for (String file : List.of("provided.classpath", "shared.classpath")) {
      for (String jar : Files.readString(listed.resolve(file)).trim().split(File.pathSeparator)) {
        if (!jar.isBlank()) {
          jars.add(Path.of(jar));
        }
      }
    }
    return List.copyOf(jars);
  }
}
