package io.lakeplan.workspace;

/**
 * What a JDBC ingestion's {@code query} may hold. The engines read it as a derived table, {@code
 * (query) alias}, with the incremental window added around it, so it must be one statement whose
 * parentheses, quotes and comments all close inside it: otherwise it could end the derived table
 * early, comment out the window, or append a second statement.
 *
 * <p>Databases disagree on what ends a text literal: PostgreSQL's standard strings and Oracle take
 * a backslash literally, PostgreSQL's {@code E'…'} strings and MySQL read it as an escape. The text
 * is scanned both ways and must be clean both ways, so a query cannot hide a {@code ;} in what one
 * reading takes for a literal. Forms with their own quoting rules (PostgreSQL's {@code $$…$$},
 * Oracle's {@code q'[…]'}) are refused rather than guessed at.
 */
final class QueryText {
  private QueryText() {}

  /** Why {@code query} cannot be read as a derived table; null when it can. */
  static String problem(String query) {
    String literal = scan(query, false);
    return literal != null ? literal : scan(query, true);
  }

  private static String scan(String query, boolean backslashEscapes) {
    int depth = 0;
    int i = 0;
    int length = query.length();
    while (i < length) {
      char c = query.charAt(i);
      char next = i + 1 < length ? query.charAt(i + 1) : 0;
      if (c == '\'' || c == '"') {
        if (c == '\'' && oracleQuote(query, i)) {
          return "it has q'…' quoting, which is not supported (double a quote inside '…' instead)";
        }
        int end = i + 1;
        while (end < length && query.charAt(end) != c) {
          end += backslashEscapes && query.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= length) {
          return "it opens a "
              + (c == '"' ? "quoted name" : "text literal")
              + " that never closes"
              + (backslashEscapes ? " when a backslash escapes the quote after it" : "");
        }
        // a doubled quote inside reads as two adjacent quoted parts here, which is equivalent
        i = end + 1;
      } else if (c == '-' && next == '-') {
        int end = query.indexOf('\n', i);
        i = end < 0 ? length : end + 1;
      } else if (c == '/' && next == '*') {
        int end = query.indexOf("*/", i + 2);
        if (end < 0) {
          return "it opens a /* comment that never closes";
        }
        i = end + 2;
      } else {
        if (c == ';') {
          return "it has a ';' outside quotes (a query is one SELECT; remove the ';')";
        }
        if (c == '$' && dollarQuote(query, i)) {
          return "it has $$-quoted text, which is not supported (use '…' literals instead)";
        }
        if (c == '(') {
          depth++;
        } else if (c == ')' && --depth < 0) {
          return "it closes a parenthesis it never opened";
        }
        i++;
      }
    }
    return depth > 0 ? "it leaves " + depth + " parenthesis(es) open" : null;
  }

  /** Whether the quote at {@code quote} opens Oracle's {@code q'…'} or {@code nq'…'}. */
  private static boolean oracleQuote(String query, int quote) {
    if (quote == 0 || Character.toLowerCase(query.charAt(quote - 1)) != 'q') {
      return false;
    }
    int before = quote - 2;
    if (before >= 0 && Character.toLowerCase(query.charAt(before)) == 'n') {
      before--;
    }
    return before < 0
        || !(Character.isLetterOrDigit(query.charAt(before)) || query.charAt(before) == '_');
  }

  /** Whether a PostgreSQL dollar quote ({@code $$} or {@code $tag$}) starts at {@code start}. */
  private static boolean dollarQuote(String query, int start) {
    if (start > 0 && Character.isLetterOrDigit(query.charAt(start - 1))) {
      return false; // Oracle's V$SESSION and the like
    }
    int i = start + 1;
    while (i < query.length()
        && (Character.isLetterOrDigit(query.charAt(i)) || query.charAt(i) == '_')) {
      i++;
    }
    return i < query.length() && query.charAt(i) == '$';
  }
}
