package io.lakeplan.workspace;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Finds cycles in a directed graph, one per strongly connected tangle, deterministically. */
final class Cycles {
  private static final byte NEW = 0;
  private static final byte ON_STACK = 1;
  private static final byte DONE = 2;

  private Cycles() {}

  /**
   * The cycles of {@code graph} (node → successors, iterated in a stable order): each as the nodes
   * along it, the first repeated at the end. Iterative DFS, so deep graphs cannot overflow.
   */
  static List<List<String>> find(Map<String, ? extends Collection<String>> graph) {
    return find(graph.keySet(), graph.values());
  }

  /**
   * As {@link #find(Map)}, for a graph whose successors of each node are the keys of a map (in its
   * order), such as the upstream DAGs of each DAG.
   */
  static List<List<String>> findInKeys(Map<String, ? extends Map<String, ?>> graph) {
    List<Collection<String>> successors = new ArrayList<>(graph.size());
    for (Map<String, ?> targets : graph.values()) {
      successors.add(targets.keySet());
    }
    return find(graph.keySet(), successors);
  }

  private static List<List<String>> find(
      Collection<String> keys, Collection<? extends Collection<String>> values) {
    String[] nodes = keys.toArray(new String[0]);
    Map<String, Integer> index = new HashMap<>(Math.max(16, nodes.length * 4 / 3 + 1));
    for (int i = 0; i < nodes.length; i++) {
      index.put(nodes[i], i);
    }
    int[][] successors = new int[nodes.length][];
    int node = 0;
    for (Collection<String> targets : values) {
      int[] indexes = new int[targets.size()];
      int i = 0;
      for (String target : targets) {
        Integer found = index.get(target);
        indexes[i++] = found == null ? -1 : found;
      }
      successors[node++] = indexes;
    }
    return find(nodes, successors);
  }

  /**
   * As {@link #find(Map)}, on a graph given by index: node {@code i} is {@code nodes[i]} and its
   * successors are {@code successors[i]} in order; a negative successor is a node outside the
   * graph, never followed.
   */
  static List<List<String>> find(String[] nodes, int[][] successors) {
    int size = nodes.length;
    byte[] state = new byte[size];
    boolean[] reported = new boolean[size];
    int[] stack = new int[size];
    int[] next = new int[size];
    int[] position = new int[size]; // where a node on the stack is
    List<List<String>> cycles = new ArrayList<>();
    for (int start = 0; start < size; start++) {
      if (state[start] != NEW) {
        continue;
      }
      int top = 0;
      stack[0] = start;
      next[0] = 0;
      position[start] = 0;
      state[start] = ON_STACK;
      while (top >= 0) {
        int node = stack[top];
        int[] targets = successors[node];
        int index = next[top];
        if (index >= targets.length) {
          state[node] = DONE;
          top--;
          continue;
        }
        next[top] = index + 1;
        int successor = targets[index];
        if (successor < 0) {
          continue;
        }
        if (state[successor] == NEW) {
          top++;
          stack[top] = successor;
          next[top] = 0;
          position[successor] = top;
          state[successor] = ON_STACK;
        } else if (state[successor] == ON_STACK) {
          int from = position[successor];
          boolean fresh = true;
          for (int i = from; i <= top && fresh; i++) {
            fresh = !reported[stack[i]];
          }
          if (fresh) {
            List<String> cycle = new ArrayList<>(top - from + 2);
            for (int i = from; i <= top; i++) {
              reported[stack[i]] = true;
              cycle.add(nodes[stack[i]]);
            }
            cycle.add(nodes[successor]);
            cycles.add(cycle);
          }
        }
      }
    }
    return cycles;
  }
}
