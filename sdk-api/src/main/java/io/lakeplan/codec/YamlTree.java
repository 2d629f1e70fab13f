package io.lakeplan.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML (or JSON) document loaded safely as a Jackson tree, with the line and column of every
 * value by JSON pointer. Loading is bounded: document size, nesting depth, aliases and the size of
 * the alias-expanded tree all have limits ({@link Limits}), so an alias bomb fails fast.
 */
final class YamlTree {
  private final JsonNode root;
  private final Map<String, int[]> positions;
  private final List<DuplicateKey> duplicateKeys;

  private YamlTree(JsonNode root, Map<String, int[]> positions, List<DuplicateKey> duplicates) {
    this.root = root;
    this.positions = positions;
    this.duplicateKeys = List.copyOf(duplicates);
  }

  /**
   * A key written a second time in one map. The tree keeps the first value (so the positions of
   * every value in it stay right); the repeated one is left out and reported here.
   *
   * @param pointer the JSON pointer of the key (the first value's place in the tree)
   * @param key the key
   * @param line the 1-based line of the repeated key
   * @param column the 1-based column of the repeated key
   * @param firstLine the 1-based line of the first occurrence
   */
  record DuplicateKey(String pointer, String key, int line, int column, int firstLine) {}

  /** Why a document could not be loaded, with a 1-based position when known (else 0). */
  static final class LoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final boolean unsafe;

    LoadException(String message, int line, int column, boolean unsafe) {
      super(message);
      this.line = line;
      this.column = column;
      this.unsafe = unsafe;
    }

    public int line() {
      return line;
    }

    public int column() {
      return column;
    }

    /** Whether a safety bound (size, depth, aliases) rather than the syntax was the cause. */
    public boolean unsafe() {
      return unsafe;
    }
  }

  /** Loads {@code text}; an empty document gives a null root. */
  public static YamlTree load(String text) throws LoadException {
    if (text.length() > Limits.MAX_DOCUMENT_CHARS) {
      throw new LoadException(
          "document has "
              + text.length()
              + " characters, more than the limit of "
              + Limits.MAX_DOCUMENT_CHARS
              + "; split it into several use-case files",
          0,
          0,
          true);
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(Limits.MAX_ALIASES);
    options.setNestingDepthLimit(Limits.MAX_DEPTH);
    options.setCodePointLimit(Limits.MAX_DOCUMENT_CHARS);
    options.setAllowRecursiveKeys(false);
    Node node;
    try {
      node = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      String context = e.getContext() != null ? e.getContext() + ": " : "";
      throw new LoadException(
          context + problem.trim(),
          mark == null ? 0 : mark.getLine() + 1,
          mark == null ? 0 : mark.getColumn() + 1,
          false);
    } catch (YAMLException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      boolean unsafe =
          message.contains("aliases")
              || message.contains("depth")
              || message.contains("code points");
      throw new LoadException(
          message.trim() + (unsafe ? " (the document exceeds a safety limit)" : ""), 0, 0, unsafe);
    }
    Map<String, int[]> positions = new HashMap<>();
    if (node == null) {
      return new YamlTree(null, positions, List.of());
    }
    Converter converter = new Converter(positions);
    JsonNode root = converter.convert(node, "", 0);
    return new YamlTree(root, positions, converter.duplicates);
  }

  /** The document's root; null for an empty document. */
  public JsonNode root() {
    return root;
  }

  /** The 1-based line and column of the value at {@code pointer}, or null. */
  public int[] position(String pointer) {
    return positions.get(pointer);
  }

  /**
   * The keys repeated in a map, in document order. SnakeYAML's own duplicate-key check belongs to
   * its constructor, which this tree does not use, so the converter checks instead.
   */
  public List<DuplicateKey> duplicateKeys() {
    return duplicateKeys;
  }

  private static final class Converter {
    private final Map<String, int[]> positions;
    private final IdentityHashMap<Node, Boolean> onPath = new IdentityHashMap<>();
    private final List<DuplicateKey> duplicates = new ArrayList<>();
    private int expanded;

    Converter(Map<String, int[]> positions) {
      this.positions = positions;
    }

    JsonNode convert(Node node, String pointer, int depth) throws LoadException {
      Mark mark = node.getStartMark();
      int line = mark == null ? 0 : mark.getLine() + 1;
      int column = mark == null ? 0 : mark.getColumn() + 1;
      if (++expanded > Limits.MAX_EXPANDED_NODES) {
        throw new LoadException(
            "document expands to more than "
                + Limits.MAX_EXPANDED_NODES
                + " values (aliases repeated too often?); refusing to load it",
            line,
            column,
            true);
      }
      if (depth > Limits.MAX_DEPTH) {
        throw new LoadException(
            "document is nested deeper than " + Limits.MAX_DEPTH + " levels", line, column, true);
      }
      if (onPath.put(node, Boolean.TRUE) != null) {
        throw new LoadException("document refers to itself through an alias", line, column, true);
      }
      positions.putIfAbsent(pointer, new int[] {line, column});
      try {
        if (node instanceof MappingNode mapping) {
          ObjectNode object = JsonNodeFactory.instance.objectNode();
          Map<String, Integer> firstLines = new HashMap<>();
          List<Node> merged = new ArrayList<>();
          for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
              throw new LoadException(
                  "keys must be plain text",
                  keyNode.getStartMark().getLine() + 1,
                  keyNode.getStartMark().getColumn() + 1,
                  false);
            }
            if (key.getTag().equals(Tag.MERGE)) {
              merged.addAll(mergeSources(key, tuple.getValueNode()));
              continue;
            }
            String name = key.getValue();
            String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
            Integer firstLine = firstLines.putIfAbsent(name, key.getStartMark().getLine() + 1);
            if (firstLine != null) {
              duplicates.add(
                  new DuplicateKey(
                      child,
                      name,
                      key.getStartMark().getLine() + 1,
                      key.getStartMark().getColumn() + 1,
                      firstLine));
              continue;
            }
            object.set(name, convert(tuple.getValueNode(), child, depth + 1));
          }
          // YAML merge keys (<<), as YAML 1.1 and editors read them: the map's own keys win,
          // then the merged maps in the order written
          for (Node source : merged) {
            ObjectNode values = (ObjectNode) convert(source, pointer, depth);
            values
                .fields()
                .forEachRemaining(
                    field -> {
                      if (!object.has(field.getKey())) {
                        object.set(field.getKey(), field.getValue());
                      }
                    });
          }
          return object;
        }
        if (node instanceof SequenceNode sequence) {
          ArrayNode array = JsonNodeFactory.instance.arrayNode();
          int index = 0;
          for (Node item : sequence.getValue()) {
            array.add(convert(item, pointer + "/" + index++, depth + 1));
          }
          return array;
        }
        return scalar((ScalarNode) node);
      } finally {
        onPath.remove(node);
      }
    }

    /** The maps a merge key's value names: one map, or a list of maps. */
    private static List<Node> mergeSources(ScalarNode key, Node value) throws LoadException {
      if (value instanceof MappingNode) {
        return List.of(value);
      }
      if (value instanceof SequenceNode sequence
          && sequence.getValue().stream().allMatch(MappingNode.class::isInstance)) {
        return sequence.getValue();
      }
      throw new LoadException(
          "a merge key (<<) takes a map or a list of maps, e.g. <<: *defaults",
          key.getStartMark().getLine() + 1,
          key.getStartMark().getColumn() + 1,
          false);
    }

    /**
     * Scalars stay text (Jackson coerces text to numbers and booleans where the model wants them),
     * so a tag such as {@code on} or a version such as {@code 1.10} is never reinterpreted.
     */
    private static JsonNode scalar(ScalarNode node) {
      if (node.getTag().equals(Tag.NULL)) {
        return JsonNodeFactory.instance.nullNode();
      }
      return JsonNodeFactory.instance.textNode(node.getValue());
    }
  }
}
