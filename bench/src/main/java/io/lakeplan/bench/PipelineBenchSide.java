package io.lakeplan.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timings of one side of the testkit-vs-Spark pipeline benchmark (one engine, one JVM), and the
 * JSON file each side writes for {@link PipelineBenchReport} to combine.
 */
public final class PipelineBenchSide {

  private final String engine;
  private final int warmups;
  private final List<Long> warmupMillis = new ArrayList<>();
  private final List<Long> millis = new ArrayList<>();
  private final Map<String, String> taskStatuses = new LinkedHashMap<>();
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final Map<String, List<Double>> stageMillis = new LinkedHashMap<>();

  /**
   * A side's command line: {@code --warmups N --runs N --out FILE}.
   *
   * @param warmups untimed runs first
   * @param runs timed runs
   * @param out where the side writes its JSON
   */
  public record Options(int warmups, int runs, Path out) {

    /**
     * Parses {@code args} over the given defaults.
     *
     * @throws IllegalArgumentException naming the argument when one is unknown or lacks a value, or
     *     when {@code runs < minRuns} or {@code warmups < 0}
     */
    public static Options parse(String[] args, Options defaults, int minRuns) {
      int warmups = defaults.warmups();
      int runs = defaults.runs();
      Path out = defaults.out();
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("Missing value after " + args[i]);
        }
        switch (args[i]) {
          case "--warmups" -> warmups = Integer.parseInt(args[i + 1]);
          case "--runs" -> runs = Integer.parseInt(args[i + 1]);
          case "--out" -> out = Path.of(args[i + 1]);
          default ->
              throw new IllegalArgumentException(
                  "Unknown argument: '" + args[i] + "' (expected --warmups, --runs or --out)");
        }
      }
      if (runs < minRuns || warmups < 0) {
        throw new IllegalArgumentException(
            "Invalid counts: warmups="
                + warmups
                + ", runs="
                + runs
                + " (need runs >= "
                + minRuns
                + ")");
      }
      return new Options(warmups, runs, out);
    }
  }

  /**
   * A side.
   *
   * @param engine what runs the pipeline, e.g. {@code in-memory (PipelineTestDriver)}
   * @param warmups the number of untimed runs before the timed ones
   */
  public PipelineBenchSide(String engine, int warmups) {
    this.engine = engine;
    this.warmups = warmups;
  }

  /** Records run {@code run} (0-based, warm-ups first) and prints it. */
  public void record(int run, long runMillis, double runMillisExact) {
    boolean warmup = run < warmups;
    (warmup ? warmupMillis : millis).add(runMillis);
    System.out.printf(
        Locale.ROOT,
        "  %-10s %10.1f ms%n",
        warmup ? "warm-up " + (run + 1) : "run " + (run - warmups + 1),
        runMillisExact);
  }

  /**
   * Records that stage {@code stage} of a timed run took {@code nanos} (stages: add history, run
   * the migration, send records, …), for the per-stage medians that show where the time goes.
   */
  public void stage(int run, String stage, long nanos) {
    if (run >= warmups) {
      stageMillis.computeIfAbsent(stage, name -> new ArrayList<>()).add(nanos / 1e6);
    }
  }

  /**
   * Records stage {@code stage} of run {@code run} as the time since {@code since} ({@link
   * System#nanoTime()}); returns the time now, the start of the next stage.
   */
  public long lap(int run, String stage, long since) {
    long now = System.nanoTime();
    stage(run, stage, now - since);
    return now;
  }

  /** Records the status of task {@code dagId/taskId} (the last run's). */
  public void taskStatus(String dagId, String taskId, String status) {
    taskStatuses.put(dagId + "/" + taskId, status);
  }

  /** Adds a detail to the JSON (row counts, heap, versions…). */
  public void detail(String name, Object value) {
    details.put(name, value);
  }

  /** The median of the timed runs, in milliseconds (the lower middle one for an even count). */
  public long medianMillis() {
    return median(millis);
  }

  /** The median of {@code values} (the lower middle one for an even count). */
  public static long median(List<Long> values) {
    if (values.isEmpty()) {
      throw new IllegalStateException("No timed runs");
    }
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get((sorted.size() - 1) / 2);
  }

  /** Writes the side's JSON to {@code out}, creating its folder. */
  public void write(Path out) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("engine", engine);
    json.put("warmups", warmups);
    json.put("runs", millis.size());
    json.put("medianMs", medianMillis());
    json.put("minMs", millis.stream().mapToLong(Long::longValue).min().orElseThrow());
    json.put("maxMs", millis.stream().mapToLong(Long::longValue).max().orElseThrow());
    json.put("timingsMs", millis);
    json.put("warmupTimingsMs", warmupMillis);
    Map<String, Double> stageMedians = new LinkedHashMap<>();
    stageMillis.forEach(
        (stage, values) -> {
          List<Double> sorted = values.stream().sorted().toList();
          stageMedians.put(stage, Math.round(sorted.get((sorted.size() - 1) / 2) * 10) / 10.0);
        });
    json.put("stageMediansMs", stageMedians);
    json.put("taskStatuses", taskStatuses);
    json.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    json.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    json.put("javaVersion", System.getProperty("java.version"));
    json.putAll(details);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    stageMedians.forEach(
        (stage, median) ->
            System.out.printf(Locale.ROOT, "    stage %-28s median %10.1f ms%n", stage, median));
    System.out.printf(
        Locale.ROOT,
        "%s: median %,d ms of %d runs after %d warm-ups; wrote %s%n",
        engine,
        medianMillis(),
        millis.size(),
        warmups,
        out);
  }
}
