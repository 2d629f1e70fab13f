package io.lakeplan.aws.iam;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One {@code Allow} statement of a {@link PolicyDocument}: a readable {@code Sid}, the actions, the
 * resources and the conditions. Actions, resources, condition keys and values are kept sorted, so a
 * policy renders to the same bytes every time.
 *
 * @param sid the statement id: letters and digits, e.g. {@code S3WriteTables}
 * @param actions the actions, {@code service:Action}; never {@code *}
 * @param resources the resource ARNs
 * @param conditions operator (e.g. {@code StringEquals}) to condition key to values; may be empty
 */
public record Statement(
    String sid,
    List<String> actions,
    List<String> resources,
    SortedMap<String, SortedMap<String, List<String>>> conditions) {
  private static final Pattern SID = Pattern.compile("[A-Za-z0-9]{1,128}");
  private static final Pattern ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9]+\\*?");

  /**
   * Checks and sorts the parts.
   *
   * @throws IllegalArgumentException naming a bad sid or action, no action or resource, or the
   *     resource {@code *}
   */
  public Statement {
    Objects.requireNonNull(sid, "sid");
    if (!SID.matcher(sid).matches()) {
      throw new IllegalArgumentException("Invalid statement id: '" + sid + "' (letters, digits)");
    }
    for (String action : actions) {
      if (!ACTION.matcher(action).matches()) {
        throw new IllegalArgumentException(
            "Invalid action in statement " + sid + ": '" + action + "' (service:Action, no *)");
      }
    }
    if (actions.isEmpty() || resources.isEmpty()) {
      throw new IllegalArgumentException("Statement " + sid + " needs actions and resources");
    }
    if (resources.contains("*")) {
      throw new IllegalArgumentException(
          "Statement " + sid + " has resource * (name the resources, or narrow them by ARN)");
    }
    actions = List.copyOf(new TreeSet<>(actions));
    resources = List.copyOf(new TreeSet<>(resources));
    SortedMap<String, SortedMap<String, List<String>>> sorted = new TreeMap<>();
    conditions.forEach(
        (operator, keys) -> {
          SortedMap<String, List<String>> values = new TreeMap<>();
          keys.forEach((key, list) -> values.put(key, List.copyOf(new TreeSet<>(list))));
          sorted.put(operator, Collections.unmodifiableSortedMap(values));
        });
    conditions = Collections.unmodifiableSortedMap(sorted);
  }

  /** A statement without conditions. */
  public static Statement of(String sid, Collection<String> actions, Collection<String> resources) {
    return new Statement(
        sid, new ArrayList<>(actions), new ArrayList<>(resources), new TreeMap<>());
  }

  /** This statement with the condition {@code operator}: {@code key} in {@code values}. */
  public Statement when(String operator, String key, Collection<String> values) {
    SortedMap<String, SortedMap<String, List<String>>> more = new TreeMap<>(conditions);
    SortedMap<String, List<String>> keys =
        new TreeMap<>(more.getOrDefault(operator, new TreeMap<>()));
    keys.put(key, new ArrayList<>(values));
    more.put(operator, keys);
    return new Statement(sid, actions, resources, more);
  }

  /** The statement on one line: {@code Sid: actions on resources [when conditions]}. */
  @Override
  public String toString() {
    StringBuilder out =
        new StringBuilder(sid)
            .append(": ")
            .append(String.join(", ", actions))
            .append(" on ")
            .append(String.join(", ", resources));
    for (Map.Entry<String, SortedMap<String, List<String>>> operator : conditions.entrySet()) {
      for (Map.Entry<String, List<String>> key : operator.getValue().entrySet()) {
        out.append(" when ")
            .append(operator.getKey())
            .append(' ')
            .append(key.getKey())
            .append(' ')
            .append(key.getValue());
      }
    }
    return out.toString();
  }
}
