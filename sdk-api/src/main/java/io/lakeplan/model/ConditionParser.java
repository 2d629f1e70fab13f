package io.lakeplan.model;

import io.lakeplan.model.Condition.Column;
import io.lakeplan.model.Condition.Literal;
import io.lakeplan.model.Condition.Operand;
import io.lakeplan.model.Condition.Operator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Recursive-descent parser of the condition language documented on {@link Condition}. */
final class ConditionParser {
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "not", "is", "null", "in", "true", "false");
  private static final int MAX_DEPTH = 64;

  private final String text;
  private int position;
  private int depth;

  private ConditionParser(String text) {
    this.text = text;
  }

  /** Parses {@code text}; see {@link Condition}. */
  public static Condition parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("Invalid condition: blank (write e.g. op = 'D')");
    }
    ConditionParser parser = new ConditionParser(text);
    parser.requirePlainOutsideLiterals();
    Condition condition = parser.parseOr();
    parser.skipSpace();
    if (parser.position < text.length()) {
      throw parser.error("unexpected '" + parser.rest() + "'");
    }
    return condition;
  }

  /**
   * Outside text literals a condition is ASCII without control characters: a look-alike letter (a
   * Cyrillic {@code а}, a fullwidth {@code ｏｐ}) or digit would otherwise name another column or
   * read as a number, and control characters have no place in SQL text.
   */
  private void requirePlainOutsideLiterals() {
    boolean inLiteral = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        inLiteral = !inLiteral;
      } else if (!inLiteral && (c > 0x7e || (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))) {
        position = i;
        throw error(
            String.format(
                "character U+%04X outside a text literal; columns, keywords and numbers are plain"
                    + " ASCII (retype it, it may be a look-alike), text goes in quotes",
                text.codePointAt(i)));
      }
    }
  }

  private Condition parseOr() {
    List<Condition> operands = new ArrayList<>();
    operands.add(parseAnd());
    while (acceptKeyword("or")) {
      operands.add(parseAnd());
    }
    return operands.size() == 1 ? operands.get(0) : new Condition.Or(operands);
  }

  private Condition parseAnd() {
    List<Condition> operands = new ArrayList<>();
    operands.add(parseNot());
    while (acceptKeyword("and")) {
      operands.add(parseNot());
    }
    return operands.size() == 1 ? operands.get(0) : new Condition.And(operands);
  }

  private Condition parseNot() {
    if (acceptKeyword("not")) {
      enter();
      Condition operand = parseNot();
      depth--;
      return new Condition.Not(operand);
    }
    return parsePredicate();
  }

  private Condition parsePredicate() {
    skipSpace();
    if (accept("(")) {
      enter();
      Condition inner = parseOr();
      depth--;
      expect(")");
      return inner;
    }
    Operand left = parseOperand();
    if (left instanceof Column column) {
      int mark = position;
      if (acceptKeyword("is")) {
        boolean negated = acceptKeyword("not");
        if (!acceptKeyword("null")) {
          throw error("expected 'null' after 'is'");
        }
        return new Condition.IsNull(column.name(), negated);
      }
      boolean negated = acceptKeyword("not");
      if (acceptKeyword("in")) {
        return new Condition.In(column.name(), parseList(), negated);
      }
      if (negated) {
        position = mark;
        throw error("expected 'in' after 'not'");
      }
    }
    Operator operator = parseOperator();
    Operand right = parseOperand();
    return new Condition.Compare(left, operator, right);
  }

  private List<Literal> parseList() {
    expect("(");
    List<Literal> values = new ArrayList<>();
    do {
      Operand operand = parseOperand();
      if (!(operand instanceof Literal literal)) {
        throw error("in-lists hold literals only, found column " + operand);
      }
      values.add(literal);
    } while (accept(","));
    expect(")");
    return values;
  }

  private Operator parseOperator() {
    skipSpace();
    for (String symbol : new String[] {"<=", ">=", "<>", "!=", "=", "<", ">"}) {
      if (text.startsWith(symbol, position)) {
        position += symbol.length();
        return switch (symbol) {
          case "<=" -> Operator.LE;
          case ">=" -> Operator.GE;
          case "<>", "!=" -> Operator.NE;
          case "=" -> Operator.EQ;
          case "<" -> Operator.LT;
          default -> Operator.GT;
        };
      }
    }
    throw error(
        position >= text.length()
            ? "expected a comparison (=, <>, <, <=, >, >=, is null, in) at the end"
            : "expected a comparison (=, <>, <, <=, >, >=, is null, in) at '" + rest() + "'");
  }

  private Operand parseOperand() {
    skipSpace();
    if (position >= text.length()) {
      throw error("expected a column or a literal at the end");
    }
    char first = text.charAt(position);
    if (first == '\'') {
      return new Literal(parseString());
    }
    if (Character.isDigit(first)
        || (first == '-'
            && position + 1 < text.length()
            && Character.isDigit(text.charAt(position + 1)))) {
      return new Literal(parseNumber());
    }
    if (Character.isLetter(first) || first == '_') {
      int start = position;
      while (position < text.length()
          && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
        position++;
      }
      String word = text.substring(start, position);
      String lower = word.toLowerCase(Locale.ROOT);
      if (lower.equals("true") || lower.equals("false")) {
        return new Literal(Boolean.valueOf(lower));
      }
      if (KEYWORDS.contains(lower)) {
        position = start;
        throw error("expected a column or a literal, found keyword '" + word + "'");
      }
      return new Column(word);
    }
    throw error("expected a column or a literal at '" + rest() + "'");
  }

  private String parseString() {
    StringBuilder value = new StringBuilder();
    int start = position;
    position++;
    while (position < text.length()) {
      char c = text.charAt(position++);
      if (c == '\'') {
        if (position < text.length() && text.charAt(position) == '\'') {
          value.append('\'');
          position++;
        } else {
          return value.toString();
        }
      } else {
        value.append(c);
      }
    }
    position = start;
    throw error("unterminated text literal");
  }

  private Object parseNumber() {
    int start = position;
    if (text.charAt(position) == '-') {
      position++;
    }
    while (position < text.length() && Character.isDigit(text.charAt(position))) {
      position++;
    }
    boolean decimal = false;
    if (position < text.length() && text.charAt(position) == '.') {
      decimal = true;
      position++;
      while (position < text.length() && Character.isDigit(text.charAt(position))) {
        position++;
      }
    }
    String number = text.substring(start, position);
    try {
      return decimal ? new BigDecimal(number) : (Object) Long.parseLong(number);
    } catch (NumberFormatException e) {
      position = start;
      throw error("invalid number '" + number + "'");
    }
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private boolean acceptKeyword(String keyword) {
    skipSpace();
    int end = position + keyword.length();
    if (text.regionMatches(true, position, keyword, 0, keyword.length())
        && (end == text.length()
            || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'))) {
      position = end;
      return true;
    }
    return false;
  }

  private boolean accept(String symbol) {
    skipSpace();
    if (text.startsWith(symbol, position)) {
      position += symbol.length();
      return true;
    }
    return false;
  }

  private void expect(String symbol) {
    if (!accept(symbol)) {
      throw error(
          "expected '"
              + symbol
              + "'"
              + (position >= text.length() ? " at the end" : " at '" + rest() + "'"));
    }
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private String rest() {
    String rest = text.substring(position);
    return rest.length() > 20 ? rest.substring(0, 20) + "…" : rest;
  }

  private IllegalArgumentException error(String why) {
    return new IllegalArgumentException(
        "Invalid condition '" + text + "' at column " + (position + 1) + ": " + why);
  }
}
