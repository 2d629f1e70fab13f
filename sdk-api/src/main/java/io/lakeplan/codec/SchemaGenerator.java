package io.lakeplan.codec;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.Condition;
import io.lakeplan.model.DataSize;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Lookback;
import io.lakeplan.model.Maintenance;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.PartitionField;
import io.lakeplan.model.PartitionedRead;
import io.lakeplan.model.Schedule;
import io.lakeplan.model.SecretRef;
import io.lakeplan.model.SortField;
import io.lakeplan.model.SparkJob;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates the JSON Schema (draft 2020-12) of the native use-case format from the model, with the
 * property names, enum values and scalar forms that {@link Mappers#json()} actually reads and
 * writes. Run at build time (through {@link UseCaseSchema#main(String[])}) to put the schema into
 * the jar.
 *
 * <p>Which attributes are required cannot be introspected (the Immutables style leaves required
 * checks to validation), so {@link #REQUIRED} lists the attributes documented as "Required" in the
 * model; generation fails if one of them is not a property of its type, so the list cannot drift
 * silently when a property is renamed.
 */
final class SchemaGenerator {
  /** Where the schema lives in the jar. */
  public static final String RESOURCE = "io/lakeplan/lakeplan-usecase.schema.json";

  /** The {@code $id} of the schema. */
  public static final String SCHEMA_ID = "https://lakeplan.io/schemas/lakeplan-usecase.schema.json";

  private static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

  /** Attributes documented as Required, per model type (kebab-case names). */
  static final Map<Class<?>, List<String>> REQUIRED =
      Map.ofEntries(
          Map.entry(UseCase.class, List.of("name", "owner")),
          Map.entry(Column.class, List.of("name", "type")),
          Map.entry(TableDefinition.class, List.of("table", "columns")),
          Map.entry(Migration.class, List.of("id", "source", "target")),
          Map.entry(JdbcConnection.class, List.of("url")),
          Map.entry(JdbcIngestion.class, List.of("id", "connection", "target")),
          Map.entry(
              KafkaIngestion.class, List.of("id", "bootstrap-servers", "checkpoint", "target")),
          Map.entry(PartitionedRead.class, List.of("column")),
          Map.entry(Merge.class, List.of("id", "target")),
          Map.entry(Maintenance.class, List.of("id", "table", "tasks")),
          Map.entry(MaintenanceTask.ExpireSnapshots.class, List.of("older-than")),
          Map.entry(MaintenanceTask.HardDelete.class, List.of("column", "older-than")),
          Map.entry(SparkJob.class, List.of("id", "entrypoint")),
          Map.entry(NotificationTarget.Sns.class, List.of("topic-arn")),
          Map.entry(NotificationTarget.Email.class, List.of("address")),
          Map.entry(NotificationTarget.Slack.class, List.of("webhook")));

  /**
   * A type written as one text value: its description, the pattern of the text the parser accepts
   * (null when only validation can tell, e.g. a cron expression), and whether a plain YAML number
   * is read as its text too (the parser reads every scalar as text).
   */
  private record Scalar(String description, String pattern, boolean anyScalar) {}

  /** Blanks between words, as the parsers' regular expressions match them. */
  private static final String SPACE = "\\s*";

  /** What {@link String#trim()} removes around a value: every character up to U+0020. */
  private static final String TRIM = "[\\u0000-\\u0020]*";

  /** The first character of a word that survives trimming. */
  private static final String VISIBLE = "[^\\s\\u0000-\\u0020";

  private static final String DIGITS = "[0-9]+";

  /**
   * A whole {@code long} as text the reader takes ({@code 3}, {@code +3}, {@code 3.0}, {@code
   * 0x1F}, {@code 0o17}), with no more digits than the range allows.
   */
  private static final String WHOLE_NUMBER_TEXT =
      "[-+]?[0-9]{1,19}(\\.0*)?|0x[0-9A-Fa-f]{1,16}|0o[0-7]{1,21}";

  /** namespace.name: everything before the last dot is the namespace; neither part blank. */
  private static final String TABLE = "[\\s\\S]*\\S[\\s\\S]*\\.[^.]*[^\\s.][^.]*";

  /** The scalar types, with patterns that accept exactly the texts their parsers accept. */
  private static final Map<Class<?>, Scalar> SCALARS =
      Map.ofEntries(
          Map.entry(
              TableId.class,
              new Scalar(
                  "An Iceberg table, namespace.name, e.g. raw.orders", "^" + TABLE + "$", false)),
          Map.entry(
              Schedule.class,
              new Scalar(
                  "A preset (@hourly, @daily, @weekly, @monthly, @yearly, @once) or a five-field"
                      + " cron expression in UTC",
                  null,
                  false)),
          Map.entry(
              DataSize.class,
              new Scalar(
                  "An amount of bytes, e.g. 512MB or 1GB (binary multiples, any letter case), or a"
                      + " number of bytes",
                  "^"
                      + TRIM
                      + DIGITS
                      + SPACE
                      + "("
                      + anyCase("b")
                      + "|[KkMmGgTt][Bb])?"
                      + TRIM
                      + "$",
                  true)),
          Map.entry(
              SecretRef.class,
              new Scalar(
                  "A secret reference: env:NAME, secretsmanager:ID or ssm:/PARAMETER; never the"
                      + " secret itself",
                  "^(env|secretsmanager|ssm):[\\s\\S]*\\S",
                  false)),
          Map.entry(
              ColumnType.class,
              new Scalar(
                  "An Iceberg type: boolean, int, long, float, double, decimal(p,s), date,"
                      + " timestamp, timestamptz, string, binary",
                  columnTypePattern(),
                  false)),
          Map.entry(
              PartitionField.class,
              new Scalar(
                  "A partition field: column, or transform(column), e.g. day(order_ts), bucket(16,"
                      + " customer_id)",
                  partitionFieldPattern(),
                  true)),
          Map.entry(
              SortField.class,
              new Scalar(
                  "A sort field: column [asc|desc] [nulls first|nulls last], e.g. order_ts desc",
                  "^"
                      + TRIM
                      + VISIBLE
                      + "][^\\s]*(\\s+("
                      + anyCase("asc")
                      + "|"
                      + anyCase("desc")
                      + "))?(\\s+"
                      + anyCase("nulls")
                      + "\\s+("
                      + anyCase("first")
                      + "|"
                      + anyCase("last")
                      + "))?"
                      + TRIM
                      + "$",
                  true)),
          Map.entry(
              Dependency.class,
              new Scalar(
                  "A declared dependency: dag:DAG_ID or table:namespace.name",
                  "^(dag:[\\s\\S]*\\S|table:" + TABLE + "$)",
                  false)),
          Map.entry(
              Duration.class,
              new Scalar(
                  "A duration, e.g. 7d, 36h, 30m, 1d12h or ISO-8601", durationPattern(), false)),
          Map.entry(
              Lookback.class,
              new Scalar(
                  "How far before the watermark a JDBC ingestion reads again: a duration (10m,"
                      + " PT10M) for a timestamp or date incremental column, a whole number of the"
                      + " column's unit (500) for an integer or decimal one",
                  "^" + TRIM + "(" + durationForms() + "|" + WHOLE_NUMBER_TEXT + ")" + TRIM + "$",
                  false)),
          Map.entry(
              Instant.class,
              new Scalar("An ISO-8601 UTC instant, e.g. 2024-05-01T00:00:00Z", null, false)),
          Map.entry(
              Condition.class,
              // not blank: the parser refuses a blank condition ("Invalid condition: blank")
              new Scalar("A SQL-like row condition, e.g. op = 'D'", VISIBLE + "]", true)));

  /** {@code word} in any letter case, as a pattern: {@code [Aa][Ss][Cc]}. */
  private static String anyCase(String word) {
    StringBuilder pattern = new StringBuilder();
    for (char c : word.toCharArray()) {
      if (Character.isLetter(c)) {
        pattern
            .append('[')
            .append(Character.toUpperCase(c))
            .append(Character.toLowerCase(c))
            .append(']');
      } else {
        pattern.append(c);
      }
    }
    return pattern.toString();
  }

  private static String columnTypePattern() {
    StringBuilder names = new StringBuilder();
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      if (kind != ColumnType.Kind.DECIMAL) {
        names.append('|').append(anyCase(kind.name().toLowerCase(java.util.Locale.ROOT)));
      }
    }
    // decimal precision 1-38, scale 0-38 (a scale above the precision is left to the parser)
    String decimal =
        anyCase("decimal")
            + SPACE
            + "\\("
            + SPACE
            + "0*([1-9]|[12][0-9]|3[0-8])"
            + SPACE
            + ","
            + SPACE
            + "0*([0-9]|[12][0-9]|3[0-8])"
            + SPACE
            + "\\)";
    return "^" + TRIM + "(" + decimal + names + ")" + TRIM + "$";
  }

  private static String partitionFieldPattern() {
    StringBuilder plain = new StringBuilder();
    StringBuilder sized = new StringBuilder();
    for (PartitionField.Transform transform : PartitionField.Transform.values()) {
      StringBuilder names = transform.hasWidth() ? sized : plain;
      names.append(names.length() == 0 ? "" : "|");
      names.append(anyCase(transform.name().toLowerCase(java.util.Locale.ROOT)));
    }
    String column = VISIBLE + ",()][^,()\\s]*";
    String open = SPACE + "\\(" + SPACE;
    String close = SPACE + "\\)";
    String width = "0*[1-9][0-9]{0,8}" + SPACE + "," + SPACE;
    return "^" + TRIM + "((" + plain + ")" + open + column + close + "|(" + sized + ")" + open
        + width + column + close + "|" + column + ")" + TRIM + "$";
  }

  /**
   * Compact ({@code 1d12h}, at least one unit) or ISO-8601 as {@link Duration#parse} reads it
   * (letters in any case after the leading {@code P}, at least one part, a {@code T} only with a
   * time part).
   */
  private static String durationPattern() {
    return "^" + TRIM + "(" + durationForms() + ")" + TRIM + "$";
  }

  /** The compact and ISO-8601 duration forms, unanchored. */
  private static String durationForms() {
    String compact =
        "-?(?=[0-9])("
            + DIGITS
            + "d)?("
            + DIGITS
            + "h)?("
            + DIGITS
            + "m)?("
            + DIGITS
            + "s)?("
            + DIGITS
            + "ms)?";
    String number = "[-+]?" + DIGITS;
    String time =
        "[Tt](?=[-+0-9])("
            + number
            + "[Hh])?("
            + number
            + "[Mm])?("
            + number
            + "([.,][0-9]{0,9})?[Ss])?";
    String iso = "-?P(?=[-+0-9Tt])(" + number + "[Dd])?(" + time + ")?";
    return compact + "|" + iso;
  }

  private final ObjectMapper mapper;
  private final SerializationConfig config;
  private final Map<String, ObjectNode> definitions = new LinkedHashMap<>();

  private SchemaGenerator(ObjectMapper mapper) {
    this.mapper = mapper;
    this.config = mapper.getSerializationConfig();
  }

  /** The schema as indented JSON text ending with a newline; equal for equal model classes. */
  public static String generate() {
    SchemaGenerator generator = new SchemaGenerator(Mappers.json());
    ObjectNode root = generator.root();
    try {
      return Mappers.prettyJson().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the use-case schema", e);
    }
  }

  private ObjectNode root() {
    ObjectNode useCase = objectSchema(UseCase.class, null);
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("$schema", DRAFT);
    root.put("$id", SCHEMA_ID);
    root.put("title", "Lakeplan use case");
    root.put(
        "description",
        "A Lakeplan use case in the native YAML/JSON format (api-version "
            + UseCaseCodec.API_VERSION
            + ").");
    root.put("type", "object");
    ObjectNode properties = root.putObject("properties");
    ObjectNode version = properties.putObject("api-version");
    version.put("description", "The format version.");
    version.put("const", UseCaseCodec.API_VERSION);
    properties.setAll((ObjectNode) useCase.get("properties"));
    ArrayNode required = root.putArray("required");
    required.add("api-version");
    useCase.withArray("required").forEach(required::add);
    root.put("additionalProperties", false);
    ObjectNode defs = root.putObject("$defs");
    definitions.forEach(defs::set);
    return root;
  }

  /** A reference to the definition of the model type {@code type}, created on first use. */
  private ObjectNode reference(Class<?> type) {
    String name = definitionName(type);
    if (!definitions.containsKey(name)) {
      definitions.put(name, JsonNodeFactory.instance.objectNode()); // reserve: recursion, order
      ObjectNode definition =
          type.isAnnotationPresent(JsonSubTypes.class)
              ? polymorphicSchema(type)
              : objectSchema(type, null);
      definitions.put(name, definition);
    }
    ObjectNode reference = JsonNodeFactory.instance.objectNode();
    reference.put("$ref", "#/$defs/" + name);
    return reference;
  }

  private static String definitionName(Class<?> type) {
    return type.getEnclosingClass() == null
        ? type.getSimpleName()
        : type.getEnclosingClass().getSimpleName() + type.getSimpleName();
  }

  private ObjectNode polymorphicSchema(Class<?> type) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    ArrayNode oneOf = schema.putArray("oneOf");
    for (JsonSubTypes.Type subtype : type.getAnnotation(JsonSubTypes.class).value()) {
      String typeName = subtype.name();
      if (typeName.isEmpty() && subtype.value().isAnnotationPresent(JsonTypeName.class)) {
        typeName = subtype.value().getAnnotation(JsonTypeName.class).value();
      }
      oneOf.add(objectSchema(subtype.value(), typeName));
    }
    return schema;
  }

  /** An object schema of the model type {@code type}; {@code typeName} adds the discriminator. */
  private ObjectNode objectSchema(Class<?> type, String typeName) {
    JavaType javaType = mapper.constructType(implementation(type));
    BeanDescription description = config.introspect(javaType);
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    Set<String> required = new LinkedHashSet<>();
    if (typeName != null) {
      properties.putObject("type").put("const", typeName);
      required.add("type");
    }
    Set<String> names = new LinkedHashSet<>();
    for (BeanPropertyDefinition property : description.findProperties()) {
      if (!property.couldSerialize()) {
        continue;
      }
      names.add(property.getName());
      properties.set(property.getName(), valueSchema(property.getPrimaryType(), property));
    }
    for (String name : REQUIRED.getOrDefault(type, List.of())) {
      if (!names.contains(name)) {
        throw new IllegalStateException(
            "Required attribute '" + name + "' is not a property of " + type.getName());
      }
      required.add(name);
    }
    for (String name : names) {
      if (!required.contains(name)) {
        properties.set(name, nullable(properties.get(name)));
      }
    }
    if (!required.isEmpty()) {
      ArrayNode array = schema.putArray("required");
      required.forEach(array::add);
    }
    schema.put("additionalProperties", false);
    SchemaRules.apply(type, schema);
    return schema;
  }

  /** The Immutables class Jackson serializes {@code type} as. */
  private static Class<?> implementation(Class<?> type) {
    JsonSerialize serialize = type.getAnnotation(JsonSerialize.class);
    return serialize != null && serialize.as() != Void.class ? serialize.as() : type;
  }

  private ObjectNode valueSchema(JavaType type, BeanPropertyDefinition property) {
    Class<?> raw = type.getRawClass();
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    if (raw == String.class) {
      // every scalar is read as its text: name: 42 and tags: [2024] are text
      types(schema, "string", "number", "boolean");
    } else if (raw == int.class || raw == Integer.class) {
      wholeNumber(schema, Integer.MIN_VALUE, Integer.MAX_VALUE, 10, 8, 11);
    } else if (raw == long.class || raw == Long.class) {
      wholeNumber(schema, Long.MIN_VALUE, Long.MAX_VALUE, 19, 16, 21);
    } else if (raw == double.class || raw == Double.class) {
      schema.put("type", "number");
    } else if (raw == boolean.class || raw == Boolean.class) {
      // true/True/TRUE and false/False/FALSE, also quoted: the parser reads the text
      types(schema, "boolean", "string");
      schema.put("pattern", "^" + TRIM + "(true|True|TRUE|false|False|FALSE)" + TRIM + "$");
    } else if (raw.isEnum()) {
      schema.put("type", "string");
      ArrayNode values = schema.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(Mappers.enumName((Enum<?>) constant));
      }
    } else if (SCALARS.containsKey(raw) || hasJsonValue(raw)) {
      Scalar scalar = SCALARS.get(raw);
      if (scalar == null) {
        schema.put("type", "string");
      } else {
        if (raw == DataSize.class) {
          types(schema, "string", "integer");
          schema.put("minimum", 0);
          schema.put("maximum", Long.MAX_VALUE);
        } else if (raw == Lookback.class) {
          // a negative lookback is read, and refused by validation
          types(schema, "string", "integer");
          schema.put("minimum", Long.MIN_VALUE);
          schema.put("maximum", Long.MAX_VALUE);
        } else if (scalar.anyScalar()) {
          types(schema, "string", "number", "boolean");
        } else {
          schema.put("type", "string");
        }
        schema.put("description", scalar.description());
        if (scalar.pattern() != null) {
          schema.put("pattern", scalar.pattern());
        }
      }
    } else if (type.isCollectionLikeType()) {
      schema.put("type", "array");
      schema.set("items", valueSchema(type.getContentType(), property));
      if (acceptsSingleValue(property) && type.getContentType().getRawClass() == String.class) {
        // one value may stand for a list of it (order-by: updated_at), unless it is blank
        types(schema, "array", "string", "number", "boolean");
        schema.put("pattern", "[^\\x00-\\x20]");
      }
    } else if (type.isMapLikeType()) {
      if (type.getKeyType().getRawClass() != String.class) {
        throw unsupported(type, property);
      }
      schema.put("type", "object");
      schema.set("additionalProperties", valueSchema(type.getContentType(), property));
    } else if (raw.getPackageName().equals(UseCase.class.getPackageName())) {
      return reference(raw);
    } else {
      throw unsupported(type, property);
    }
    return schema;
  }

  /** Whether the property reads a single value as a list of it. */
  private static boolean acceptsSingleValue(BeanPropertyDefinition property) {
    JsonFormat format =
        property.getPrimaryMember() == null
            ? null
            : property.getPrimaryMember().getAnnotation(JsonFormat.class);
    return format != null
        && java.util.Arrays.asList(format.with())
            .contains(JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
  }

  private static void types(ObjectNode schema, String... types) {
    ArrayNode array = schema.putArray("type");
    for (String type : types) {
      array.add(type);
    }
  }

  /**
   * A whole number from {@code min} to {@code max}: a number, or text as the parser reads it
   * ({@code "3"}, {@code 0x1F}, {@code 0o17}) with no more digits than the range allows (a schema
   * cannot compare text with the range itself).
   */
  private static void wholeNumber(
      ObjectNode schema, long min, long max, int digits, int hexDigits, int octalDigits) {
    types(schema, "integer", "string");
    schema.put("minimum", min);
    schema.put("maximum", max);
    schema.put(
        "pattern",
        "^"
            + TRIM
            + "([-+]?[0-9]{1,"
            + digits
            + "}(\\.0*)?|0x[0-9A-Fa-f]{1,"
            + hexDigits
            + "}|0o[0-7]{1,"
            + octalDigits
            + "})"
            + TRIM
            + "$");
  }

  /**
   * {@code schema} also accepting null: a key without a value is the key left out, which an
   * optional key may be.
   */
  private static JsonNode nullable(JsonNode schema) {
    ObjectNode object = (ObjectNode) schema;
    JsonNode type = object.get("type");
    if (type == null) {
      ObjectNode anyOf = JsonNodeFactory.instance.objectNode();
      anyOf.putArray("anyOf").add(object).addObject().put("type", "null");
      return anyOf;
    }
    ObjectNode copy = object.deepCopy();
    ArrayNode types = copy.putArray("type");
    if (type.isArray()) {
      type.forEach(types::add);
    } else {
      types.add(type);
    }
    types.add("null");
    if (copy.has("enum")) {
      ((ArrayNode) copy.get("enum")).addNull();
    }
    return copy;
  }

  private static boolean hasJsonValue(Class<?> type) {
    for (Method method : type.getMethods()) {
      if (method.isAnnotationPresent(JsonValue.class)) {
        return true;
      }
    }
    return false;
  }

  private static IllegalStateException unsupported(JavaType type, BeanPropertyDefinition property) {
    return new IllegalStateException(
        "No schema mapping for type " + type + " of property '" + property.getName() + "'");
  }
}
