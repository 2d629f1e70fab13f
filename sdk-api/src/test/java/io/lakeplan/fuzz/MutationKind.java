package io.lakeplan.fuzz;

/** The ways {@link DocumentMutator} damages a use-case document. */
public enum MutationKind {
  /** Cut after any line, or inside a line. */
  TRUNCATE,
  /** One to three consecutive lines removed, or a key with everything under it. */
  DELETE_LINES,
  /** Lines or a whole key block repeated (duplicate keys, duplicate list elements). */
  DUPLICATE_LINES,
  /** Two lines exchanged, next to each other or anywhere. */
  SWAP_LINES,
  /** A scalar replaced by a value of another type: number, boolean, list, map, tag, overflow. */
  RETYPE_SCALAR,
  /**
   * A scalar replaced by another scalar of the same document: often still valid, so the planner and
   * the renderer meet odd combinations (a merge reading its own target, a cron as a table).
   */
  OTHER_VALUE,
  /** A value, or a key's whole block, replaced by null, {@code ~} or nothing. */
  NULL_VALUE,
  /**
   * Random bytes written over or inserted, byte-order marks, other line endings, odd code points.
   */
  RANDOM_BYTES,
  /** Lists and maps nested around the depth limit and far beyond it, closed or not. */
  DEEP_NESTING,
  /** Anchors and aliases: shared values, undefined aliases, alias bombs, cycles, merge keys. */
  ANCHORS_ALIASES,
  /** Tabs in indentation, after colons and inside values. */
  TABS,
  /** Very long text, numbers and keys, and very long lists, below and above the size limit. */
  HUGE_SCALAR,
  /** A key the format does not know, or a known key at the wrong level. */
  UNKNOWN_KEY,
  /** Native and legacy formats mixed up: api-version removed or changed, JSON, lists, streams. */
  FORMAT,
  /** Two to four of the above, one after the other. */
  STACKED
}
