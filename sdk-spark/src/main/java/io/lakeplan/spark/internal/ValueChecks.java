package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import io.lakeplan.spi.ValueRuleException;
import io.lakeplan.spi.ValueRules;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Lakeplan's value rules ({@link ValueRules}) in Spark SQL, so Spark writes a value unchanged or
 * not at all, exactly as the in-memory engine does. Text is converted by the rules themselves (a
 * SQL function per conversion calling {@link ValueRules}); a typed source column is cast where the
 * cast cannot change a value, and otherwise cast with a check that the value reads back unchanged.
 * A refused value stops the write with {@code raise_error} — nothing is committed — and {@link
 * #refusal} then counts the refused values per column for the failure.
 */
final class ValueChecks {

  /** The marker of the error a refused value raises. */
  static final String REFUSED = "LAKEPLAN_VALUE_REFUSED";

  /** {@code lakeplan_value_problem(from, to, text)}: why the value is refused, or null. */
  static final String PROBLEM = "lakeplan_value_problem";

  private static final Map<String, ColumnType> TYPES = new ConcurrentHashMap<>();

  private ValueChecks() {}

  /**
   * A target column filled from a source column: its SQL, the two types, and for a text source the
   * SQL of its rules-converted value ({@link #typedValueSql}; null otherwise).
   */
  record Conversion(String column, String source, DataType from, DataType to, String ruled) {

    /** The target column's value, raising {@link #REFUSED} for a value the rules refuse. */
    String sql() {
      String converted = converted();
      String refused = refusedWhen();
      return refused == null
          ? converted
          : "CASE WHEN "
              + refused
              + " THEN raise_error('"
              + REFUSED
              + " column "
              + column.replace("'", "")
              + "') ELSE "
              + converted
              + " END";
    }

    /** The value as the target's type, without the check. */
    String converted() {
      if (from.equals(to)) {
        return source;
      }
      return ruled != null ? ruled : "CAST(" + source + " AS " + to.sql() + ")";
    }

    /** A condition true for a value the target refuses; null when no value can be refused. */
    String refusedWhen() {
      if (lossless(from, to)) {
        return null;
      }
      if (ruled != null) {
        return source + " IS NOT NULL AND " + ruled + " IS NULL";
      }
      if (!comparable(from, to)) {
        return source + " IS NOT NULL";
      }
      String cast = "try_cast(" + source + " AS " + to.sql() + ")";
      return source
          + " IS NOT NULL AND ("
          + cast
          + " IS NULL OR try_cast("
          + cast
          + " AS "
          + from.sql()
          + ") <> "
          + source
          + ")";
    }
  }

  /**
   * Target column {@code column} from {@code source} (SQL): a text source is read by the rules
   * through a function registered in {@code spark}, any other is cast (and checked, {@link
   * Conversion#refusedWhen}).
   */
  static Conversion conversion(
      SparkSession spark, String column, String source, DataType from, DataType to) {
    boolean text = from instanceof StringType && !(to instanceof StringType);
    return new Conversion(
        column, source, from, to, text ? typedValueSql(spark, "string", to, source) : null);
  }

  /**
   * SQL for text {@code source} as a {@code to} value by the rules, read first as the type named
   * {@code from} (a Kafka field's declared type; {@code string} for text columns); null for a
   * refused value. A function of this conversion alone, registered in {@code spark} on first use,
   * that returns the typed value itself.
   */
  static String typedValueSql(SparkSession spark, String from, DataType to, String source) {
    String target = columnType(to).toString();
    if (from.equals("string") && to instanceof StringType) {
      return source; // text stays as it is
    }
    String name = "lakeplan_value_" + (from + "_to_" + target).replaceAll("[^A-Za-z0-9]+", "_");
    if (!spark.catalog().functionExists(name)) {
      spark.udf().register(name, new TypedValue(from, target), to);
    }
    return name + "(" + source + ")";
  }

  /** The function {@link #typedValueSql} registers: one conversion, its types resolved once. */
  private static final class TypedValue implements UDF1<String, Object> {
    private static final long serialVersionUID = 1L;
    private final String from;
    private final String to;
    private transient ColumnType fromType;
    private transient ColumnType toType;

    TypedValue(String from, String to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object call(String text) {
      if (toType == null) {
        fromType = type(from);
        toType = type(to);
      }
      try {
        Object value = ValueRules.fromText(fromType, text);
        if (!fromType.equals(toType)) {
          value = ValueRules.convert(toType, value);
        }
        return value instanceof ByteBuffer bytes ? bytes(bytes) : value;
      } catch (ValueRuleException e) {
        return null;
      }
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  /**
   * SQL for the dead-letter reason of text {@code source} whose {@code value} (its {@link
   * #typedValueSql}) is refused ({@code column <name>: <problem>}, as {@link ValueRules#reason});
   * null when it is accepted. The problem is worked out for refused values only.
   */
  static String problemSql(String column, String from, DataType to, String source, String value) {
    if (value.equals(source)) {
      return "CAST(NULL AS string)"; // text into a string column: never refused
    }
    return "CASE WHEN "
        + source
        + " IS NOT NULL AND "
        + value
        + " IS NULL THEN concat('column "
        + column.replace("'", "")
        + ": ', "
        + PROBLEM
        + "('"
        + from
        + "', '"
        + columnType(to)
        + "', "
        + source
        + ")) END";
  }

  /** Registers the dead-letter reason's SQL function ({@link #PROBLEM}) in {@code spark}, once. */
  static void register(SparkSession spark) {
    if (spark.catalog().functionExists(PROBLEM)) {
      return;
    }
    spark
        .udf()
        .register(
            PROBLEM,
            (UDF3<String, String, String, String>) ValueChecks::problem,
            DataTypes.StringType);
  }

  /** Why the rules refuse {@code text} as a {@code from} value, then a {@code to}, or null. */
  static String problem(String from, String to, String text) {
    try {
      convert(from, type(to), text);
      return null;
    } catch (ValueRuleException e) {
      return e.problem();
    }
  }

  private static Object convert(String from, ColumnType to, String text) {
    ColumnType source = type(from);
    Object value = ValueRules.fromText(source, text);
    return source.equals(to) ? value : ValueRules.convert(to, value);
  }

  private static ColumnType type(String name) {
    return TYPES.computeIfAbsent(name, ColumnType::parse);
  }

  /** Whether the failure is a refused value's. */
  static boolean isRefusal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains(REFUSED)) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  /**
   * The failure of a write a refused value stopped: counts the refused values of each conversion in
   * {@code source} (one pass) and names the problem of the least of them, as the in-memory engine
   * does.
   *
   * @param what holds the values, e.g. {@code The source of ingestion payments}
   */
  static TaskFailedException refusal(
      Dataset<Row> source, List<Conversion> conversions, String what, Throwable cause) {
    List<Conversion> checked = new ArrayList<>();
    List<String> aggregates = new ArrayList<>();
    for (Conversion conversion : conversions) {
      String refused = conversion.refusedWhen();
      if (refused != null) {
        checked.add(conversion);
        aggregates.add("count_if(" + refused + ")");
        aggregates.add("min(CASE WHEN " + refused + " THEN " + conversion.source() + " END)");
      }
    }
    List<ValueRules.Refusal> refusals = new ArrayList<>();
    if (!checked.isEmpty()) {
      Row counts = source.selectExpr(aggregates.toArray(String[]::new)).first();
      for (int i = 0; i < checked.size(); i++) {
        long count = counts.getLong(2 * i);
        if (count > 0) {
          Conversion conversion = checked.get(i);
          refusals.add(
              new ValueRules.Refusal(
                  conversion.column(), count, problemOf(conversion, counts.get(2 * i + 1))));
        }
      }
    }
    if (refusals.isEmpty()) {
      // the source changed since the write read it: say what the write saw
      return new TaskFailedException(
          what + " holds a value its target cannot take unchanged: " + Failures.rootMessage(cause),
          cause);
    }
    return new TaskFailedException(ValueRules.refused(what, refusals), cause);
  }

  private static String problemOf(Conversion conversion, Object example) {
    ColumnType target = columnType(conversion.to());
    try {
      if (example instanceof String text) {
        ValueRules.fromText(target, text);
      } else {
        ValueRules.convert(target, javaValue(example));
      }
    } catch (ValueRuleException e) {
      return e.problem();
    }
    return "a " + conversion.from().simpleString() + " value that " + target + " cannot hold";
  }

  /** A value as Spark's rows hold it, as the Java value the rules take. */
  private static Object javaValue(Object value) {
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof scala.math.BigDecimal decimal) {
      return decimal.bigDecimal();
    }
    return value;
  }

  /** The Lakeplan column type of a Spark type. */
  static ColumnType columnType(DataType type) {
    if (type instanceof BooleanType) {
      return ColumnType.BOOLEAN;
    }
    if (type instanceof IntegerType || type instanceof ShortType || type instanceof ByteType) {
      return ColumnType.INT;
    }
    if (type instanceof LongType) {
      return ColumnType.LONG;
    }
    if (type instanceof FloatType) {
      return ColumnType.FLOAT;
    }
    if (type instanceof DoubleType) {
      return ColumnType.DOUBLE;
    }
    if (type instanceof DecimalType decimal) {
      return ColumnType.decimal(decimal.precision(), decimal.scale());
    }
    if (type instanceof DateType) {
      return ColumnType.DATE;
    }
    if (type instanceof TimestampNTZType) {
      return ColumnType.TIMESTAMP;
    }
    if (type instanceof TimestampType) {
      return ColumnType.TIMESTAMPTZ;
    }
    if (type instanceof BinaryType) {
      return ColumnType.BINARY;
    }
    return ColumnType.STRING;
  }

  /** Whether casting {@code from} to {@code to} keeps every value (the session's zone is UTC). */
  static boolean lossless(DataType from, DataType to) {
    if (from.equals(to) || to instanceof StringType) {
      return true;
    }
    int whole = wholeDigits(from);
    if (whole > 0) {
      if (to instanceof LongType) {
        return true;
      }
      if (to instanceof IntegerType) {
        return !(from instanceof LongType);
      }
      if (to instanceof DecimalType decimal) {
        return decimal.precision() - decimal.scale() >= whole;
      }
    }
    if (from instanceof DecimalType source && to instanceof DecimalType target) {
      return target.scale() >= source.scale()
          && target.precision() - target.scale() >= source.precision() - source.scale();
    }
    // floating point is approximate by nature: a number into float or double is never refused
    if ((to instanceof DoubleType || to instanceof FloatType) && isNumber(from)) {
      return true;
    }
    // a date is its midnight; a timestamp with and without zone are the same UTC time
    return (from instanceof DateType
            || from instanceof TimestampType
            || from instanceof TimestampNTZType)
        && (to instanceof TimestampType || to instanceof TimestampNTZType);
  }

  /** Whether a value of {@code from} can become a {@code to} at all (then checked by value). */
  private static boolean comparable(DataType from, DataType to) {
    boolean fromTime =
        from instanceof DateType
            || from instanceof TimestampType
            || from instanceof TimestampNTZType;
    boolean toTime =
        to instanceof DateType || to instanceof TimestampType || to instanceof TimestampNTZType;
    return (isNumber(from) && isNumber(to)) || (fromTime && toTime);
  }

  private static boolean isNumber(DataType type) {
    return wholeDigits(type) > 0
        || type instanceof DecimalType
        || type instanceof DoubleType
        || type instanceof FloatType;
  }

  /** The digits of the largest value of an integer type; 0 for other types. */
  private static int wholeDigits(DataType type) {
    if (type instanceof ByteType) {
      return 3;
    }
    if (type instanceof ShortType) {
      return 5;
    }
    if (type instanceof IntegerType) {
      return 10;
    }
    return type instanceof LongType ? 19 : 0;
  }
}
