package io.lakeplan.model;

import java.util.regex.Pattern;

/** Rules for names that end up in generated SQL, catalog paths and orchestrator ids. */
public final class Identifiers {
  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private Identifiers() {}

  /**
   * Whether {@code name} is a safe SQL identifier: a letter or underscore, then letters, digits or
   * underscores, at most 128 characters. Safe identifiers are still quoted in generated SQL.
   */
  public static boolean isSafeSqlIdentifier(String name) {
    return name != null && SQL_IDENTIFIER.matcher(name).matches();
  }

  /**
   * Whether {@code id} can name a use case or a step: lower-case letters, digits, {@code -} and
   * {@code _}, starting with a letter or digit, at most 63 characters. Such ids are valid Airflow
   * DAG and task ids and stable across plans.
   */
  public static boolean isValidStepId(String id) {
    return id != null && STEP_ID.matcher(id).matches();
  }
}
