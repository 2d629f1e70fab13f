package io.lakeplan.spark.aws;

import io.lakeplan.spark.internal.CrashPoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code JobMain} run in a child JVM, as EMR Serverless runs one task per job: a class path, the
 * JDK 17 add-opens list of this JVM, the environment variables given (the emulator's endpoint and
 * test credentials), and optionally a crash point at which the child is killed with SIGKILL.
 */
final class ChildJob {

  /** What a child printed and how it ended. */
  record Outcome(int exitCode, List<String> lines, boolean killedAtCrashPoint) {
    /** The one summary line JobMain prints for {@code dag/task}. */
    String summary(String dagAndTask) {
      return lines.stream()
          .filter(line -> line.startsWith(dagAndTask + " "))
          .reduce((first, second) -> second)
          .orElse("(no summary line; output: " + String.join(" | ", tail()) + ")");
    }

    List<String> tail() {
      return lines.subList(Math.max(0, lines.size() - 40), lines.size());
    }
  }

  private ChildJob() {}

  /** The JVM options of this test JVM that Spark needs (add-opens and friends). */
  static List<String> sparkJvmOptions() {
    List<String> options = new ArrayList<>();
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens")
          || option.startsWith("-XX:+Ignore")
          || option.startsWith("-Djdk.reflect")
          || option.startsWith("-Dio.netty")) {
        options.add(option);
      }
    }
    return options;
  }

  /**
   * Runs {@code mainArguments} (main class or launcher first) on {@code classPath}; with {@code
   * crashPoint}, kills the child with SIGKILL when it reports that point.
   */
  static Outcome run(
      String classPath,
      List<String> mainArguments,
      Map<String, String> environment,
      String crashPoint,
      Path workingDirectory)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(sparkJvmOptions());
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-cp", classPath));
    command.addAll(mainArguments);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).directory(workingDirectory.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().remove(CrashPoints.ENV);
    if (crashPoint != null) {
      builder.environment().put(CrashPoints.ENV, crashPoint);
    }
    Process child = builder.start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Boolean> reached =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  if (crashPoint != null && line.equals(CrashPoints.MARKER + crashPoint)) {
                    return true;
                  }
                }
                return false;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    boolean killed;
    try {
      killed = reached.get(5, TimeUnit.MINUTES);
      if (killed) {
        child.destroyForcibly();
      }
      if (!child.waitFor(2, TimeUnit.MINUTES)) {
        child.destroyForcibly();
      }
    } finally {
      if (child.isAlive()) {
        child.destroyForcibly();
        child.waitFor(1, TimeUnit.MINUTES);
      }
    }
    synchronized (lines) {
      return new Outcome(child.exitValue(), List.copyOf(lines), killed);
    }
  }
}
