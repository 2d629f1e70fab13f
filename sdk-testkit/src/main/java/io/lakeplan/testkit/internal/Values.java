package io.lakeplan.testkit.internal;

import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.SortField;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.spi.ValueRuleException;
import io.lakeplan.spi.ValueRules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortDirection;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Iceberg schemas from Lakeplan table definitions, and the two value representations the in-memory
 * engine works with: the values tests see (the same Java types the Spark engine returns with its
 * Java 8 date-time API: {@link Instant} for {@code timestamptz}, {@link LocalDateTime} for {@code
 * timestamp}, {@link LocalDate}, {@link BigDecimal} at the column's scale, {@link ByteBuffer} for
 * binary) and Iceberg's generic-record values ({@link OffsetDateTime} for {@code timestamptz}).
 */
public final class Values {

  private Values() {}

  /** The Iceberg schema of {@code definition}; field ids follow the column order from 1. */
  public static Schema schema(TableDefinition definition) {
    List<Types.NestedField> fields = new ArrayList<>();
    int id = 1;
    for (Column column : definition.columns()) {
      Type type = type(column.type());
      fields.add(
          column.required()
              ? Types.NestedField.required(id++, column.name(), type, column.doc())
              : Types.NestedField.optional(id++, column.name(), type, column.doc()));
    }
    return new Schema(fields);
  }

  /** The partition spec of {@code definition} on {@code schema}. */
  public static PartitionSpec spec(TableDefinition definition, Schema schema) {
    if (definition.partitionBy().isEmpty()) {
      return PartitionSpec.unpartitioned();
    }
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionField field : definition.partitionBy()) {
      String column = schema.caseInsensitiveFindField(field.column()).name();
      switch (field.transform()) {
        case IDENTITY -> builder.identity(column);
        case YEAR -> builder.year(column);
        case MONTH -> builder.month(column);
        case DAY -> builder.day(column);
        case HOUR -> builder.hour(column);
        case BUCKET -> builder.bucket(column, field.width());
        case TRUNCATE -> builder.truncate(column, field.width());
        default -> throw new IllegalArgumentException("Unsupported partition transform: " + field);
      }
    }
    return builder.build();
  }

  /** The sort order of {@code sortBy} on {@code schema}; unsorted when empty. */
  public static SortOrder sortOrder(List<SortField> sortBy, Schema schema) {
    if (sortBy.isEmpty()) {
      return SortOrder.unsorted();
    }
    SortOrder.Builder builder = SortOrder.builderFor(schema);
    for (SortField field : sortBy) {
      String column = schema.caseInsensitiveFindField(field.column()).name();
      builder.sortBy(
          column,
          field.descending() ? SortDirection.DESC : SortDirection.ASC,
          field.nullsFirst() ? NullOrder.NULLS_FIRST : NullOrder.NULLS_LAST);
    }
    return builder.build();
  }

  /** The Iceberg type of a Lakeplan column type. */
  public static Type type(ColumnType type) {
    return switch (type.kind()) {
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case LONG -> Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case DECIMAL -> Types.DecimalType.of(type.precision(), type.scale());
      case DATE -> Types.DateType.get();
      case TIMESTAMP -> Types.TimestampType.withoutZone();
      case TIMESTAMPTZ -> Types.TimestampType.withZone();
      case STRING -> Types.StringType.get();
      case BINARY -> Types.BinaryType.get();
    };
  }

  /** The Lakeplan name of an Iceberg type, as use cases write it. */
  public static String typeName(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "boolean";
      case INTEGER -> "int";
      case LONG -> "long";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield "decimal(" + decimal.precision() + "," + decimal.scale() + ")";
      }
      case DATE -> "date";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamptz" : "timestamp";
      case STRING -> "string";
      case BINARY -> "binary";
      default -> type.toString();
    };
  }

  /**
   * A value a test supplied (or a JSON field held) as the value tests see for {@code field}: an
   * {@link Integer} for a long column becomes a {@link Long}, ISO-8601 text becomes a date or time,
   * a decimal gets the column's scale (without rounding), and so on.
   *
   * @param where names the value's place for the error, e.g. {@code column amount of raw.orders}
   * @throws IllegalArgumentException naming the place, the value and the expected type when the
   *     value does not fit
   */
  public static Object coerce(Types.NestedField field, Object value, String where) {
    return coerce(field, value, where, null);
  }

  /**
   * {@link #coerce(Types.NestedField, Object, String)} for a value of column {@code field} of
   * {@code owner}: the error names {@code column <field> of <owner>}, built only when the value
   * does not fit (rows are coerced value by value, so the message must cost nothing otherwise).
   */
  public static Object coerceColumn(Types.NestedField field, Object value, String owner) {
    return coerce(field, value, null, owner);
  }

  private static Object coerce(Types.NestedField field, Object value, String where, String owner) {
    if (value == null) {
      return null;
    }
    try {
      return convert(field.type(), value);
    } catch (ValueRuleException e) {
      throw new IllegalArgumentException(
          "Invalid value for "
              + (owner == null ? where : "column " + field.name() + " of " + owner)
              + ": "
              + describe(value)
              + ", "
              + e.problem()
              + " (expected "
              + typeName(field.type())
              + example(field.type())
              + ")",
          e);
    }
  }

  /**
   * {@code value} as a value tests see for a column of {@code type}, by Lakeplan's value rules
   * ({@link ValueRules}).
   *
   * @throws ValueRuleException when the column cannot hold the value unchanged
   */
  public static Object convert(Type type, Object value) {
    Object converted = ValueRules.convert(columnType(type), value);
    return converted instanceof ByteBuffer buffer ? buffer.asReadOnlyBuffer() : converted;
  }

  /** The Lakeplan column type of an Iceberg type. */
  public static ColumnType columnType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> ColumnType.BOOLEAN;
      case INTEGER -> ColumnType.INT;
      case LONG -> ColumnType.LONG;
      case FLOAT -> ColumnType.FLOAT;
      case DOUBLE -> ColumnType.DOUBLE;
      // built, not looked up: a cache keyed by the Iceberg type hashed it (Objects.hash) for every
      // value converted, more than the construction costs; ColumnType compares by value
      case DECIMAL ->
          ColumnType.decimal(
              ((Types.DecimalType) type).precision(), ((Types.DecimalType) type).scale());
      case DATE -> ColumnType.DATE;
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? ColumnType.TIMESTAMPTZ
              : ColumnType.TIMESTAMP;
      case STRING -> ColumnType.STRING;
      case BINARY -> ColumnType.BINARY;
      default -> throw new IllegalArgumentException("Unsupported column type " + type);
    };
  }

  private static String describe(Object value) {
    String text = value instanceof byte[] ? "<" + ((byte[]) value).length + " bytes>" : "" + value;
    if (text.length() > 60) {
      text = text.substring(0, 57) + "...";
    }
    return "'" + text + "' (" + value.getClass().getSimpleName() + ")";
  }

  private static String example(Type type) {
    return switch (type.typeId()) {
      case LONG, INTEGER -> ", e.g. 42";
      case DECIMAL -> {
        Types.DecimalType decimal = (Types.DecimalType) type;
        yield ", e.g. "
            + BigDecimal.ONE.setScale(decimal.scale(), RoundingMode.UNNECESSARY).toPlainString()
            + " with at most "
            + decimal.scale()
            + " decimals";
      }
      case DATE -> ", e.g. 2024-05-01";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? ", e.g. an Instant or 2024-05-01T10:00:00Z"
              : ", e.g. a LocalDateTime or 2024-05-01T10:00:00";
      default -> "";
    };
  }

  /** A value tests see, as Iceberg's generic records hold it. */
  public static Object toIceberg(Type type, Object value) {
    if (value instanceof Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }
    return value;
  }

  /** A generic-record value, as tests see it. */
  public static Object fromIceberg(Type type, Object value) {
    if (value instanceof OffsetDateTime time) {
      return time.toInstant();
    }
    if (value instanceof ByteBuffer buffer) {
      return buffer.asReadOnlyBuffer();
    }
    return value;
  }

  /**
   * A record of {@code schema} from a row of test values (already coerced, keyed by column name in
   * any case); columns the row lacks are null.
   */
  public static Record record(Schema schema, Map<String, Object> row) {
    GenericRecord record = GenericRecord.create(schema);
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField field = columns.get(i);
      record.set(i, toIceberg(field.type(), row.get(field.name())));
    }
    return record;
  }

  /** A record as a row of test values, in column order. */
  public static Map<String, Object> row(Schema schema, Record record) {
    List<Types.NestedField> columns = schema.columns();
    Map<String, Object> row = new LinkedHashMap<>(columns.size() * 2);
    for (int i = 0; i < columns.size(); i++) {
      Types.NestedField field = columns.get(i);
      row.put(field.name(), fromIceberg(field.type(), record.get(i)));
    }
    return row;
  }

  /**
   * Checks and converts a test row for {@code schema}: column names are matched ignoring case,
   * values coerced; an unknown column fails naming the known ones.
   *
   * @param where names the row's destination for errors, e.g. {@code table raw.orders}
   */
  public static Map<String, Object> conform(
      Schema schema, Map<String, ?> row, String where, boolean rejectUnknown) {
    return new Conformer(schema, where, rejectUnknown).conform(row);
  }

  /**
   * Conforms the rows of one destination: each column name a row uses is matched against the schema
   * once, not once per row (a migration conforms every row of every file).
   */
  public static final class Conformer {
    private final Schema schema;
    private final String where;
    private final boolean rejectUnknown;
    private final Map<String, Integer> positions = new HashMap<>();
    // copying an empty record skips GenericRecord.create's per-record cache lookup
    private final GenericRecord empty;
    private Refusals refusals;

    /**
     * @param where names the rows' destination for errors, e.g. {@code table raw.orders}
     * @param rejectUnknown whether a column the schema lacks fails (else it is ignored)
     */
    public Conformer(Schema schema, String where, boolean rejectUnknown) {
      this.schema = schema;
      this.where = where;
      this.rejectUnknown = rejectUnknown;
      this.empty = GenericRecord.create(schema);
    }

    /** The row with column names matched ignoring case and values coerced, in row order. */
    public Map<String, Object> conform(Map<String, ?> row) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, ?> entry : row.entrySet()) {
        int position = position(entry.getKey());
        if (position >= 0) {
          Types.NestedField field = schema.columns().get(position);
          out.put(field.name(), coerceColumn(field, entry.getValue(), where));
        }
      }
      return out;
    }

    /** The row as a record of the schema: {@link #conform}, then columns the row lacks are null. */
    public Record record(Map<String, ?> row) {
      GenericRecord record = empty.copy();
      List<Types.NestedField> columns = schema.columns();
      for (Map.Entry<String, ?> entry : row.entrySet()) {
        int position = position(entry.getKey());
        if (position >= 0) {
          Types.NestedField field = columns.get(position);
          record.set(position, toIceberg(field.type(), value(position, field, entry.getValue())));
        }
      }
      return record;
    }

    /**
     * Makes {@link #record} keep going past a value the schema refuses (it becomes null) and count
     * it, as a batch does before it fails with {@link #failIfRefused}.
     */
    public Conformer collectingRefusals() {
      refusals = new Refusals(schema);
      return this;
    }

    /** How many values {@link #record} refused so far (0 unless collecting refusals). */
    public long refused() {
      return refusals == null ? 0 : refusals.count();
    }

    /**
     * Fails the task when {@link #record} refused values, naming each column and how many of its
     * values: {@code what} holds the values, e.g. {@code The source of ingestion payments}.
     */
    public void failIfRefused(String what) {
      if (refusals != null) {
        refusals.failIfAny(what);
      }
    }

    private Object value(int position, Types.NestedField field, Object value) {
      if (refusals == null || value == null) {
        return coerceColumn(field, value, where);
      }
      try {
        return convert(field.type(), value);
      } catch (ValueRuleException e) {
        refusals.add(position, value);
        return null;
      }
    }

    private int position(String column) {
      Integer known = positions.get(column);
      if (known == null) {
        Types.NestedField field = schema.caseInsensitiveFindField(column);
        if (field == null && rejectUnknown) {
          throw new IllegalArgumentException(
              "Unknown column '"
                  + column
                  + "' for "
                  + where
                  + " (columns: "
                  + String.join(", ", names(schema))
                  + ")");
        }
        known = field == null ? -1 : schema.columns().indexOf(field);
        positions.put(column, known);
      }
      return known;
    }
  }

  /**
   * The columns {@code rows} use (first use first, any case once) and the Lakeplan type of each,
   * from its first value that is not null; string when every value is null.
   */
  public static Map<String, ColumnType> columnsOf(List<? extends Map<String, ?>> rows) {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    Map<String, String> names = new HashMap<>();
    // by a row's key as given: its column's name, first spelling of any case (rows repeat keys)
    Map<String, String> spellings = new HashMap<>();
    for (Map<String, ?> row : rows) {
      for (Map.Entry<String, ?> entry : row.entrySet()) {
        String key = entry.getKey();
        String name = spellings.get(key);
        if (name == null) {
          name = names.computeIfAbsent(key.toLowerCase(java.util.Locale.ROOT), lower -> key);
          spellings.put(key, name);
        }
        // null until a value gives the type; once given, it stays
        ColumnType known = columns.get(name);
        if (known != null) {
          continue;
        }
        ColumnType type = typeOf(entry.getValue());
        if (!columns.containsKey(name) || type != null) {
          columns.put(name, type);
        }
      }
    }
    columns.replaceAll((name, type) -> type == null ? ColumnType.STRING : type);
    return columns;
  }

  /** The nearest Lakeplan type of a Java value as tests supply it; null for null. */
  static ColumnType typeOf(Object value) {
    if (value == null) {
      return null;
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ColumnType.INT;
    } else if (value instanceof Long) {
      return ColumnType.LONG;
    } else if (value instanceof Float) {
      return ColumnType.FLOAT;
    } else if (value instanceof Double) {
      return ColumnType.DOUBLE;
    } else if (value instanceof BigDecimal decimal) {
      return ColumnType.decimal(38, Math.max(0, Math.min(38, decimal.scale())));
    } else if (value instanceof Boolean) {
      return ColumnType.BOOLEAN;
    } else if (value instanceof LocalDate) {
      return ColumnType.DATE;
    } else if (value instanceof LocalDateTime) {
      return ColumnType.TIMESTAMP;
    } else if (value instanceof Instant || value instanceof OffsetDateTime) {
      return ColumnType.TIMESTAMPTZ;
    } else if (value instanceof byte[] || value instanceof ByteBuffer) {
      return ColumnType.BINARY;
    }
    return ColumnType.STRING;
  }

  /** The column names of {@code schema}, in order. */
  public static List<String> names(Schema schema) {
    List<String> names = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      names.add(field.name());
    }
    return names;
  }
}
