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
      statements.add(Statement.of(sid, actions, resources));
    }
    return this;
  }

  /** Adds {@code statement}. */
  Statements add(Statement statement) {
    statements.add(statement);
    return this;
  }

  List<Statement> list() {
    return List.copyOf(statements);
  }
}
