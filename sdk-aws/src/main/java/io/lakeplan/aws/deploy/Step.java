package io.lakeplan.aws.deploy;

/**
 * A change and the calls that make it; {@code apply} is null for an unchanged resource.
 *
 * @param change what the plan shows
 * @param apply what applying it does
 */
record Step(Change change, Runnable apply) {
  static Step unchanged(String resource, String detail) {
    return new Step(new Change(Change.Action.UNCHANGED, resource, detail), null);
  }

  static Step of(Change.Action action, String resource, String detail, Runnable apply) {
    return new Step(new Change(action, resource, detail), apply);
  }
}
