package io.lakeplan.codec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns problem paths ({@code merges[orders-upsert].keys[0]}) into JSON pointers of a loaded tree,
 * resolving bracketed labels by the element's id, name or table, or its index; and back.
 */
final class Locator {
  private static final String[] LABEL_FIELDS = {"id", "name", "table"};

  private Locator() {}

  /**
   * The pointer of the deepest node of {@code root} that {@code path} reaches ("" for the root).
   */
  public static String pointer(JsonNode root, String path) {
    return pointers(root).apply(path);
  }

  /**
   * {@link #pointer(JsonNode, String)} for many paths of one tree: each list's labels are indexed
   * once, so locating a problem per element of a long list stays linear in the list's length.
   */
  public static Function<String, String> pointers(JsonNode root) {
    Map<JsonNode, Map<String, Integer>> labels = new IdentityHashMap<>();
    return path -> pointer(root, path, labels);
  }

  private static String pointer(
      JsonNode root, String path, Map<JsonNode, Map<String, Integer>> labels) {
    StringBuilder pointer = new StringBuilder();
    JsonNode node = root;
    for (String[] segment : segments(path)) {
      if (node == null || !node.isObject() || !node.has(segment[0])) {
        break;
      }
      node = node.get(segment[0]);
      String key = pointer + "/" + segment[0];
      if (segment[1] == null) {
        pointer.setLength(0);
        pointer.append(key);
        continue;
      }
      int index = indexOf(node, segment[1], labels);
      pointer.setLength(0);
      pointer.append(key);
      if (index < 0) {
        break;
      }
      node = node.get(index);
      pointer.append('/').append(index);
    }
    return pointer.toString();
  }

  /**
   * The problem path of {@code pointer} in {@code root}, labelling list elements like validation.
   */
  public static String path(JsonNode root, String pointer) {
    StringBuilder path = new StringBuilder();
    JsonNode node = root;
    for (String raw : pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1)) {
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (node != null && node.isArray() && segment.matches("\\d{1,9}")) {
        int index = Integer.parseInt(segment);
        JsonNode element = node.get(index);
        path.append('[').append(label(element, index)).append(']');
        node = element;
      } else {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(segment);
        node = node == null ? null : node.get(segment);
      }
    }
    return path.toString();
  }

  private static String label(JsonNode element, int index) {
    if (element != null && element.isObject()) {
      for (String field : LABEL_FIELDS) {
        JsonNode value = element.get(field);
        if (value != null && value.isTextual() && !value.asText().isBlank()) {
          return value.asText();
        }
      }
    }
    return String.valueOf(index);
  }

  private static int indexOf(
      JsonNode array, String label, Map<JsonNode, Map<String, Integer>> labels) {
    if (array == null || !array.isArray()) {
      return -1;
    }
    Map<String, Integer> indexes =
        labels.computeIfAbsent(
            array,
            key -> {
              Map<String, Integer> byLabel = new HashMap<>();
              for (int i = 0; i < key.size(); i++) {
                byLabel.putIfAbsent(label(key.get(i), i), i);
              }
              // an element without an id is labelled by its type (a maintenance task's id
              // defaults to its type), unless another element has that label
              for (int i = 0; i < key.size(); i++) {
                JsonNode type = key.get(i).path("type");
                if (type.isTextual() && label(key.get(i), i).equals(String.valueOf(i))) {
                  byLabel.putIfAbsent(type.asText(), i);
                }
              }
              return byLabel;
            });
    Integer index = indexes.get(label);
    if (index != null) {
      return index;
    }
    // table ids are kept in lower case: raw.orders labels the first element written raw.Orders
    int first = -1;
    for (Map.Entry<String, Integer> entry : indexes.entrySet()) {
      if (entry.getKey().toLowerCase(Locale.ROOT).equals(label)
          && (first < 0 || entry.getValue() < first)) {
        first = entry.getValue();
      }
    }
    if (first >= 0) {
      return first;
    }
    // an index label beyond int (a long run of digits) is no index of this list
    return label.matches("\\d{1,9}") && Integer.parseInt(label) < array.size()
        ? Integer.parseInt(label)
        : -1;
  }

  /** Splits {@code a.b[x.y].c} into name/label pairs; labels may contain dots. */
  static List<String[]> segments(String path) {
    List<String[]> segments = new ArrayList<>();
    int i = 0;
    while (i < path.length()) {
      int start = i;
      while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[') {
        i++;
      }
      String name = path.substring(start, i);
      if (i < path.length() && path.charAt(i) == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          close = path.length();
        }
        segments.add(new String[] {name, path.substring(i + 1, close)});
        i = close + 1;
        // a second index on the same name, e.g. x[a][b], is not produced by validation
      } else {
        segments.add(new String[] {name, null});
      }
      if (i < path.length() && path.charAt(i) == '.') {
        i++;
      }
    }
    return segments;
  }
}
