package io.lakeplan.aws.airflow;

import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Airflow pools that keep a table's writers and its maintenance from running at the same time:
 * one pool of one slot per table that more than one task writes or maintains (a compaction or hard
 * delete committing against a merge fails one of them, or worse). Tables one task writes together
 * (a Kafka ingestion's target and dead-letter table) share a pool, named after the first of them:
 * {@code lakeplan.<namespace>.<table>}.
 */
final class Pools {
  /** The prefix of every pool name. */
  static final String PREFIX = "lakeplan.";

  private final Map<TableId, String> poolByTable;
  private final Map<String, String> descriptions;

  private Pools(Map<TableId, String> poolByTable, Map<String, String> descriptions) {
    this.poolByTable = poolByTable;
    this.descriptions = descriptions;
  }

  static Pools of(Plan plan) {
    Map<TableId, TableId> parent = new HashMap<>();
    Map<TableId, Integer> tasks = new HashMap<>();
    for (Dag dag : plan.dags()) {
      for (Task task : dag.tasks()) {
        List<TableId> tables = tables(task);
        for (TableId table : tables) {
          tasks.merge(table, 1, Integer::sum);
          union(parent, tables.get(0), table);
        }
      }
    }
    Map<TableId, Set<TableId>> groups = new TreeMap<>();
    for (TableId table : parent.keySet()) {
      groups.computeIfAbsent(find(parent, table), key -> new TreeSet<>()).add(table);
    }
    Map<TableId, String> poolByTable = new HashMap<>();
    Map<String, String> descriptions = new TreeMap<>();
    for (Set<TableId> group : groups.values()) {
      int count = 0;
      for (TableId table : group) {
        count = Math.max(count, tasks.get(table));
      }
      if (count < 2) {
        continue;
      }
      TableId first = group.iterator().next();
      String name = PREFIX + first;
      List<String> names = new ArrayList<>();
      group.forEach(table -> names.add(table.toString()));
      descriptions.put(
          name,
          "Lakeplan: writers and maintenance of "
              + String.join(", ", names)
              + ", one task at a time");
      group.forEach(table -> poolByTable.put(table, name));
    }
    return new Pools(poolByTable, descriptions);
  }

  /** The tables {@code task} writes data of, or maintains; its pool is theirs. */
  private static List<TableId> tables(Task task) {
    TaskSpec spec = task.spec();
    if (spec instanceof TaskSpec.Maintain maintain) {
      return List.of(maintain.table());
    }
    if (spec instanceof TaskSpec.CreateTable) {
      return List.of();
    }
    return List.copyOf(new TreeSet<>(spec.writes()));
  }

  private static TableId find(Map<TableId, TableId> parent, TableId table) {
    TableId root = parent.computeIfAbsent(table, key -> key);
    while (!root.equals(parent.get(root))) {
      root = parent.get(root);
    }
    return root;
  }

  private static void union(Map<TableId, TableId> parent, TableId a, TableId b) {
    TableId rootA = find(parent, a);
    TableId rootB = find(parent, b);
    if (!rootA.equals(rootB)) {
      if (rootA.compareTo(rootB) < 0) {
        parent.put(rootB, rootA);
      } else {
        parent.put(rootA, rootB);
      }
    }
  }

  /** The pool of {@code task}, or null when it needs none. */
  String of(Task task) {
    for (TableId table : tables(task)) {
      String pool = poolByTable.get(table);
      if (pool != null) {
        return pool;
      }
    }
    return null;
  }

  /** Each pool's name and description, sorted by name. */
  Map<String, String> descriptions() {
    return descriptions;
  }
}
