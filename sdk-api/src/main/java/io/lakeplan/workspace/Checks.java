package io.lakeplan.workspace;

import io.lakeplan.model.Durations;
import io.lakeplan.model.Identifiers;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A place in a use case (its path) and the checks that report problems there. */
final class Checks {
  private static final Pattern SECRET_KEY =
      Pattern.compile(
          "(?i).*(password|passwd|secret|token|credential|api[-_.]?key|access[-_.]?key|private[-_.]?key|sasl\\.jaas\\.config).*");
  private static final Pattern SECRET_ASSIGNMENT =
      Pattern.compile(
          "(?i)(?:^|[\\s;&?,])(?:--)?[\\w.-]*(password|passwd|secret|token|api[-_.]?key|access[-_.]?key)[\\w.-]*\\s*=\\s*([^\\s&;,]+)");
  private static final Pattern SECRET_FLAG =
      Pattern.compile("(?i)--?[\\w.-]*(password|passwd|secret|token|api[-_.]?key)[\\w.-]*");
  private static final Pattern URL_USER_INFO = Pattern.compile("//[^/@\\s:]+:[^/@\\s]+@");

  /** Oracle's thin URL form with the credentials in it: {@code jdbc:oracle:thin:user/pass@…}. */
  private static final Pattern ORACLE_USER_PASSWORD =
      Pattern.compile("(?i)^jdbc:oracle:[a-z0-9]+:[^@/\\s]+/[^@\\s]+@");

  private static final Pattern URI_USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/]*@");

  private final List<Problem> problems;
  private final String useCase;

  /**
   * The place this one is below (null for a root), and the key and element label that lead here;
   * the path text is built only when asked for (a problem is reported), since most places checked
   * have no problem and building every path cost a good part of validation.
   */
  private final Checks parent;

  private final String key;
  private final String shown;
  private String path;

  Checks(List<Problem> problems, String useCase, String path) {
    this.problems = problems;
    this.useCase = useCase;
    this.parent = null;
    this.key = null;
    this.shown = null;
    this.path = path;
  }

  private Checks(Checks parent, String key, String shown) {
    this.problems = parent.problems;
    this.useCase = parent.useCase;
    this.parent = parent;
    this.key = key;
    this.shown = shown;
  }

  /** The place {@code key} below this one. */
  Checks at(String key) {
    return new Checks(this, key, null);
  }

  /**
   * The element labelled {@code label} (its id, or its index when it has none) of list {@code key}.
   */
  Checks element(String key, String label, int index) {
    return new Checks(this, key, label == null || label.isBlank() ? String.valueOf(index) : label);
  }

  String path() {
    if (path == null) {
      String above = parent.path();
      String keyed = above.isEmpty() ? key : above + "." + key;
      path = shown == null ? keyed : keyed + "[" + shown + "]";
    }
    return path;
  }

  void report(ProblemCode code, String message) {
    problems.add(new Problem(useCase, path(), code, message, null));
  }

  /**
   * Reports an empty item of list {@code key} (a {@code -} with nothing after it in YAML, a null
   * from code); true when the item is there.
   */
  boolean item(Object value, String key, int index, String what) {
    if (value == null) {
      element(key, null, index)
          .report(
              ProblemCode.REQUIRED,
              "Empty item in " + key + "; write the " + what + " or remove the item");
      return false;
    }
    return true;
  }

  /** Reports a missing value; true when present. */
  boolean required(Object value, String what) {
    if (value == null) {
      report(ProblemCode.REQUIRED, "Missing " + what + "; add it");
      return false;
    }
    if (value instanceof String text && text.isBlank()) {
      report(ProblemCode.BLANK, "Blank " + what + "; write a value");
      return false;
    }
    return true;
  }

  void stepId(String id) {
    if (required(id, "id") && !Identifiers.isValidStepId(id)) {
      report(
          ProblemCode.INVALID_ID,
          "Invalid id '"
              + id
              + "' (use lower-case letters, digits, - and _, starting with a letter or digit, at"
              + " most 63 characters)");
    }
  }

  /** Checks a name that reaches SQL; true when safe. */
  boolean identifier(String name, String what) {
    if (!required(name, what)) {
      return false;
    }
    if (!Identifiers.isSafeSqlIdentifier(name)) {
      report(
          ProblemCode.UNSAFE_IDENTIFIER,
          "Unsafe "
              + what
              + " '"
              + printable(name)
              + "' (use letters, digits and _, starting with a letter or _)");
      return false;
    }
    return true;
  }

  /**
   * Checks a path or URI that the engines read or write (a source, a landing folder, a checkpoint,
   * a SQL file, a job's entry point): no credentials in it, no {@code ..} segment that would leave
   * the folder it is relative to, no control character, no wildcard or {@code ${…}} variable (the
   * IAM policies are built from these paths, where both would match more); true when clean.
   */
  boolean location(String location, String what) {
    if (location == null) {
      return true;
    }
    if (URI_USER_INFO.matcher(location).find()) {
      report(
          ProblemCode.PLAINTEXT_SECRET,
          "The "
              + what
              + " carries credentials before its '@' (value hidden); remove them and let the job"
              + " role, or a secret reference such as secretsmanager:NAME, grant access");
      return false;
    }
    for (int i = 0; i < location.length(); i++) {
      char c = location.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        report(
            ProblemCode.UNSAFE_PATH,
            String.format(
                "The %s '%s' holds control character U+%04X; remove it",
                what, printable(location), (int) c));
        return false;
      }
    }
    if (location.contains("*") || location.contains("?") || location.contains("${")) {
      report(
          ProblemCode.UNSAFE_PATH,
          "The "
              + what
              + " '"
              + location
              + "' has a wildcard or variable ('*', '?' or '${'); name the exact folder or file"
              + " (Lakeplan reads and writes one location, and the IAM policy built from it would"
              + " match more)");
      return false;
    }
    if (hasParentSegment(location)) {
      report(
          ProblemCode.UNSAFE_PATH,
          "The "
              + what
              + " '"
              + location
              + "' has a '..' segment; write the path without it (relative paths stay inside"
              + " the use-case folder, absolute ones name their folder directly)");
      return false;
    }
    return true;
  }

  /** Whether {@code location} has a {@code ..} segment between slashes or backslashes. */
  private static boolean hasParentSegment(String location) {
    int start = 0;
    for (int i = 0; i <= location.length(); i++) {
      if (i == location.length() || location.charAt(i) == '/' || location.charAt(i) == '\\') {
        if (i - start == 2 && location.charAt(start) == '.' && location.charAt(start + 1) == '.') {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /**
   * Checks the name of a Secrets Manager or SSM reference: the job role's IAM policy grants the
   * referenced secrets by name, so a wildcard or policy variable in it would grant more.
   */
  void secretName(io.lakeplan.model.SecretRef reference) {
    if (reference.provider() == io.lakeplan.model.SecretRef.Provider.ENV) {
      return;
    }
    String name = reference.name();
    if (name.contains("*") || name.contains("?") || name.contains("${")) {
      report(
          ProblemCode.UNSAFE_PATH,
          "Secret reference "
              + reference
              + " has a wildcard or variable ('*', '?' or '${'); name one secret (the job role's"
              + " IAM policy grants exactly the secrets referenced)");
    }
  }

  void positive(Duration duration, String what) {
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      report(
          ProblemCode.NON_POSITIVE_DURATION,
          "Invalid " + what + ": " + Durations.format(duration) + " (must be positive, e.g. 7d)");
    }
  }

  void range(long value, long min, long max, String what) {
    if (value < min || value > max) {
      report(
          ProblemCode.OUT_OF_RANGE,
          "Invalid "
              + what
              + ": "
              + value
              + " (must be "
              + (max == Long.MAX_VALUE ? "at least " + min : min + "-" + max)
              + ")");
    }
  }

  /** Exactly one of two alternatives must be set. */
  void exactlyOne(Object first, String firstName, Object second, String secondName) {
    boolean hasFirst =
        first != null
            && !(first instanceof String s && s.isBlank())
            && !(first instanceof List<?> l && l.isEmpty());
    boolean hasSecond =
        second != null
            && !(second instanceof String s && s.isBlank())
            && !(second instanceof List<?> l && l.isEmpty());
    if (hasFirst == hasSecond) {
      report(
          hasFirst ? ProblemCode.CONFLICTING_SETTINGS : ProblemCode.REQUIRED,
          hasFirst
              ? "Both " + firstName + " and " + secondName + " are set; keep one"
              : "Missing " + firstName + " or " + secondName + "; set one of them");
    }
  }

  void uniqueIds(List<String> ids, String what) {
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (id != null && !seen.add(id)) {
        report(ProblemCode.DUPLICATE_ID, "Duplicate " + what + " '" + id + "'; ids must be unique");
      }
    }
  }

  /** A property map: no key without a value; secret-looking keys are plaintext secrets. */
  void noSecretProperties(java.util.Map<String, String> properties) {
    properties.forEach(
        (key, value) -> {
          if (value == null) {
            at(key)
                .report(
                    ProblemCode.INVALID_VALUE,
                    "Property '"
                        + key
                        + "' has no value (YAML reads an unquoted null, ~ or nothing as none):"
                        + " give it a value, in quotes if it reads as null, or remove it");
          }
        });
    for (String key : properties.keySet()) {
      if (SECRET_KEY.matcher(key).matches()) {
        at(key)
            .report(
                ProblemCode.PLAINTEXT_SECRET,
                "Property '"
                    + key
                    + "' holds a secret in plain text; remove it and use a secret reference"
                    + " (env:NAME, secretsmanager:NAME or ssm:/NAME) in the field made for it");
      }
    }
  }

  /** Secrets in free text: {@code password=…}, {@code --password X}, {@code user:pass@host}. */
  void noSecretInText(String text, String what) {
    if (text == null) {
      return;
    }
    java.util.regex.Matcher assignment = SECRET_ASSIGNMENT.matcher(text);
    boolean plain = URL_USER_INFO.matcher(text).find() || ORACLE_USER_PASSWORD.matcher(text).find();
    while (!plain && assignment.find()) {
      plain = !looksLikeReference(assignment.group(2));
    }
    if (plain) {
      report(
          ProblemCode.PLAINTEXT_SECRET,
          "The "
              + what
              + " contains a secret in plain text (value hidden); pass a secret reference such as"
              + " env:NAME or secretsmanager:NAME and resolve it in the job");
    }
  }

  /** Argument lists: no argument without a value, no secret flag followed by its value. */
  void noSecretInArguments(List<String> arguments) {
    for (int i = 0; i < arguments.size(); i++) {
      String argument = arguments.get(i);
      Checks at = element("arguments", null, i);
      if (argument == null) {
        // spark-submit would get the text "null" or nothing: never what the author meant
        at.report(
            ProblemCode.INVALID_VALUE,
            "Argument "
                + (i + 1)
                + " has no value (YAML reads an unquoted null, NULL, ~ or an empty item as none):"
                + " write it in quotes, e.g. 'NULL', or remove it");
        continue;
      }
      boolean flagWithValue =
          SECRET_FLAG.matcher(argument).matches()
              && i + 1 < arguments.size()
              && arguments.get(i + 1) != null
              && !looksLikeReference(arguments.get(i + 1));
      if (flagWithValue) {
        element("arguments", null, i + 1)
            .report(
                ProblemCode.PLAINTEXT_SECRET,
                "Argument after '"
                    + argument
                    + "' is a secret in plain text (value hidden); pass a reference such as"
                    + " env:NAME or secretsmanager:NAME instead");
      } else {
        at.noSecretInText(argument, "argument");
      }
    }
  }

  private static boolean looksLikeReference(String value) {
    return value.startsWith("env:")
        || value.startsWith("secretsmanager:")
        || value.startsWith("ssm:");
  }

  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
