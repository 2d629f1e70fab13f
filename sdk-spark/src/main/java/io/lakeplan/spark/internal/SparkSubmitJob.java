package io.lakeplan.spark.internal;

import io.lakeplan.model.SparkJob;
import io.lakeplan.spi.TaskResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a team's own Spark job (a {@code spark-job} step, e.g. an imported legacy PySpark script) as
 * a {@code spark-submit} child process on the engine session's master, so on a standalone cluster
 * it goes to the same cluster. The launcher is {@code $SPARK_HOME/bin/spark-submit} when {@code
 * SPARK_HOME} names a Spark distribution, else this JVM's {@code java} with its class path (which
 * holds Spark) and Spark's own JDK module options, running {@code
 * org.apache.spark.deploy.SparkSubmit}. A {@code .py} entry point gets the interpreter named by
 * {@code PYSPARK_PYTHON}. The child's output goes to the log line by line; its exit code and last
 * lines make the task's result, or its failure with the line that says why.
 */
final class SparkSubmitJob {

  private static final Logger LOG = LoggerFactory.getLogger(SparkSubmitJob.class);

  static final String SPARK_SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";

  /** How many of the last lines a successful task's summary carries (the log has them all). */
  static final int SUMMARY_LINES = 5;

  /**
   * How long a child gets to stop on SIGTERM (its shutdown hooks stop Spark) before it is killed.
   */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** How long the output reader may lag once the child has exited (a grandchild may hold it). */
  private static final Duration READER_GRACE = Duration.ofSeconds(10);

  private SparkSubmitJob() {}

  static TaskResult run(Context context, SparkJob job) {
    String entrypoint = entrypoint(context, job);
    List<String> submit = submitArguments(context, job, entrypoint, System.getenv());
    List<String> command = new ArrayList<>(launcher(System.getenv()));
    command.addAll(submit);
    return start(job, entrypoint, command, submit);
  }

  /**
   * The entry point as spark-submit takes it: a local file as an absolute path, checked to exist; a
   * relative path against the use case's folder; other schemes ({@code s3://}, {@code hdfs://}) as
   * they are.
   */
  static String entrypoint(Context context, SparkJob job) {
    String declared = job.entrypoint().strip();
    String resolved = context.resolve(declared);
    Path local = localPath(resolved);
    if (local == null) {
      return resolved;
    }
    if (!Files.isRegularFile(local)) {
      throw new TaskFailedException(
          "Spark job "
              + job.id()
              + ": entry point "
              + local
              + (Files.isDirectory(local) ? " is a folder, not a file" : " does not exist")
              + " (spark-jobs["
              + job.id()
              + "].entrypoint; a relative path resolves against the use case's folder)");
    }
    return local.toString();
  }

  /** {@code location} as a local file, or null when it names another file system. */
  private static Path localPath(String location) {
    if (location.startsWith("file:")) {
      try {
        URI uri = URI.create(location);
        return uri.getAuthority() == null
            ? Path.of(uri).toAbsolutePath()
            : Path.of(uri.getPath()).toAbsolutePath();
      } catch (IllegalArgumentException e) {
        // not a well-formed URI (e.g. a space): take what follows the scheme as the path
        return Path.of(location.substring("file:".length())).toAbsolutePath();
      }
    }
    if (location.contains("://")) {
      return null;
    }
    return Path.of(location).toAbsolutePath();
  }

  /**
   * spark-submit's arguments: {@code --master} (the session's), the Python interpreter for a {@code
   * .py} entry point, the job's own parameters (after ours, so theirs win), the entry point and the
   * job's arguments.
   */
  static List<String> submitArguments(
      Context context, SparkJob job, String entrypoint, java.util.Map<String, String> environment) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--master");
    arguments.add(context.spark.sparkContext().master());
    String python = environment.get("PYSPARK_PYTHON");
    if (entrypoint.toLowerCase(Locale.ROOT).endsWith(".py")
        && python != null
        && !python.isBlank()) {
      arguments.add("--conf");
      arguments.add("spark.pyspark.python=" + python);
    }
    try {
      arguments.addAll(tokens(job.sparkSubmitParameters()));
    } catch (IllegalArgumentException e) {
      throw new TaskFailedException(
          "Spark job "
              + job.id()
              + ": "
              + e.getMessage()
              + " (spark-jobs["
              + job.id()
              + "].spark-submit-parameters; close it, or escape it with \\)");
    }
    arguments.add(entrypoint);
    arguments.addAll(job.arguments());
    return arguments;
  }

  /**
   * What runs spark-submit: {@code $SPARK_HOME/bin/spark-submit} when that file exists, else this
   * JVM's {@code java} with its class path and the module options Spark's own launcher adds.
   */
  static List<String> launcher(java.util.Map<String, String> environment) {
    String home = environment.get("SPARK_HOME");
    if (home != null && !home.isBlank()) {
      Path script = Path.of(home, "bin", "spark-submit");
      if (Files.isRegularFile(script)) {
        return List.of(script.toString());
      }
      LOG.warn(
          "SPARK_HOME is {} but {} does not exist: running spark-submit with this JVM's class path",
          home,
          script);
    }
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    java.add("-cp");
    java.add(System.getProperty("java.class.path"));
    java.add(SPARK_SUBMIT_CLASS);
    return java;
  }

  private static TaskResult start(
      SparkJob job, String entrypoint, List<String> command, List<String> submit) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new TaskFailedException(
          "Spark job "
              + job.id()
              + ": cannot start "
              + command.get(0)
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    // arguments and parameters hold no secrets (validation refuses them); the class path is left
    // out of the line for its length
    LOG.info(
        "Spark job {}: started spark-submit (pid {}) {}",
        job.id(),
        process.pid(),
        String.join(" ", submit));
    SparkSubmitOutput output = new SparkSubmitOutput();
    Thread reader = new Thread(() -> read(job, process, output), "spark-submit-" + job.id());
    reader.setDaemon(true);
    reader.start();
    int exit;
    try {
      process.getOutputStream().close();
      exit = process.waitFor();
      reader.join(READER_GRACE.toMillis());
    } catch (InterruptedException e) {
      stop(process);
      Thread.currentThread().interrupt();
      throw new TaskFailedException(
          "Spark job "
              + job.id()
              + ": interrupted; spark-submit (pid "
              + process.pid()
              + ") was stopped");
    } catch (IOException e) {
      stop(process);
      throw new UncheckedIOException(e);
    }
    List<String> tail;
    String error;
    synchronized (output) {
      tail = output.tail();
      error = output.errorLine();
    }
    if (exit != 0) {
      LOG.warn(
          "Spark job {}: spark-submit of {} exited with code {}; its last lines:\n  {}",
          job.id(),
          entrypoint,
          exit,
          String.join("\n  ", tail));
      throw new TaskFailedException(
          "Spark job "
              + job.id()
              + ": spark-submit of "
              + entrypoint
              + " exited with code "
              + exit
              + (error == null ? " and printed nothing" : ": " + error)
              + " (its last lines are in the log)");
    }
    List<String> last = tail.stream().filter(line -> !line.isBlank()).toList();
    last = last.subList(Math.max(0, last.size() - SUMMARY_LINES), last.size());
    return TaskResult.succeeded(
        0,
        0,
        0,
        Duration.ZERO,
        "Spark job "
            + job.id()
            + ": spark-submit of "
            + entrypoint
            + " exited with code 0"
            + (last.isEmpty() ? "" : "; last lines: " + String.join(" | ", last)));
  }

  private static void read(SparkJob job, Process process, SparkSubmitOutput output) {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        LOG.info("[spark-job {}] {}", job.id(), line);
        synchronized (output) {
          output.accept(line);
        }
      }
    } catch (IOException e) {
      // the stream closes when the child is stopped: nothing more to read
      LOG.debug("Spark job {}: output closed ({})", job.id(), e.getMessage());
    }
  }

  /**
   * Stops the child and what it started (Python workers): SIGTERM first, so Spark's shutdown hooks
   * run, then a kill after {@link #STOP_GRACE}.
   */
  private static void stop(Process process) {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    boolean stopped;
    try {
      stopped = process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = false;
    }
    if (!stopped) {
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * {@code parameters} split like a POSIX shell splits words: blanks separate, single quotes keep
   * everything, double quotes keep everything but {@code \"} and {@code \\}, a backslash outside
   * quotes keeps the next character. Empty for null.
   *
   * @throws IllegalArgumentException for an unclosed quote or a trailing backslash
   */
  static List<String> tokens(String parameters) {
    List<String> tokens = new ArrayList<>();
    if (parameters == null) {
      return tokens;
    }
    StringBuilder token = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < parameters.length(); i++) {
      char c = parameters.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          token.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < parameters.length()
            && (parameters.charAt(i + 1) == '"' || parameters.charAt(i + 1) == '\\')) {
          token.append(parameters.charAt(++i));
        } else {
          token.append(c);
        }
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(token.toString());
          token.setLength(0);
          inToken = false;
        }
      } else {
        inToken = true;
        if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '\\') {
          if (i + 1 == parameters.length()) {
            throw new IllegalArgumentException("spark-submit parameters end with a lone \\");
          }
          token.append(parameters.charAt(++i));
        } else {
          token.append(c);
        }
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException(
          "spark-submit parameters have an unclosed " + quote + " quote");
    }
    if (inToken) {
      tokens.add(token.toString());
    }
    return tokens;
  }
}
