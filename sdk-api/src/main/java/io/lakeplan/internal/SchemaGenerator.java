package io.lakeplan.internal;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.model.Column;
import io.lakeplan.model.ColumnType;
import io.lakeplan.model.Condition;
import io.lakeplan.model.DataSize;
import io.lakeplan.model.Dependency;
import io.lakeplan.model.JdbcConnection;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaIngestion;
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
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * writes. Run at build time ({@link #main(String[])}) to put the schema into the jar.
 *
 * <p>Which attributes are required cannot be introspected (the Immutables style leaves required
 * checks to validation), so {@link #REQUIRED} lists the attributes documented as "Required" in the
 * model; generation fails if one of them is not a property of its type, so the list cannot drift
 * silently when a property is renamed.
 */
public final class SchemaGenerator {
  /** Where the schema lives in the jar. */
  public static final String RESOURCE = "io/lakeplan/lakeplan-usecase.schema.json";

  /** The {@code $id} of the schema. */
  public static final String SCHEMA_ID = "https://lakeplan.io/schemas/lakeplan-usecase.schema.json";

  private static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
  private static final String DURATION_PATTERN =
      "^(-?P.+|(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?)$";

  /** Attributes documented as Required, per model type (kebab-case names). */
  static final Map<Class<?>, List<String>> REQUIRED =
      Map.ofEntries(
          Map.entry(UseCase.class, List.of("name", "owner")),
          Map.entry(Column.class, List.of("name", "type")),
          Map.entry(TableDefinition.class, List.of("table")),
          Map.entry(Migration.class, List.of("id", "source", "target")),
          Map.entry(JdbcConnection.class, List.of("url")),
          Map.entry(JdbcIngestion.class, List.of("id", "connection", "target")),
          Map.entry(
              KafkaIngestion.class, List.of("id", "bootstrap-servers", "checkpoint", "target")),
          Map.entry(PartitionedRead.class, List.of("column")),
          Map.entry(Merge.class, List.of("id", "target")),
          Map.entry(Maintenance.class, List.of("id", "table")),
          Map.entry(MaintenanceTask.ExpireSnapshots.class, List.of("older-than")),
          Map.entry(MaintenanceTask.HardDelete.class, List.of("column", "older-than")),
          Map.entry(SparkJob.class, List.of("id", "entrypoint")),
          Map.entry(NotificationTarget.Sns.class, List.of("topic-arn")),
          Map.entry(NotificationTarget.Email.class, List.of("address")),
          Map.entry(NotificationTarget.Slack.class, List.of("webhook")));

  /** Descriptions (and patterns where cheap) of the types written as one text value. */
  private static final Map<Class<?>, String[]> SCALARS =
      Map.ofEntries(
          Map.entry(
              TableId.class,
              new String[] {
                "An Iceberg table, namespace.name, e.g. raw.orders", "^[^.]+\\.[^.]+$"
              }),
          Map.entry(
              Schedule.class,
              new String[] {
                "A preset (@hourly, @daily, @weekly, @monthly, @yearly, @once) or a five-field cron"
                    + " expression in UTC",
                null
              }),
          Map.entry(
              DataSize.class,
              new String[] {
                "An amount of bytes, e.g. 512MB or 1GB (binary multiples)",
                "^\\d+\\s*(B|KB|MB|GB|TB)?$"
              }),
          Map.entry(
              SecretRef.class,
              new String[] {
                "A secret reference: env:NAME, secretsmanager:ID or ssm:/PARAMETER", null
              }),
          Map.entry(
              ColumnType.class,
              new String[] {
                "An Iceberg type: boolean, int, long, float, double, decimal(p,s), date, timestamp,"
                    + " timestamptz, string, binary",
                null
              }),
          Map.entry(
              PartitionField.class,
              new String[] {
                "A partition field: column, or transform(column), e.g. day(order_ts), bucket(16,"
                    + " customer_id)",
                null
              }),
          Map.entry(
              SortField.class,
              new String[] {
                "A sort field: column [asc|desc] [nulls first|nulls last], e.g. order_ts desc", null
              }),
          Map.entry(
              Dependency.class,
              new String[] {
                "A declared dependency: dag:DAG_ID or table:namespace.name", "^(dag|table):.+$"
              }),
          Map.entry(
              Duration.class,
              new String[] {"A duration, e.g. 7d, 36h, 30m, 1d12h or ISO-8601", DURATION_PATTERN}),
          Map.entry(
              Instant.class,
              new String[] {"An ISO-8601 UTC instant, e.g. 2024-05-01T00:00:00Z", null}),
          Map.entry(
              Condition.class, new String[] {"A SQL-like row condition, e.g. op = 'D'", null}));

  private final ObjectMapper mapper;
  private final SerializationConfig config;
  private final Map<String, ObjectNode> definitions = new LinkedHashMap<>();

  private SchemaGenerator(ObjectMapper mapper) {
    this.mapper = mapper;
    this.config = mapper.getSerializationConfig();
  }

  /** Writes the schema to the file {@code args[0]}, creating its folder. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException(
          "Usage: SchemaGenerator OUTPUT_FILE (got " + args.length + " arguments)");
    }
    Path output = Path.of(args[0]);
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    Files.writeString(output, generate(), StandardCharsets.UTF_8);
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
    if (!required.isEmpty()) {
      ArrayNode array = schema.putArray("required");
      required.forEach(array::add);
    }
    schema.put("additionalProperties", false);
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
      schema.put("type", "string");
    } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      schema.put("type", "integer");
    } else if (raw == double.class || raw == Double.class) {
      schema.put("type", "number");
    } else if (raw == boolean.class || raw == Boolean.class) {
      schema.put("type", "boolean");
    } else if (raw.isEnum()) {
      schema.put("type", "string");
      ArrayNode values = schema.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(Mappers.enumName((Enum<?>) constant));
      }
    } else if (SCALARS.containsKey(raw) || hasJsonValue(raw)) {
      String[] scalar = SCALARS.get(raw);
      schema.put("type", "string");
      if (scalar != null) {
        schema.put("description", scalar[0]);
        if (scalar[1] != null) {
          schema.put("pattern", scalar[1]);
        }
      }
    } else if (type.isCollectionLikeType()) {
      schema.put("type", "array");
      schema.set("items", valueSchema(type.getContentType(), property));
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
