package io.lakeplan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Combines the rounds of the testkit-vs-Spark pipeline benchmark (the JSON files {@link
 * PipelineBenchSide} wrote, one in-memory and one Spark JVM per round) into one result: each
 * round's medians and ratio, the median of the rounds' medians on each side, their ratio, and
 * whether the targets are met (in-memory at least 50x faster than Spark, and under 200 ms per
 * pipeline test). Several rounds, because the median of one JVM moves by ±10% between JVMs on a
 * shared machine.
 *
 * <p>{@code PipelineBenchReport OUT_JSON IN_MEMORY_JSON SPARK_JSON [IN_MEMORY_JSON SPARK_JSON]...}
 */
public final class PipelineBenchReport {

  /** The speed-up target: the in-memory pipeline test at least this many times faster. */
  static final double TARGET_RATIO = 50;

  /** The in-memory target per pipeline test after warm-up, in milliseconds. */
  static final long TARGET_IN_MEMORY_MS = 200;

  private PipelineBenchReport() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length % 2 != 1) {
      throw new IllegalArgumentException(
          "Expected the output JSON, then an in-memory and a Spark JSON per round; got "
              + args.length
              + " arguments");
    }
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Path out = Path.of(args[0]);
    List<JsonNode> inMemorySides = new ArrayList<>();
    List<JsonNode> sparkSides = new ArrayList<>();
    for (int i = 1; i < args.length; i += 2) {
      inMemorySides.add(mapper.readTree(Path.of(args[i]).toFile()));
      sparkSides.add(mapper.readTree(Path.of(args[i + 1]).toFile()));
    }
    JsonNode first = inMemorySides.get(0);
    System.out.printf(
        Locale.ROOT,
        "%nPipeline test (migrate %s rows, ingest %s Kafka records, merge, maintain), %d rounds%n",
        first.get("historyRows"),
        first.get("kafkaRecords"),
        inMemorySides.size());
    List<Map<String, Object>> rounds = new ArrayList<>();
    List<Long> inMemoryMedians = new ArrayList<>();
    List<Long> sparkMedians = new ArrayList<>();
    for (int round = 0; round < inMemorySides.size(); round++) {
      JsonNode inMemory = inMemorySides.get(round);
      JsonNode spark = sparkSides.get(round);
      long inMemoryMs = inMemory.get("medianMs").asLong();
      long sparkMs = spark.get("medianMs").asLong();
      inMemoryMedians.add(inMemoryMs);
      sparkMedians.add(sparkMs);
      double ratio = ratio(sparkMs, inMemoryMs);
      System.out.printf(
          Locale.ROOT,
          "  round %d: in-memory median %,5d ms of %s runs after %s warm-ups %s%n"
              + "           Spark median %,7d ms of %s runs after %s warm-ups %s%n"
              + "           ratio %.1fx%n",
          round + 1,
          inMemoryMs,
          inMemory.get("runs"),
          inMemory.get("warmups"),
          inMemory.get("timingsMs"),
          sparkMs,
          spark.get("runs"),
          spark.get("warmups"),
          spark.get("timingsMs"),
          ratio);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("round", round + 1);
      json.put("inMemoryMedianMs", inMemoryMs);
      json.put("sparkMedianMs", sparkMs);
      json.put("ratio", Math.round(ratio * 10) / 10.0);
      json.put("inMemory", inMemory);
      json.put("spark", spark);
      rounds.add(json);
    }
    long inMemoryMs = median(inMemoryMedians);
    long sparkMs = median(sparkMedians);
    double ratio = ratio(sparkMs, inMemoryMs);
    boolean ratioMet = ratio >= TARGET_RATIO;
    boolean inMemoryMet = inMemoryMs < TARGET_IN_MEMORY_MS;
    System.out.printf(
        Locale.ROOT,
        "  median of the rounds: in-memory %,d ms %s, Spark %,d ms %s%n"
            + "  ratio Spark / in-memory: %.1fx (target >= %.0fx: %s); in-memory < %d ms: %s%n",
        inMemoryMs,
        inMemoryMedians,
        sparkMs,
        sparkMedians,
        ratio,
        TARGET_RATIO,
        ratioMet ? "met" : "MISSED",
        TARGET_IN_MEMORY_MS,
        inMemoryMet ? "met" : "MISSED");

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "lakeplan-pipeline-test-in-memory-vs-spark");
    json.put("date", Instant.now().toString());
    json.put("inMemoryMedianMs", inMemoryMs);
    json.put("sparkMedianMs", sparkMs);
    json.put("ratio", Math.round(ratio * 10) / 10.0);
    json.put("targetRatio", TARGET_RATIO);
    json.put("ratioTargetMet", ratioMet);
    json.put("targetInMemoryMs", TARGET_IN_MEMORY_MS);
    json.put("inMemoryTargetMet", inMemoryMet);
    json.put("rounds", rounds);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    mapper.writeValue(out.toFile(), json);
    System.out.println("wrote " + out);
  }

  private static double ratio(long sparkMs, long inMemoryMs) {
    return (double) sparkMs / Math.max(1, inMemoryMs);
  }

  /** The median of the rounds' medians (the mean of the middle two for an even count). */
  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : Math.round((sorted.get(middle - 1) + sorted.get(middle)) / 2.0);
  }
}
