package io.lakeplan.fuzz;

import java.util.Locale;

/**
 * A document the mutations start from.
 *
 * @param origin where it came from: a path in the repository, or the generator and its seed
 * @param text the document
 */
public record SeedDocument(String origin, String text) {
  /**
   * A short file-name-safe name for the origin, e.g. {@code orders} for {@code .../orders.yaml}.
   */
  public String baseName() {
    String name = origin.substring(origin.lastIndexOf('/') + 1);
    int dot = name.indexOf('.');
    if (dot > 0) {
      name = name.substring(0, dot);
    }
    name = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    return name.isEmpty() ? "document" : name;
  }
}
