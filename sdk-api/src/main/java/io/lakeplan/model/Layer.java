package io.lakeplan.model;

import java.util.Locale;

/** The layers of the lake; each is a catalog namespace of the same name by default. */
public enum Layer {
  /** Data as it arrived, converted to Iceberg but not reshaped. */
  RAW,
  /** Cleaned, deduplicated, merged data: the upsert targets. */
  PROCESS,
  /** Aggregates and data products for consumers. */
  ANALYTICS;

  /** The default namespace of this layer: its name in lower case. */
  public String namespace() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Layer ofNamespace(String namespace) {
    for (Layer layer : values()) {
      if (layer.namespace().equals(namespace)) {
        return layer;
      }
    }
    return null;
  }
}
