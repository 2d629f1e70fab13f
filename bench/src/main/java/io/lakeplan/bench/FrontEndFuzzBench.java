package io.lakeplan.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.cli.FrontEndChain;
import io.lakeplan.cli.FuzzReport;
import io.lakeplan.cli.FuzzRun;
import io.lakeplan.fuzz.DocumentMutator;
import io.lakeplan.fuzz.MutationKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The 100,000-document run of the front-end fuzzing (issue 14): the generator and chain of {@code
 * FrontEndFuzzTest}, many more documents. Prints the documents, clean loads, loads with problems,
 * escapes and time per mutation kind, each distinct escape with its minimised document, and the
 * documents per second; writes the same as JSON. Exits 1 when anything escaped.
 *
 * <pre>
 * FrontEndFuzzBench [--documents N] [--seed S] [--threads T] [--command-sample K] [--out FILE]
 * </pre>
 *
 * Defaults: 100,000 documents, a new seed, one thread per core, every 50th document also through
 * every command, {@code bench/results/front-end-fuzz.json}. Run from the repository root (the seed
 * documents are its examples, fixtures and golden files).
 */
public final class FrontEndFuzzBench {
  private FrontEndFuzzBench() {}

  public static void main(String[] args) throws IOException {
    long documents = 100_000;
    long seed = System.nanoTime() ^ System.currentTimeMillis() << 20;
    int threads = Runtime.getRuntime().availableProcessors();
    int commandSample = 50;
    Path out = Path.of("bench/results/front-end-fuzz.json");
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("Missing value after " + args[i]);
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--documents" -> documents = Long.parseLong(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--threads" -> threads = Integer.parseInt(value);
        case "--command-sample" -> commandSample = Integer.parseInt(value);
        case "--out" -> out = Path.of(value);
        default ->
            throw new IllegalArgumentException(
                "Unknown argument: "
                    + args[i]
                    + " (expected --documents, --seed, --threads, --command-sample or --out)");
      }
    }

    String seedText = "seed " + seed + " (rerun: --seed " + seed + ")";
    DocumentMutator mutator = DocumentMutator.forRepository(seed);
    Path work = Files.createTempDirectory("lakeplan-fuzz-");
    long start = System.nanoTime();
    FuzzReport report;
    String escapesText;
    double seconds;
    try {
      report = FuzzRun.run(mutator, documents, threads, commandSample, work);
      seconds = (System.nanoTime() - start) / 1e9;
      // minimising the escapes' documents runs the chain again, in the work folder
      escapesText =
          report.documentsWithEscapes() > 0
              ? report.describeEscapes()
              : "No escapes: every document gave path-addressed problems or none.";
    } finally {
      deleteTree(work);
    }

    System.out.print(report.summary(seedText));
    System.out.printf(
        Locale.ROOT,
        "wall clock: %.1f s on %d threads, %.0f documents/s (1 document in %d also through %d"
            + " commands)%n",
        seconds,
        threads,
        documents / seconds,
        commandSample,
        FrontEndChain.COMMANDS.size());
    System.out.println(escapesText);

    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("benchmark", "front-end-fuzz");
    json.put("finished", Instant.now().toString());
    json.put("seed", seed);
    json.put("documents", documents);
    json.put("threads", threads);
    json.put("commandSample", commandSample);
    json.put("commandsPerSampledDocument", FrontEndChain.COMMANDS.size());
    json.put("wallSeconds", Math.round(seconds * 10) / 10.0);
    json.put("documentsPerSecond", Math.round(documents / seconds));
    json.put("chainSecondsAllThreads", Math.round(report.chainNanos() / 1e8) / 10.0);
    json.put("clean", report.cleanDocuments());
    json.put("withProblems", report.documentsWithProblems());
    json.put("withEscapes", report.documentsWithEscapes());
    ObjectNode perKind = json.putObject("perKind");
    for (Map.Entry<MutationKind, int[]> entry : report.counts().entrySet()) {
      int[] count = entry.getValue();
      ObjectNode kind = perKind.putObject(entry.getKey().name().toLowerCase(Locale.ROOT));
      kind.put("documents", count[0]);
      kind.put("clean", count[1]);
      kind.put("withProblems", count[2]);
      kind.put("withEscapes", count[3]);
      kind.put(
          "msPerDocument",
          Math.round(report.chainNanos(entry.getKey()) / 1e4 / Math.max(1, count[0])) / 100.0);
    }
    ArrayNode escapes = json.putArray("escapes");
    for (Map.Entry<String, List<FuzzReport.Found>> entry : report.escapes().entrySet()) {
      ObjectNode escape = escapes.addObject();
      escape.put("signature", entry.getKey());
      escape.put("documents", entry.getValue().size());
      escape.put("first", entry.getValue().get(0).document().describe());
      escape.put("detail", entry.getValue().get(0).escape().toString());
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
    System.out.println("Written to " + out);
    if (report.documentsWithEscapes() > 0) {
      System.exit(1);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
