package io.lakeplan.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/** Kahn's algorithm with a priority queue, so ties always break the same way. */
final class TopologicalOrder {
  private TopologicalOrder() {}

  /** {@code items} in dependency order, ties broken by id. */
  static <T> List<T> sort(List<T> items, Function<T, String> id, List<Edge> edges) {
    return sort(items, id, edges, Comparator.comparing(id));
  }

  /** {@code items} in dependency order, ties broken by {@code order} (which must be total). */
  static <T> List<T> sort(
      List<T> items, Function<T, String> id, List<Edge> edges, Comparator<T> order) {
    Map<String, T> byId = new HashMap<>();
    Map<String, Integer> incoming = new HashMap<>();
    Map<String, List<String>> outgoing = new HashMap<>();
    for (T item : items) {
      byId.put(id.apply(item), item);
      incoming.put(id.apply(item), 0);
    }
    for (Edge edge : edges) {
      if (byId.containsKey(edge.from()) && byId.containsKey(edge.to())) {
        outgoing.computeIfAbsent(edge.from(), key -> new ArrayList<>()).add(edge.to());
        incoming.merge(edge.to(), 1, Integer::sum);
      }
    }
    PriorityQueue<T> ready = new PriorityQueue<>(order);
    incoming.forEach(
        (key, count) -> {
          if (count == 0) {
            ready.add(byId.get(key));
          }
        });
    List<T> sorted = new ArrayList<>();
    while (!ready.isEmpty()) {
      T next = ready.poll();
      sorted.add(next);
      for (String to : outgoing.getOrDefault(id.apply(next), List.of())) {
        if (incoming.merge(to, -1, Integer::sum) == 0) {
          ready.add(byId.get(to));
        }
      }
    }
    if (sorted.size() != items.size()) {
      throw new IllegalStateException(
          "cycle among " + items.size() + " items; validation should have caught it");
    }
    return sorted;
  }
}
