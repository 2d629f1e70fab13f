package io.lakeplan.internal;

/** Bounds that keep a hostile or broken document from exhausting memory or time. */
public final class Limits {
  /** Largest use-case file read, in characters. */
  public static final int MAX_DOCUMENT_CHARS = 1 << 20;

  /** Deepest nesting of maps and lists. */
  public static final int MAX_DEPTH = 40;

  /** Most aliases to collections in one document. */
  public static final int MAX_ALIASES = 20;

  /** Most values a document may expand to once aliases are resolved. */
  public static final int MAX_EXPANDED_NODES = 100_000;

  private Limits() {}
}
