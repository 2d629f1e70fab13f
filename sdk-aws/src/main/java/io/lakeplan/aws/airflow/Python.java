package io.lakeplan.aws.airflow;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Python source fragments: literals, identifiers, durations. */
final class Python {
  private static final Set<String> RESERVED =
      Set.of(
          "and",
          "as",
          "assert",
          "async",
          "await",
          "break",
          "class",
          "continue",
          "def",
          "del",
          "elif",
          "else",
          "except",
          "finally",
          "for",
          "from",
          "global",
          "if",
          "import",
          "in",
          "is",
          "lambda",
          "nonlocal",
          "not",
          "or",
          "pass",
          "raise",
          "return",
          "try",
          "while",
          "with",
          "yield",
          "dag",
          "default_args",
          "notify",
          "pendulum",
          "timedelta",
          "annotations");

  private Python() {}

  /** A double-quoted string literal holding exactly {@code text}. */
  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    escape(text, true, out);
    return out.append('"').toString();
  }

  /**
   * The body of a triple-quoted docstring holding exactly {@code text}: line breaks stay as they
   * are, so the text reads in the file, and everything else that could end the string early or make
   * the file unreadable to Python (quotes, backslashes, control characters, NUL) is escaped.
   */
  static String docstring(String text) {
    StringBuilder out = new StringBuilder(text.length());
    escape(text, false, out);
    return out.toString();
  }

  private static void escape(String text, boolean escapeNewline, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append(escapeNewline ? "\\n" : "\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1))) {
            // one escape per code point: an escape per UTF-16 half gives Python two lone surrogates
            out.append(String.format("\\U%08x", text.codePointAt(i)));
            i++;
          } else if (c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || Character.isSurrogate(c)
              || c == 0x2028
              || c == 0x2029
              || c == 0xfeff) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** A list literal of string literals. */
  static String strings(List<String> texts) {
    return texts.stream().map(Python::string).collect(Collectors.joining(", ", "[", "]"));
  }

  /** {@code None} for null, else the string literal. */
  static String stringOrNone(String text) {
    return text == null ? "None" : string(text);
  }

  /** A readable {@code timedelta(...)} in the largest unit that divides the duration. */
  static String timedelta(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds % 86_400 == 0 && seconds != 0) {
      return "timedelta(days=" + seconds / 86_400 + ")";
    }
    if (seconds % 3_600 == 0 && seconds != 0) {
      return "timedelta(hours=" + seconds / 3_600 + ")";
    }
    if (seconds % 60 == 0 && seconds != 0) {
      return "timedelta(minutes=" + seconds / 60 + ")";
    }
    return "timedelta(seconds=" + seconds + ")";
  }

  /** A valid, lower-case Python identifier derived from {@code id}. */
  static String identifier(String id) {
    StringBuilder out = new StringBuilder();
    for (char c : id.toCharArray()) {
      boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      out.append(word ? Character.toLowerCase(c) : '_');
    }
    String name = out.toString().replaceAll("_+", "_").replaceAll("^_|_$", "");
    if (name.isEmpty() || Character.isDigit(name.charAt(0)) || RESERVED.contains(name)) {
      name = "task_" + name;
    }
    return name;
  }

  /** A text for a {@code #} comment: one line, no control characters. */
  static String comment(String text) {
    return text.replaceAll("[\\p{Cntrl}\\u0080-\\u009f\\u2028\\u2029\\ufeff\\p{Cs}]", " ");
  }
}
