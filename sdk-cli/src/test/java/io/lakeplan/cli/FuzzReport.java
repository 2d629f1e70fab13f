package io.lakeplan.cli;

import io.lakeplan.fuzz.Minimizer;
import io.lakeplan.fuzz.MutatedDocument;
import io.lakeplan.fuzz.MutationKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The tally of a fuzzing run over {@link FrontEndChain}: documents, clean loads, loads with
 * problems and escapes per mutation kind, the slowest documents, and each distinct escape (by stage
 * and exception) with its first document minimised.
 */
public final class FuzzReport {
  /** Escapes shown in full (with a minimised document); the rest are counted. */
  private static final int SHOWN = 10;

  private final FrontEndChain chain;
  private final Map<MutationKind, int[]> counts = new EnumMap<>(MutationKind.class);
  private final Map<MutationKind, long[]> kindNanos = new EnumMap<>(MutationKind.class);
  private final Map<String, List<Found>> escapes = new LinkedHashMap<>();
  private final PriorityQueue<Slow> slowest =
      new PriorityQueue<>(Comparator.comparingLong(Slow::nanos));
  private long nanos;
  private int documents;

  /** A found escape: the document and what escaped. */
  public record Found(MutatedDocument document, FrontEndChain.Escape escape) {}

  private record Slow(String document, long nanos) {}

  /** A report that minimises failing documents with {@code chain}. */
  public FuzzReport(FrontEndChain chain) {
    this.chain = chain;
    for (MutationKind kind : MutationKind.values()) {
      counts.put(kind, new int[4]);
      kindNanos.put(kind, new long[1]);
    }
  }

  /** Counts one document and what escaped from it; safe from several threads. */
  public synchronized void add(
      MutatedDocument document,
      FrontEndChain.Outcome outcome,
      List<FrontEndChain.Escape> documentEscapes) {
    int[] count = counts.get(document.kind());
    count[0]++;
    count[outcome.clean() ? 1 : 2]++;
    documents++;
    nanos += outcome.nanos();
    kindNanos.get(document.kind())[0] += outcome.nanos();
    slowest.add(new Slow(document.describe(), outcome.nanos()));
    if (slowest.size() > 5) {
      slowest.poll();
    }
    if (!documentEscapes.isEmpty()) {
      count[3]++;
      for (FrontEndChain.Escape escape : documentEscapes) {
        escapes
            .computeIfAbsent(signature(escape), key -> new ArrayList<>())
            .add(new Found(document, escape));
      }
    }
  }

  /** Documents per kind. */
  public Map<MutationKind, Integer> documents() {
    Map<MutationKind, Integer> perKind = new EnumMap<>(MutationKind.class);
    counts.forEach((kind, count) -> perKind.put(kind, count[0]));
    return perKind;
  }

  /** Documents that loaded without problems. */
  public int cleanDocuments() {
    return counts.values().stream().mapToInt(count -> count[1]).sum();
  }

  /** Documents that loaded with problems. */
  public int documentsWithProblems() {
    return counts.values().stream().mapToInt(count -> count[2]).sum();
  }

  /** Every escape, by signature (stage and exception class or broken rule). */
  public Map<String, List<Found>> escapes() {
    return escapes;
  }

  /** Documents with at least one escape. */
  public int documentsWithEscapes() {
    return counts.values().stream().mapToInt(count -> count[3]).sum();
  }

  /** The time spent in the library chain (commands excluded), in nanoseconds. */
  public long chainNanos() {
    return nanos;
  }

  /** The time spent in the library chain on documents of {@code kind}, in nanoseconds. */
  public synchronized long chainNanos(MutationKind kind) {
    return kindNanos.get(kind)[0];
  }

  /** Per kind: documents, clean, with problems, with escapes. */
  public Map<MutationKind, int[]> counts() {
    return counts;
  }

  /** The distinct escapes, each with its first document and that document minimised. */
  public synchronized String describeEscapes() {
    escapes
        .values()
        .forEach(found -> found.sort(Comparator.comparingLong(f -> f.document().index())));
    StringBuilder text = new StringBuilder();
    text.append(documentsWithEscapes())
        .append(" of ")
        .append(documents)
        .append(" documents let something other than a problem out; ")
        .append(escapes.size())
        .append(" distinct escapes:\n");
    int shown = 0;
    for (Map.Entry<String, List<Found>> entry : escapes.entrySet()) {
      Found first = entry.getValue().get(0);
      text.append("\n* ")
          .append(entry.getKey())
          .append(" (")
          .append(entry.getValue().size())
          .append(" times), first: ")
          .append(first.document().describe())
          .append("\n  ")
          .append(first.escape())
          .append('\n');
      if (shown++ < SHOWN) {
        text.append("  minimal document:\n").append(indent(minimal(first))).append('\n');
      }
    }
    return text.toString();
  }

  /** A one-screen summary: per-kind counts, time per document, the slowest documents. */
  public synchronized String summary(String seed) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "Front-end fuzzing, %s%n", seed));
    text.append(
        String.format(
            Locale.ROOT,
            "%-16s %9s %9s %9s %9s%n",
            "kind",
            "documents",
            "clean",
            "problems",
            "escapes"));
    counts.forEach(
        (kind, count) ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "%-16s %9d %9d %9d %9d %9.2f%n",
                    kind.name().toLowerCase(Locale.ROOT),
                    count[0],
                    count[1],
                    count[2],
                    count[3],
                    kindNanos.get(kind)[0] / 1e6 / Math.max(1, count[0]))));
    text.append(
        String.format(
            Locale.ROOT,
            "%-16s %9d %9d %9d %9d %9.2f%n",
            "total",
            documents,
            cleanDocuments(),
            documentsWithProblems(),
            documentsWithEscapes(),
            nanos / 1e6 / Math.max(1, documents)));
    text.append(
        String.format(
            Locale.ROOT,
            "library chain: %.1f s, %.0f documents/s%n",
            nanos / 1e9,
            documents / Math.max(1e-9, nanos / 1e9)));
    List<Slow> slow = new ArrayList<>(slowest);
    slow.sort(Comparator.comparingLong(Slow::nanos).reversed());
    text.append("slowest:\n");
    slow.forEach(
        s ->
            text.append(
                String.format(Locale.ROOT, "  %6.0f ms  %s%n", s.nanos() / 1e6, s.document())));
    return text.toString();
  }

  private static String signature(FrontEndChain.Escape escape) {
    String detail = escape.detail();
    int end = detail.indexOf(':');
    int frame = detail.indexOf(" at ");
    String cause = end < 0 ? detail : detail.substring(0, end);
    int close = frame < 0 ? -1 : detail.indexOf(')', frame);
    String where = close < 0 ? "" : detail.substring(frame, close + 1);
    return escape.stage() + " " + (cause.length() > 80 ? cause.substring(0, 80) : cause) + where;
  }

  /** The document's text, shrunk while the same escape still comes out. */
  private String minimal(Found found) {
    String signature = signature(found.escape());
    MutatedDocument document = found.document();
    try {
      String minimal =
          Minimizer.minimize(
              document.text(),
              text -> {
                MutatedDocument candidate =
                    new MutatedDocument(
                        document.index(),
                        document.kind(),
                        document.origin(),
                        "minimised",
                        document.fileName(),
                        text.getBytes(StandardCharsets.UTF_8));
                FrontEndChain.Outcome outcome = chain.run(candidate);
                List<FrontEndChain.Escape> again = new ArrayList<>(outcome.escapes());
                if (found.escape().stage() == FrontEndChain.Stage.CLI) {
                  again.addAll(chain.runCommands(candidate, outcome));
                }
                return again.stream().anyMatch(escape -> signature(escape).equals(signature));
              },
              3_000);
      return minimal.length() > 2_000 ? minimal.substring(0, 2_000) + "…" : minimal;
    } catch (IllegalArgumentException e) {
      String text = document.text();
      return "(does not reproduce from its UTF-8 text) "
          + (text.length() > 2_000 ? text.substring(0, 2_000) + "…" : text);
    }
  }

  private static String indent(String text) {
    return "    | " + text.replace("\n", "\n    | ");
  }
}
