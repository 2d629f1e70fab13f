package io.lakeplan.model;

/** What a merge keeps of a key's versions in its target. */
public enum MergeHistory {
  /** Type 1: the target holds each key's latest version only; changes overwrite it. */
  SCD1,
  /**
   * Type 2: the target holds every version of a key, each valid from its order value until the next
   * version's or a delete's, the last one flagged current (see {@link Merge#history()}).
   */
  SCD2
}
