package io.lakeplan.aws.iam;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The statements of a policy being generated, in the order they are added; empty ones skipped. */
final class Statements {
  private final List<Statement> statements = new ArrayList<>();

  /** Adds {@code sid} unless it has no resource (nothing of its kind in the plan). */
  Statements add(String sid, Collection<String> actions, Collection<String> resources) {
    if (!resources.isEmpty()) {
      add(Statement.of(sid, actions, resources));
    }
    return this;
  }

  /**
   * Adds {@code statement}; a sid already taken (two buckets whose names differ only in
   * punctuation) gets a number, since IAM wants each sid once in a policy.
   */
  Statements add(Statement statement) {
    String sid = statement.sid();
    for (int n = 2; taken(sid); n++) {
      sid = statement.sid() + n;
    }
    statements.add(
        new Statement(sid, statement.actions(), statement.resources(), statement.conditions()));
    return this;
  }

  private boolean taken(String sid) {
    return statements.stream().anyMatch(statement -> statement.sid().equals(sid));
  }

  List<Statement> list() {
    return List.copyOf(statements);
  }
}
