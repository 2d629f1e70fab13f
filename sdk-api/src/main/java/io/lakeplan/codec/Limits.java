package io.lakeplan.codec;

/** Bounds that keep a hostile or broken document from exhausting memory or time. */
final class Limits {
  /** Largest use-case file read, in characters. */
  static final int MAX_DOCUMENT_CHARS = 1 << 20;

  /** Deepest nesting of maps and lists. */
  static final int MAX_DEPTH = 40;

  /** Most aliases to collections in one document. */
  static final int MAX_ALIASES = 20;

  /** Most values a document may expand to once aliases are resolved. */
  static final int MAX_EXPANDED_NODES = 100_000;

  private Limits() {}
}
