package io.lakeplan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Combines the two sides of the testkit-vs-Spark pipeline benchmark (the JSON files {@link
 * PipelineBenchSide} wrote in two JVMs) into one result: both medians, the ratio, and whether the
 * targets are met (in-memory at least 50x faster than Spark, and under 200 ms per pipeline test).
 *
 * <p>{@code PipelineBenchReport IN_MEMORY_JSON SPARK_JSON OUT_JSON}
 */
public final class PipelineBenchReport {

  /** The speed-up target: the in-memory pipeline test at least this many times faster. */
  static final double TARGET_RATIO = 50;

  /** The in-memory target per pipeline test after warm-up, in milliseconds. */
  static final long TARGET_IN_MEMORY_MS = 200;

  private PipelineBenchReport() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "Expected 3 arguments (in-memory JSON, Spark JSON, output JSON), got " + args.length);
    }
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    JsonNode inMemory = mapper.readTree(Path.of(args[0]).toFile());
    JsonNode spark = mapper.readTree(Path.of(args[1]).toFile());
    Path out = Path.of(args[2]);
    long inMemoryMs = inMemory.get("medianMs").asLong();
    long sparkMs = spark.get("medianMs").asLong();
    double ratio = (double) sparkMs / Math.max(1, inMemoryMs);
    boolean ratioMet = ratio >= TARGET_RATIO;
    boolean inMemoryMet = inMemoryMs < TARGET_IN_MEMORY_MS;

    System.out.printf(
        Locale.ROOT,
        "%nPipeline test (migrate %s rows, ingest %s Kafka records, merge, maintain)%n",
        inMemory.get("historyRows"),
        inMemory.get("kafkaRecords"));
    System.out.printf(
        Locale.ROOT,
        "  in-memory (testkit): median %,8d ms  of %s runs after %s warm-ups  %s%n",
        inMemoryMs,
        inMemory.get("runs"),
        inMemory.get("warmups"),
        inMemory.get("timingsMs"));
    System.out.printf(
        Locale.ROOT,
        "  Spark (local[2]):    median %,8d ms  of %s runs after %s warm-ups  %s%n",
        sparkMs,
        spark.get("runs"),
        spark.get("warmups"),
        spark.get("timingsMs"));
    System.out.printf(
        Locale.ROOT,
        "  ratio Spark / in-memory: %.1fx (target >= %.0fx: %s); in-memory < %d ms: %s%n",
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
    json.put("inMemory", inMemory);
    json.put("spark", spark);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    mapper.writeValue(out.toFile(), json);
    System.out.println("wrote " + out);
  }
}
