package io.lakeplan.workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds cycles in a directed graph, one per strongly connected tangle, deterministically. */
final class Cycles {
  private Cycles() {}

  /**
   * The cycles of {@code graph} (node → successors, iterated in a stable order): each as the nodes
   * along it, the first repeated at the end. Iterative DFS, so deep graphs cannot overflow.
   */
  static List<List<String>> find(Map<String, List<String>> graph) {
    Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
    List<List<String>> cycles = new ArrayList<>();
    Set<String> reported = new HashSet<>();
    for (String start : graph.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      List<String> stack = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      stack.add(start);
      next.add(0);
      state.put(start, 1);
      while (!stack.isEmpty()) {
        int top = stack.size() - 1;
        String node = stack.get(top);
        List<String> successors = graph.getOrDefault(node, List.of());
        int index = next.get(top);
        if (index >= successors.size()) {
          state.put(node, 2);
          stack.remove(top);
          next.remove(top);
          continue;
        }
        next.set(top, index + 1);
        String successor = successors.get(index);
        Integer seen = state.get(successor);
        if (seen == null) {
          if (graph.containsKey(successor)) {
            state.put(successor, 1);
            stack.add(successor);
            next.add(0);
          }
        } else if (seen == 1) {
          List<String> cycle =
              new ArrayList<>(stack.subList(stack.indexOf(successor), stack.size()));
          if (cycle.stream().noneMatch(reported::contains)) {
            reported.addAll(cycle);
            cycle.add(successor);
            cycles.add(cycle);
          }
        }
      }
    }
    return cycles;
  }
}
