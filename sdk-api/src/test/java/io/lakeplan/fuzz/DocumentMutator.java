package io.lakeplan.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates damaged use-case documents from seed documents, deterministically: document {@code i}
 * of a run depends only on the run's seed, {@code i} and the seed documents, so {@code document(i)}
 * reproduces any one of them without generating the others. The kinds take turns ({@code i %
 * kinds}), so every kind gets the same share of a run; the seed document and the details of the
 * mutation are drawn at random. Half of the documents start from the repository's files, half from
 * generated use cases.
 */
public final class DocumentMutator {
  private static final MutationKind[] KINDS = MutationKind.values();

  /** {@code key: value}, {@code - key: value} or {@code key:} (the value on the next lines). */
  private static final Pattern KEY_LINE =
      Pattern.compile("^( *)((?:- +)*)([A-Za-z0-9_][\\w.-]*)[ \\t]*:(?:[ \\t]+(.*))?$");

  private static final Pattern LIST_ITEM = Pattern.compile("^( *)- +(.+)$");
  private static final Pattern FLOW_MAP_VALUE =
      Pattern.compile("[\\w-]+:[ \\t]*([^,\\[\\]{}\\s][^,\\[\\]{}]*?)[ \\t]*(?=[,\\]}])");
  private static final Pattern FLOW_SEQUENCE_ITEM =
      Pattern.compile("(?<=[\\[,])[ \\t]*([^,\\[\\]{}:\\s][^,\\[\\]{}:]*?)[ \\t]*(?=[,\\]])");

  private static final String[] OTHER_TYPES = {
    "42",
    "-1",
    "0",
    "3.14",
    "true",
    "no",
    "[]",
    "[a, b]",
    "{}",
    "{x: 1}",
    "\"\"",
    "\" \"",
    "99999999999999999999",
    "-9223372036854775809",
    "1e400",
    "-.inf",
    ".nan",
    "2024-02-30",
    "2024-01-01T00:00:00Z",
    "0x7F",
    "0o17",
    "!!binary aGVsbG8=",
    "!!int 12",
    "!!float 1.5",
    "!!str x",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2001-12-14",
    "!custom x",
    "\"\\u0000\"",
    "'it''s'",
    "P1D",
    "-7d",
    "0d",
    "1 2 3"
  };
  private static final String[] NULLS = {"null", "~", "", "Null", "NULL", "!!null ''"};
  private static final String[] UNKNOWN_KEYS = {
    "unknown",
    "api_version",
    "Name",
    "nmae",
    "target-table",
    "dags",
    "type",
    "id",
    "tables",
    "x-extension",
    "schedule",
    "owner",
    "columns",
    "table",
    "name",
    "\"quoted key\"",
    "'single'",
    "? complex",
    "123",
    "true",
    "null",
    "_",
    "ü"
  };
  private static final String[] KEY_VALUES = {"x", "1", "[a]", "{a: b}", "", "null", "true"};
  private static final String[] API_VERSIONS = {
    "lakeplan/v2",
    "lakeplan/v0",
    "v1",
    "\"\"",
    "null",
    "[lakeplan/v1]",
    "lakeplan/V1",
    "\"lakeplan/v1 \"",
    "{lakeplan: v1}",
    "lakeplan/v1/extra"
  };
  private static final int[] DEPTHS = {8, 39, 40, 41, 60, 500, 5_000, 50_000};
  private static final int[] LONG_LENGTHS = {1_000, 5_000, 20_000, 70_000, 100_000};

  /**
   * Drawn for one huge value in eight: slow to load, and past the size limit they all end alike.
   */
  private static final int[] HUGE_LENGTHS = {300_000, 1_048_577, 1_100_000};

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private final long seed;
  private final List<SeedDocument> files;
  private final List<SeedDocument> generated;

  /**
   * A mutator for one run.
   *
   * @param seed the run's seed
   * @param files the repository's example, fixture and golden files
   * @param generated generated use cases
   */
  public DocumentMutator(long seed, List<SeedDocument> files, List<SeedDocument> generated) {
    if (files.isEmpty() && generated.isEmpty()) {
      throw new IllegalArgumentException("No seed documents to mutate");
    }
    this.seed = seed;
    this.files = List.copyOf(files);
    this.generated = List.copyOf(generated);
  }

  /** A mutator over the repository's files and 64 generated use cases drawn from {@code seed}. */
  public static DocumentMutator forRepository(long seed) {
    return new DocumentMutator(
        seed,
        SeedDocuments.files(SeedDocuments.repositoryRoot()),
        SeedDocuments.generated(seed, 64));
  }

  /** The run's seed. */
  public long seed() {
    return seed;
  }

  /** Document {@code index} of the run. */
  public MutatedDocument document(long index) {
    Random random = new Random(mix(seed, index));
    MutationKind kind = KINDS[(int) Math.floorMod(index, (long) KINDS.length)];
    List<SeedDocument> pool =
        generated.isEmpty() || (!files.isEmpty() && random.nextBoolean()) ? files : generated;
    SeedDocument source = pool.get(random.nextInt(pool.size()));
    Mutation mutation = new Mutation(source.text(), random);
    mutation.apply(kind);
    return new MutatedDocument(
        index,
        kind,
        source.origin(),
        String.join("; ", mutation.steps),
        String.format("m%07d-%s.yaml", index, source.baseName()),
        mutation.bytes());
  }

  /**
   * A 64-bit mix of two values (SplitMix64's finaliser), so nearby indexes give unrelated seeds.
   */
  public static long mix(long seed, long index) {
    long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One document being mutated: its lines (or, after random bytes, its bytes) and the steps. */
  private static final class Mutation {
    private final Random random;
    private final List<String> steps = new ArrayList<>();
    private List<String> lines;
    private byte[] bytes;

    Mutation(String text, Random random) {
      this.random = random;
      this.lines = new ArrayList<>(List.of(text.split("\n", -1)));
    }

    byte[] bytes() {
      return bytes != null ? bytes : text().getBytes(StandardCharsets.UTF_8);
    }

    private String text() {
      return String.join("\n", lines);
    }

    private void setText(String text) {
      lines = new ArrayList<>(List.of(text.split("\n", -1)));
    }

    private void step(String description) {
      steps.add(description);
    }

    private <T> T pick(T[] values) {
      return values[random.nextInt(values.length)];
    }

    private int pick(int[] values) {
      return values[random.nextInt(values.length)];
    }

    void apply(MutationKind kind) {
      switch (kind) {
        case TRUNCATE -> truncate();
        case DELETE_LINES -> deleteLines();
        case DUPLICATE_LINES -> duplicateLines();
        case SWAP_LINES -> swapLines();
        case RETYPE_SCALAR -> replaceScalar(pick(OTHER_TYPES), "retyped");
        case OTHER_VALUE -> otherValue();
        case NULL_VALUE -> nullValue();
        case RANDOM_BYTES -> randomBytes();
        case DEEP_NESTING -> deepNesting();
        case ANCHORS_ALIASES -> anchorsAndAliases();
        case TABS -> tabs();
        case HUGE_SCALAR -> hugeScalar();
        case UNKNOWN_KEY -> unknownKey();
        case FORMAT -> format();
        case STACKED -> stacked();
      }
    }

    private void stacked() {
      int count = 2 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        MutationKind kind;
        do {
          kind = KINDS[random.nextInt(KINDS.length)];
        } while (kind == MutationKind.STACKED
            || kind == MutationKind.RANDOM_BYTES
            || kind == MutationKind.HUGE_SCALAR);
        apply(kind);
      }
      if (random.nextInt(5) == 0) {
        randomBytes();
      }
    }

    // --- lines --------------------------------------------------------------------------------

    private void truncate() {
      int line = random.nextInt(lines.size() + 1);
      if (line < lines.size() && random.nextBoolean()) {
        String cut = lines.get(line);
        int column = cut.isEmpty() ? 0 : random.nextInt(cut.length());
        lines = new ArrayList<>(lines.subList(0, line + 1));
        lines.set(line, cut.substring(0, column));
        step("truncated at line " + (line + 1) + " column " + (column + 1));
      } else {
        lines = new ArrayList<>(lines.subList(0, line));
        step("truncated after line " + line);
      }
    }

    private void deleteLines() {
      List<Integer> keys = keyLines();
      if (!keys.isEmpty() && random.nextBoolean()) {
        int line = keys.get(random.nextInt(keys.size()));
        deleteKey(line);
        return;
      }
      if (lines.isEmpty()) {
        return;
      }
      int start = random.nextInt(lines.size());
      int count = Math.min(lines.size() - start, 1 + random.nextInt(3));
      lines.subList(start, start + count).clear();
      step("deleted lines " + (start + 1) + "-" + (start + count));
    }

    /** Deletes the key on {@code line} and its block; a list item keeps its other keys. */
    private void deleteKey(int line) {
      Matcher key = KEY_LINE.matcher(lines.get(line));
      if (!key.matches()) {
        return;
      }
      int end = blockEnd(line);
      String dash = key.group(2);
      int column = key.group(1).length() + dash.length();
      if (!dash.isEmpty() && end < lines.size() && indent(lines.get(end)) == column) {
        // "- id: x" followed by "  target: ..." — the next key takes the dash.
        String next = lines.get(end);
        lines.set(end, key.group(1) + dash + next.substring(column));
      }
      lines.subList(line, end).clear();
      step("deleted key '" + key.group(3) + "' at line " + (line + 1) + " with its block");
    }

    private void duplicateLines() {
      List<Integer> keys = keyLines();
      if (!keys.isEmpty() && random.nextBoolean()) {
        int line = keys.get(random.nextInt(keys.size()));
        int end = itemEnd(line);
        lines.addAll(end, new ArrayList<>(lines.subList(line, end)));
        step("repeated the block of line " + (line + 1) + " (" + (end - line) + " lines)");
        return;
      }
      if (lines.isEmpty()) {
        return;
      }
      int start = random.nextInt(lines.size());
      int count = Math.min(lines.size() - start, 1 + random.nextInt(3));
      lines.addAll(start + count, new ArrayList<>(lines.subList(start, start + count)));
      step("repeated lines " + (start + 1) + "-" + (start + count));
    }

    private void swapLines() {
      if (lines.size() < 2) {
        return;
      }
      int first = random.nextInt(lines.size() - 1);
      int second = random.nextBoolean() ? first + 1 : random.nextInt(lines.size());
      java.util.Collections.swap(lines, first, second);
      step("swapped lines " + (first + 1) + " and " + (second + 1));
    }

    // --- values -------------------------------------------------------------------------------

    /** Replaces a random scalar (block value, list item or flow element) by {@code value}. */
    private void replaceScalar(String value, String what) {
      List<int[]> sites = scalarSites();
      if (sites.isEmpty()) {
        lines.add("extra: " + value);
        step(what + ": appended 'extra: " + abbreviate(value) + "'");
        return;
      }
      int[] site = sites.get(random.nextInt(sites.size()));
      String line = lines.get(site[0]);
      String replacement = value;
      if (value.startsWith("|") || value.startsWith(">")) {
        replacement = value.replace("\n", "\n" + " ".repeat(indent(line) + 2));
      }
      lines.set(site[0], line.substring(0, site[1]) + replacement + line.substring(site[2]));
      step(
          what
              + ": line "
              + (site[0] + 1)
              + " '"
              + abbreviate(line.substring(site[1], site[2]))
              + "' -> '"
              + abbreviate(value)
              + "'");
    }

    private void otherValue() {
      List<int[]> sites = scalarSites();
      if (sites.isEmpty()) {
        replaceScalar(pick(OTHER_TYPES), "retyped");
        return;
      }
      int[] site = sites.get(random.nextInt(sites.size()));
      String value = lines.get(site[0]).substring(site[1], site[2]);
      replaceScalar(value, "value of line " + (site[0] + 1) + " elsewhere");
    }

    private void nullValue() {
      List<Integer> keys = keyLines();
      if (!keys.isEmpty() && random.nextBoolean()) {
        int line = keys.get(random.nextInt(keys.size()));
        Matcher key = KEY_LINE.matcher(lines.get(line));
        if (key.matches()) {
          String value = pick(NULLS);
          int end = blockEnd(line);
          lines.subList(line + 1, end).clear();
          lines.set(
              line,
              key.group(1)
                  + key.group(2)
                  + key.group(3)
                  + ":"
                  + (value.isEmpty() ? "" : " ")
                  + value);
          step("nulled key '" + key.group(3) + "' at line " + (line + 1) + " as '" + value + "'");
          return;
        }
      }
      replaceScalar(pick(NULLS), "nulled");
    }

    private void randomBytes() {
      byte[] content = bytes();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int position = content.length == 0 ? 0 : random.nextInt(content.length + 1);
      switch (random.nextInt(7)) {
        case 0 -> {
          content = content.clone();
          int count = 1 + random.nextInt(8);
          for (int i = 0; i < count && content.length > 0; i++) {
            content[random.nextInt(content.length)] = (byte) random.nextInt(256);
          }
          step("overwrote " + count + " random bytes");
          bytes = content;
          return;
        }
        case 1 -> {
          byte[] noise = new byte[1 + random.nextInt(32)];
          random.nextBytes(noise);
          out.write(content, 0, position);
          out.writeBytes(noise);
          step("inserted " + noise.length + " random bytes at byte " + position);
        }
        case 2 -> {
          byte[][] marks = {
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
            {(byte) 0xFE, (byte) 0xFF},
            {(byte) 0xFF, (byte) 0xFE},
            {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF}
          };
          byte[] mark = marks[random.nextInt(marks.length)];
          out.writeBytes(mark);
          position = 0;
          step("prepended a byte-order mark of " + mark.length + " bytes");
        }
        case 3 -> {
          out.write(content, 0, position);
          out.write(0);
          step("inserted NUL at byte " + position);
        }
        case 4 -> {
          String lineEnd = random.nextBoolean() ? "\r\n" : "\r";
          bytes =
              new String(content, StandardCharsets.UTF_8)
                  .replace("\n", lineEnd)
                  .getBytes(StandardCharsets.UTF_8);
          step("line endings " + (lineEnd.length() == 2 ? "CRLF" : "CR"));
          return;
        }
        case 5 -> {
          int[] codePoints = {
            0xFEFF, 0x2028, 0x2029, 0x0085, 0x00A0, 0x1F600, 0xE000, 0xFFFF, 0xFFFE, 0x10FFFF, 0x7F,
            0x1B, 0x0B, 0x0C, 0x200B, 0x202E
          };
          int codePoint = pick(codePoints);
          // insert at a character boundary of the text, so the rest stays valid UTF-8
          String text = new String(content, StandardCharsets.UTF_8);
          int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
          if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) {
            at--;
          }
          bytes =
              (text.substring(0, at)
                      + new String(Character.toChars(codePoint))
                      + text.substring(at))
                  .getBytes(StandardCharsets.UTF_8);
          step(String.format("inserted U+%04X at character %d", codePoint, at));
          return;
        }
        default -> {
          byte[][] invalid = {
            {(byte) 0xC3, (byte) 0x28},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF}
          };
          byte[] sequence = invalid[random.nextInt(invalid.length)];
          out.write(content, 0, position);
          out.writeBytes(sequence);
          step("inserted an invalid UTF-8 sequence at byte " + position);
        }
      }
      out.write(content, position, content.length - position);
      bytes = out.toByteArray();
    }

    private void deepNesting() {
      int depth = pick(DEPTHS);
      boolean closed = random.nextInt(4) != 0;
      String nested;
      String shape;
      switch (random.nextInt(3)) {
        case 0 -> {
          nested = "[".repeat(depth) + "x" + (closed ? "]".repeat(depth) : "");
          shape = "lists";
        }
        case 1 -> {
          nested = "{a: ".repeat(depth) + "x" + (closed ? "}".repeat(depth) : "");
          shape = "maps";
        }
        default -> {
          depth = Math.min(depth, 300);
          StringBuilder block = new StringBuilder();
          for (int i = 0; i < depth; i++) {
            block.append('\n').append(" ".repeat(i + 1)).append(i % 2 == 0 ? "- " : "k: ");
          }
          nested = block.append("x").toString();
          shape = "block lists and maps";
        }
      }
      step("nested " + shape + " " + depth + " deep" + (closed ? "" : ", unclosed"));
      if (random.nextBoolean()) {
        lines.add("nested: " + nested);
        step("at the end, under key 'nested'");
      } else {
        replaceScalar(nested, "nesting");
      }
    }

    private void anchorsAndAliases() {
      switch (random.nextInt(7)) {
        case 0 -> {
          List<int[]> sites = scalarSites();
          if (sites.size() < 2) {
            lines.add("shared: &s x");
            lines.add("again: *s");
            step("anchor and alias at the end");
            return;
          }
          int[] anchored = sites.get(random.nextInt(sites.size()));
          String anchorLine = lines.get(anchored[0]);
          lines.set(
              anchored[0],
              anchorLine.substring(0, anchored[1]) + "&a1 " + anchorLine.substring(anchored[1]));
          replaceScalar("*a1", "aliased");
          step("anchored the value on line " + (anchored[0] + 1));
        }
        case 1 -> replaceScalar("*undefined", "alias to an undefined anchor");
        case 2 -> {
          int levels = 3 + random.nextInt(8);
          lines.add("lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]");
          for (int i = 1; i < levels; i++) {
            lines.add(
                "lol"
                    + i
                    + ": &l"
                    + i
                    + " ["
                    + String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1)))
                    + "]");
          }
          step("alias bomb " + levels + " levels of 10");
        }
        case 3 -> {
          lines.add("cycle: &c [a, *c]");
          step("alias inside its own anchor");
        }
        case 4 -> {
          lines.add(0, "base: &base {owner: x, name: y}");
          lines.add("<<: *base");
          step("merge key at the root");
        }
        case 5 -> {
          List<Integer> keys = blockKeyLines();
          if (keys.size() < 2) {
            replaceScalar("*undefined", "alias to an undefined anchor");
            return;
          }
          int from = keys.get(random.nextInt(keys.size()));
          int to = keys.get(random.nextInt(keys.size()));
          lines.set(from, lines.get(from) + " &blk");
          Matcher key = KEY_LINE.matcher(lines.get(to));
          if (key.matches() && to != from) {
            int end = blockEnd(to);
            lines.subList(to + 1, end).clear();
            lines.set(to, key.group(1) + key.group(2) + key.group(3) + ": *blk");
          }
          step("block of line " + (from + 1) + " anchored and aliased at line " + (to + 1));
        }
        default -> {
          lines.add("&k key: value");
          lines.add("*k : again");
          step("anchor on a key and alias as a key");
        }
      }
    }

    private void tabs() {
      switch (random.nextInt(5)) {
        case 0 -> {
          int line = random.nextInt(Math.max(1, lines.size()));
          if (line < lines.size()) {
            String text = lines.get(line);
            int indent = indent(text);
            lines.set(line, "\t" + text.substring(Math.min(indent, Math.max(0, indent - 2))));
          }
          step("tab indentation on line " + (line + 1));
        }
        case 1 -> {
          lines.replaceAll(line -> line.replace("  ", "\t"));
          step("every two spaces as a tab");
        }
        case 2 -> {
          lines.replaceAll(line -> line.replaceFirst(": ", ":\t"));
          step("tab after every first colon");
        }
        case 3 -> replaceScalar("0\t3 * * *", "tab inside a value");
        default -> {
          lines.add(0, "\t");
          step("a tab line first");
        }
      }
    }

    private void hugeScalar() {
      int length = random.nextInt(8) == 0 ? pick(HUGE_LENGTHS) : pick(LONG_LENGTHS);
      switch (random.nextInt(5)) {
        case 0 -> replaceScalar("x".repeat(length), "huge text of " + length);
        case 1 -> replaceScalar("9".repeat(length), "huge number of " + length + " digits");
        case 2 -> {
          lines.add("k".repeat(length) + ": v");
          step("huge key of " + length);
        }
        case 3 -> {
          // past the limit of expanded values (100,000), not much further: the parser builds
          // every item before the limit is checked
          int items = Math.min(120_000, Math.max(1, length / 3));
          replaceScalar(
              "[" + String.join(",", java.util.Collections.nCopies(items, "a")) + "]",
              "list of " + items + " items");
        }
        default ->
            replaceScalar("\"" + "\\u00e9".repeat(length / 6 + 1) + "\"", "huge escaped text");
      }
    }

    private void unknownKey() {
      String name = pick(UNKNOWN_KEYS);
      String value = pick(KEY_VALUES);
      List<Integer> keys = keyLines();
      if (keys.isEmpty() || random.nextInt(5) == 0) {
        int at = random.nextInt(lines.size() + 1);
        lines.add(at, name + ": " + value);
        step("key '" + name + "' at the root, line " + (at + 1));
        return;
      }
      int line = keys.get(random.nextInt(keys.size()));
      Matcher key = KEY_LINE.matcher(lines.get(line));
      if (!key.matches()) {
        return;
      }
      int column = key.group(1).length() + key.group(2).length();
      String inserted = " ".repeat(column) + name + ": " + value;
      lines.add(blockEnd(line), inserted);
      step("key '" + name + "' next to '" + key.group(3) + "' of line " + (line + 1));
    }

    private void format() {
      switch (random.nextInt(9)) {
        case 0 -> {
          int before = lines.size();
          lines.removeIf(line -> line.startsWith("api-version"));
          step("removed api-version (" + (before - lines.size()) + " lines)");
        }
        case 1 -> {
          String version = pick(API_VERSIONS);
          lines.replaceAll(
              line -> line.startsWith("api-version") ? "api-version: " + version : line);
          step("api-version set to " + version);
        }
        case 2 -> {
          lines.add(0, "api-version: lakeplan/v1");
          step("api-version added first");
        }
        case 3 -> {
          lines.add("dags:");
          lines.add("  - name: extra_dag");
          lines.add("    type: ingestion");
          lines.add("    spark: {entrypoint: s3://bucket/job.py}");
          step("a legacy dags block appended");
        }
        case 4 -> {
          try {
            JsonNode tree = YAML.readTree(text());
            setText(
                random.nextBoolean()
                    ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree)
                    : JSON.writeValueAsString(tree));
            step("rewritten as JSON");
          } catch (JsonProcessingException | RuntimeException e) {
            lines.add(0, "{");
            step("an opening brace first (not YAML to begin with)");
          }
        }
        case 5 -> {
          for (int i = 0; i < lines.size(); i++) {
            lines.set(i, (i == 0 ? "- " : "  ") + lines.get(i));
          }
          step("the document as the item of a list");
        }
        case 6 -> {
          String text = text();
          setText(random.nextBoolean() ? text + "\n---\n" + text : "---\n" + text + "\n...\n");
          step("a stream of documents");
        }
        case 7 -> {
          lines.add(
              0, random.nextBoolean() ? "%YAML 1.1\n---" : "%TAG ! tag:example.com,2000:\n---");
          setText(text());
          step("a directive first");
        }
        default -> {
          List<Integer> keys = blockKeyLines();
          keys.removeIf(line -> !lines.get(line).startsWith("dags"));
          if (keys.isEmpty()) {
            lines.add(0, "owner: someone@example.com");
            step("legacy owner added");
          } else {
            int line = keys.get(0);
            lines.subList(line + 1, blockEnd(line)).clear();
            lines.set(line, "dags: {name: only}");
            step("legacy dags as a map");
          }
        }
      }
    }

    // --- structure ----------------------------------------------------------------------------

    private List<Integer> keyLines() {
      List<Integer> keys = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        if (KEY_LINE.matcher(lines.get(i)).matches()) {
          keys.add(i);
        }
      }
      return keys;
    }

    /** Key lines whose value is a block on the next lines. */
    private List<Integer> blockKeyLines() {
      List<Integer> keys = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        Matcher key = KEY_LINE.matcher(lines.get(i));
        if (key.matches() && (key.group(4) == null || key.group(4).isBlank())) {
          keys.add(i);
        }
      }
      return keys;
    }

    /**
     * The line after the value block of the key on {@code line}: the more indented lines below it,
     * and a list at the key's own indentation.
     */
    private int blockEnd(int line) {
      Matcher key = KEY_LINE.matcher(lines.get(line));
      int column =
          key.matches() ? key.group(1).length() + key.group(2).length() : indent(lines.get(line));
      return end(line, indent -> indent > column, column);
    }

    /** The line after the list item that starts on {@code line} ({@code - ...}), or its block. */
    private int itemEnd(int line) {
      Matcher key = KEY_LINE.matcher(lines.get(line));
      if (!key.matches() || key.group(2).isEmpty()) {
        return blockEnd(line);
      }
      int dash = key.group(1).length();
      return end(line, indent -> indent > dash, -1);
    }

    private int end(int line, java.util.function.IntPredicate inside, int listColumn) {
      int end = line + 1;
      while (end < lines.size()) {
        String next = lines.get(end);
        if (next.isBlank() || next.stripLeading().startsWith("#")) {
          end++;
          continue;
        }
        int indent = indent(next);
        if (!inside.test(indent)
            && !(indent == listColumn && next.stripLeading().startsWith("- "))) {
          break;
        }
        end++;
      }
      // trailing blank lines belong to what follows
      while (end > line + 1 && lines.get(end - 1).isBlank()) {
        end--;
      }
      return end;
    }

    /** Scalars: {line, start, end} of block values, list items and flow elements. */
    private List<int[]> scalarSites() {
      List<int[]> sites = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        Matcher key = KEY_LINE.matcher(line);
        int valueStart = -1;
        if (key.matches() && key.group(4) != null && !key.group(4).isBlank()) {
          valueStart = key.start(4);
        } else if (!key.matches()) {
          Matcher item = LIST_ITEM.matcher(line);
          if (item.matches()) {
            valueStart = item.start(2);
          }
        }
        if (valueStart < 0) {
          continue;
        }
        String value = line.substring(valueStart);
        if (value.startsWith("#") || value.startsWith("|") || value.startsWith(">")) {
          continue;
        }
        if (value.startsWith("[") || value.startsWith("{")) {
          flowSites(i, valueStart, value, sites);
        }
        sites.add(new int[] {i, valueStart, line.length()});
      }
      return sites;
    }

    private static void flowSites(int line, int offset, String value, List<int[]> sites) {
      for (Pattern pattern : new Pattern[] {FLOW_MAP_VALUE, FLOW_SEQUENCE_ITEM}) {
        Matcher matcher = pattern.matcher(value);
        while (matcher.find()) {
          sites.add(new int[] {line, offset + matcher.start(1), offset + matcher.end(1)});
        }
      }
    }

    private static int indent(String line) {
      int i = 0;
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      return i;
    }

    private static String abbreviate(String text) {
      String shown = text.replace("\n", "\\n").replace("\t", "\\t");
      return shown.length() <= 40 ? shown : shown.substring(0, 30) + "…(" + shown.length() + ")";
    }
  }
}
