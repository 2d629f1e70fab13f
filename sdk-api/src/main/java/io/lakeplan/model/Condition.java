package io.lakeplan.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A row condition (a filter or a delete condition) that every engine evaluates the same way: in SQL
 * on Spark, in memory in the testkit. Written in YAML as readable text, e.g. {@code op = 'D' and
 * amount > 0}, and parsed with {@link #parse(String)}.
 *
 * <p>The language: comparisons ({@code = <> != < <= > >=}) between a column and a literal or
 * another column, {@code col is [not] null}, {@code col [not] in ('a', 'b')}, combined with {@code
 * and}, {@code or}, {@code not} and parentheses. Literals: {@code 'text'} (double a quote to escape
 * it), integers, decimals, {@code true}, {@code false}. Evaluation follows SQL's three-valued
 * logic: a comparison with a null is unknown, and unknown rows do not match.
 */
public sealed interface Condition
    permits Condition.And,
        Condition.Or,
        Condition.Not,
        Condition.Compare,
        Condition.IsNull,
        Condition.In {

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException naming the text, the position and what was expected
   */
  static Condition parse(String text) {
    return ConditionParser.parse(text);
  }

  /** The columns this condition reads, sorted. */
  default Set<String> columns() {
    Set<String> columns = new TreeSet<>();
    collectColumns(columns);
    return columns;
  }

  /** Adds the columns this condition reads to {@code columns}. */
  void collectColumns(Set<String> columns);

  /**
   * Evaluates this condition on a row, SQL-style: {@code TRUE}, {@code FALSE} or {@code null} for
   * unknown.
   *
   * @param row the value of a column by name; {@code null} for SQL NULL
   */
  Boolean evaluate(Function<String, Object> row);

  /** Whether the row matches: {@link #evaluate} is {@code TRUE}. */
  default boolean matches(Function<String, Object> row) {
    return Boolean.TRUE.equals(evaluate(row));
  }

  /** This condition as Spark SQL, with every column passed through {@code quoteIdentifier}. */
  String toSql(UnaryOperator<String> quoteIdentifier);

  /** The canonical text form; {@code parse(toString())} equals this condition. */
  @Override
  String toString();

  /** Comparison operators. */
  enum Operator {
    EQ("="),
    NE("<>"),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written. */
    public String symbol() {
      return symbol;
    }

    boolean holds(int comparison) {
      return switch (this) {
        case EQ -> comparison == 0;
        case NE -> comparison != 0;
        case LT -> comparison < 0;
        case LE -> comparison <= 0;
        case GT -> comparison > 0;
        case GE -> comparison >= 0;
      };
    }
  }

  /** One side of a comparison: a column or a literal. */
  sealed interface Operand permits Column, Literal {
    Object value(Function<String, Object> row);

    String toSql(UnaryOperator<String> quoteIdentifier);
  }

  /** A column reference. */
  record Column(String name) implements Operand {
    public Column {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public Object value(Function<String, Object> row) {
      return row.apply(name);
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return quoteIdentifier.apply(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A literal: a {@link String}, a {@link Long}, a {@link BigDecimal} or a {@link Boolean}. */
  record Literal(Object value) implements Operand {
    public Literal {
      Objects.requireNonNull(value, "value");
      if (value instanceof Integer i) {
        value = i.longValue();
      }
      if (value instanceof BigDecimal decimal && decimal.scale() <= 0) {
        // The text form always shows a fraction, so keep one digit of scale for round trips.
        value = decimal.setScale(1);
      }
      if (!(value instanceof String
          || value instanceof Long
          || value instanceof BigDecimal
          || value instanceof Boolean)) {
        throw new IllegalArgumentException(
            "Invalid literal type: "
                + value.getClass().getSimpleName()
                + " (use text, numbers or booleans)");
      }
    }

    @Override
    public Object value(Function<String, Object> row) {
      return value;
    }

    /**
     * The literal as Spark SQL. Text is written with Spark's backslash escapes ({@code \\} and
     * {@code \'}), not the doubled quote of the text form: Spark reads a backslash in a literal as
     * an escape, so {@code 'a\'} written as is would not end where the condition's literal ends.
     * Assumes Spark's default {@code spark.sql.parser.escapedStringLiterals=false}.
     */
    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      if (value instanceof String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
      }
      return toString();
    }

    @Override
    public String toString() {
      if (value instanceof String text) {
        return "'" + text.replace("'", "''") + "'";
      }
      if (value instanceof BigDecimal decimal) {
        String plain = decimal.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
      }
      return value.toString();
    }
  }

  /** All operands hold; nested conjunctions are flattened. */
  record And(List<Condition> operands) implements Condition {
    public And {
      operands = flatten(operands, And.class);
    }

    @Override
    public void collectColumns(Set<String> columns) {
      operands.forEach(operand -> operand.collectColumns(columns));
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      boolean unknown = false;
      for (Condition operand : operands) {
        Boolean value = operand.evaluate(row);
        if (Boolean.FALSE.equals(value)) {
          return false;
        }
        unknown |= value == null;
      }
      return unknown ? null : true;
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return operands.stream()
          .map(operand -> Nesting.wrapSql(operand, Or.class, quoteIdentifier))
          .collect(Collectors.joining(" AND "));
    }

    @Override
    public String toString() {
      return operands.stream()
          .map(operand -> Nesting.wrap(operand, Or.class))
          .collect(Collectors.joining(" and "));
    }
  }

  /** Any operand holds; nested disjunctions are flattened. */
  record Or(List<Condition> operands) implements Condition {
    public Or {
      operands = flatten(operands, Or.class);
    }

    @Override
    public void collectColumns(Set<String> columns) {
      operands.forEach(operand -> operand.collectColumns(columns));
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      boolean unknown = false;
      for (Condition operand : operands) {
        Boolean value = operand.evaluate(row);
        if (Boolean.TRUE.equals(value)) {
          return true;
        }
        unknown |= value == null;
      }
      return unknown ? null : false;
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return operands.stream()
          .map(operand -> operand.toSql(quoteIdentifier))
          .collect(Collectors.joining(" OR "));
    }

    @Override
    public String toString() {
      return operands.stream().map(Condition::toString).collect(Collectors.joining(" or "));
    }
  }

  /** The operand does not hold (unknown stays unknown). */
  record Not(Condition operand) implements Condition {
    public Not {
      Objects.requireNonNull(operand, "operand");
    }

    @Override
    public void collectColumns(Set<String> columns) {
      operand.collectColumns(columns);
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      Boolean value = operand.evaluate(row);
      return value == null ? null : !value;
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return "NOT (" + operand.toSql(quoteIdentifier) + ")";
    }

    @Override
    public String toString() {
      boolean compound = operand instanceof And || operand instanceof Or;
      return compound ? "not (" + operand + ")" : "not " + operand;
    }
  }

  /** {@code left op right}. */
  record Compare(Operand left, Operator operator, Operand right) implements Condition {
    public Compare {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(right, "right");
    }

    @Override
    public void collectColumns(Set<String> columns) {
      if (left instanceof Column column) {
        columns.add(column.name());
      }
      if (right instanceof Column column) {
        columns.add(column.name());
      }
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      Object leftValue = left.value(row);
      Object rightValue = right.value(row);
      if (leftValue == null || rightValue == null) {
        return null;
      }
      return operator.holds(Values.compare(leftValue, rightValue));
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return left.toSql(quoteIdentifier)
          + " "
          + operator.symbol()
          + " "
          + right.toSql(quoteIdentifier);
    }

    @Override
    public String toString() {
      return left + " " + operator.symbol() + " " + right;
    }
  }

  /** {@code column is null}, or {@code column is not null} when negated. */
  record IsNull(String column, boolean negated) implements Condition {
    public IsNull {
      Objects.requireNonNull(column, "column");
    }

    @Override
    public void collectColumns(Set<String> columns) {
      columns.add(column);
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      return (row.apply(column) == null) != negated;
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return quoteIdentifier.apply(column) + (negated ? " IS NOT NULL" : " IS NULL");
    }

    @Override
    public String toString() {
      return column + (negated ? " is not null" : " is null");
    }
  }

  /** {@code column in (values)}, or {@code not in} when negated. */
  record In(String column, List<Literal> values, boolean negated) implements Condition {
    public In {
      Objects.requireNonNull(column, "column");
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("Invalid in-list on " + column + ": no values");
      }
    }

    @Override
    public void collectColumns(Set<String> columns) {
      columns.add(column);
    }

    @Override
    public Boolean evaluate(Function<String, Object> row) {
      Object value = row.apply(column);
      if (value == null) {
        return null;
      }
      for (Literal literal : values) {
        if (Values.compare(value, literal.value()) == 0) {
          return !negated;
        }
      }
      return negated;
    }

    @Override
    public String toSql(UnaryOperator<String> quoteIdentifier) {
      return quoteIdentifier.apply(column)
          + (negated ? " NOT IN (" : " IN (")
          + values.stream()
              .map(literal -> literal.toSql(quoteIdentifier))
              .collect(Collectors.joining(", "))
          + ")";
    }

    @Override
    public String toString() {
      return column
          + (negated ? " not in (" : " in (")
          + values.stream().map(Literal::toString).collect(Collectors.joining(", "))
          + ")";
    }
  }

  private static List<Condition> flatten(
      List<Condition> operands, Class<? extends Condition> kind) {
    List<Condition> flat = new ArrayList<>();
    for (Condition operand : operands) {
      Objects.requireNonNull(operand, "operand");
      if (kind.isInstance(operand)) {
        flat.addAll(operand instanceof And and ? and.operands() : ((Or) operand).operands());
      } else {
        flat.add(operand);
      }
    }
    if (flat.size() < 2) {
      throw new IllegalArgumentException(
          kind.getSimpleName().toLowerCase(Locale.ROOT) + " needs at least two operands");
    }
    return List.copyOf(flat);
  }

  /** Parenthesizing rules shared by the text and SQL forms. */
  final class Nesting {
    private Nesting() {}

    static String wrap(Condition operand, Class<? extends Condition> looser) {
      return looser.isInstance(operand) ? "(" + operand + ")" : operand.toString();
    }

    static String wrapSql(
        Condition operand, Class<? extends Condition> looser, UnaryOperator<String> quote) {
      String sql = operand.toSql(quote);
      return looser.isInstance(operand) ? "(" + sql + ")" : sql;
    }
  }

  /** How row values compare with literals: numbers by value, temporals by parsing the text. */
  final class Values {
    private Values() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object left, Object right) {
      if (left instanceof Number l && right instanceof Number r) {
        return toDecimal(l).compareTo(toDecimal(r));
      }
      if (right instanceof String text && !(left instanceof String)) {
        return compare(left, parseLike(left, text));
      }
      if (left instanceof String text && !(right instanceof String)) {
        return -compare(right, parseLike(right, text));
      }
      if (left.getClass() == right.getClass() && left instanceof Comparable comparable) {
        return comparable.compareTo(right);
      }
      throw new IllegalArgumentException(
          "Cannot compare "
              + left.getClass().getSimpleName()
              + " with "
              + right.getClass().getSimpleName());
    }

    private static BigDecimal toDecimal(Number number) {
      if (number instanceof BigDecimal decimal) {
        return decimal;
      }
      if (number instanceof Double || number instanceof Float) {
        return BigDecimal.valueOf(number.doubleValue());
      }
      return BigDecimal.valueOf(number.longValue());
    }

    /**
     * {@code text} as a value of {@code sample}'s type, read as Spark casts a string literal
     * compared with a column: a date-time column takes a bare date as its midnight, a date column
     * the date of a date-time; a zone-less timestamp ignores a zone in the text (Spark's cast to
     * {@code TIMESTAMP_NTZ}); a {@code timestamptz} reads text without a zone as UTC.
     */
    private static Object parseLike(Object sample, String text) {
      if (sample instanceof Boolean) {
        return Boolean.parseBoolean(text);
      }
      if (!(sample instanceof LocalDate
          || sample instanceof LocalDateTime
          || sample instanceof OffsetDateTime
          || sample instanceof Instant)) {
        throw new IllegalArgumentException(
            "Cannot compare " + sample.getClass().getSimpleName() + " with text '" + text + "'");
      }
      TemporalAccessor parsed;
      try {
        parsed =
            DATE_TIME.parseBest(
                text.trim(), OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "Cannot compare a "
                + (sample instanceof LocalDate ? "date" : "timestamp")
                + " with '"
                + text
                + "': write a date or a date-time, e.g. '2024-01-31' or '2024-01-31 10:00:00'",
            e);
      }
      LocalDateTime local =
          parsed instanceof OffsetDateTime offset
              ? offset.toLocalDateTime()
              : parsed instanceof LocalDateTime dateTime
                  ? dateTime
                  : ((LocalDate) parsed).atStartOfDay();
      if (sample instanceof LocalDate) {
        return local.toLocalDate();
      }
      if (sample instanceof LocalDateTime) {
        return local;
      }
      Instant instant =
          parsed instanceof OffsetDateTime offset
              ? offset.toInstant()
              : local.toInstant(ZoneOffset.UTC);
      return sample instanceof Instant ? instant : instant.atOffset(ZoneOffset.UTC);
    }

    /** A date, optionally a time (T or a space; minutes, seconds and fraction optional), a zone. */
    private static final DateTimeFormatter DATE_TIME =
        new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendPattern("['T'][' ']")
            .appendValue(ChronoField.HOUR_OF_DAY, 2)
            .appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart()
            .appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .optionalEnd()
            .optionalStart()
            .appendOffset("+HH:MM", "Z")
            .optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT);
  }
}
