package io.lakeplan.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing document to a small one that still fails: whole lines first, then characters,
 * each by removing ever smaller chunks while the failure stays (delta debugging, one pass per chunk
 * size). The number of tries is bounded, so a huge document gives a smaller one, not always the
 * smallest.
 */
public final class Minimizer {
  private final Predicate<String> failing;
  private int budget;

  private Minimizer(Predicate<String> failing, int budget) {
    this.failing = failing;
    this.budget = budget;
  }

  /**
   * A small text for which {@code failing} still holds.
   *
   * @param text a text for which {@code failing} holds
   * @param failing whether a candidate still fails the same way (must not throw)
   * @param budget the most candidates to try, e.g. 5,000
   */
  public static String minimize(String text, Predicate<String> failing, int budget) {
    if (!failing.test(text)) {
      throw new IllegalArgumentException("The text to minimize does not fail");
    }
    Minimizer minimizer = new Minimizer(failing, budget);
    List<String> lines = minimizer.shrink(new ArrayList<>(List.of(text.split("(?<=\n)"))));
    List<String> characters = new ArrayList<>();
    String.join("", lines).codePoints().forEach(c -> characters.add(Character.toString(c)));
    return String.join("", minimizer.shrink(characters));
  }

  private List<String> shrink(List<String> units) {
    for (int chunk = Math.max(1, units.size() / 2); chunk >= 1 && budget > 0; chunk /= 2) {
      for (int start = 0; start < units.size() && budget > 0; ) {
        int end = Math.min(units.size(), start + chunk);
        List<String> candidate = new ArrayList<>(units.subList(0, start));
        candidate.addAll(units.subList(end, units.size()));
        budget--;
        if (failing.test(String.join("", candidate))) {
          units = candidate;
        } else {
          start = end;
        }
      }
      if (chunk == 1) {
        break;
      }
    }
    return units;
  }
}
