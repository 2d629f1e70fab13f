package io.lakeplan.model;

/** Rules for names that end up in generated SQL, catalog paths and orchestrator ids. */
public final class Identifiers {

  private Identifiers() {}

  /**
   * Whether {@code name} is a safe SQL identifier: a letter or underscore, then letters, digits or
   * underscores, at most 128 characters. Safe identifiers are still quoted in generated SQL.
   */
  public static boolean isSafeSqlIdentifier(String name) {
    if (name == null || name.isEmpty() || name.length() > 128) {
      return false;
    }
    char first = name.charAt(0);
    if (!(isAsciiLetter(first) || first == '_')) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isAsciiLetter(c) || isAsciiDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code id} can name a use case or a step: lower-case letters, digits, {@code -} and
   * {@code _}, starting with a letter or digit, at most 63 characters. Such ids are valid Airflow
   * DAG and task ids and stable across plans.
   */
  public static boolean isValidStepId(String id) {
    if (id == null || id.isEmpty() || id.length() > 63) {
      return false;
    }
    char first = id.charAt(0);
    if (!(isLowerAsciiLetter(first) || isAsciiDigit(first))) {
      return false;
    }
    for (int i = 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(isLowerAsciiLetter(c) || isAsciiDigit(c) || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  // hand-written matchers, checked often (every column, step and use case), in place of the
  // patterns [A-Za-z_][A-Za-z0-9_]{0,127} and [a-z0-9][a-z0-9_-]{0,62}

  private static boolean isLowerAsciiLetter(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAsciiLetter(char c) {
    return isLowerAsciiLetter(c) || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
