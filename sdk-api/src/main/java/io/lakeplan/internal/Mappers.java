package io.lakeplan.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakeplan.model.Condition;
import io.lakeplan.model.Durations;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one Jackson configuration of the SDK: kebab-case keys, kebab-case enum values, compact
 * durations, ISO instants, conditions as text, absent values left out, unknown keys rejected.
 */
public final class Mappers {
  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  private static final ObjectMapper PRETTY_JSON =
      JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      configure(
          YAMLMapper.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private Mappers() {}

  /** The compact JSON mapper (plans, hashing). */
  public static ObjectMapper json() {
    return JSON;
  }

  /** The indented JSON mapper (files people read). */
  public static ObjectMapper prettyJson() {
    return PRETTY_JSON;
  }

  /** The YAML mapper. */
  public static ObjectMapper yaml() {
    return YAML;
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    mapper.setDefaultPropertyInclusion(
        JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL));
    JsonInclude.Value nonEmpty =
        JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_NULL);
    mapper.configOverride(List.class).setInclude(nonEmpty);
    mapper.configOverride(Map.class).setInclude(nonEmpty);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    mapper.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    mapper.disable(MapperFeature.AUTO_DETECT_IS_GETTERS);
    mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(Limits.MAX_DEPTH)
                .maxStringLength(Limits.MAX_DOCUMENT_CHARS)
                .build());
    mapper.registerModule(module());
    return mapper;
  }

  private static SimpleModule module() {
    SimpleModule module = new SimpleModule("lakeplan");
    module.addSerializer(Duration.class, new TextSerializer<>(Duration.class, Durations::format));
    module.addDeserializer(
        Duration.class, new TextDeserializer<>(Duration.class, Durations::parse));
    module.addSerializer(Instant.class, new TextSerializer<>(Instant.class, Instant::toString));
    module.addDeserializer(Instant.class, new TextDeserializer<>(Instant.class, Mappers::instant));
    module.addSerializer(
        Condition.class, new TextSerializer<>(Condition.class, Condition::toString));
    module.addDeserializer(
        Condition.class, new TextDeserializer<>(Condition.class, Condition::parse));
    module.addSerializer(Enum.class, new EnumSerializer());
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          @SuppressWarnings({"unchecked", "rawtypes"})
          public JsonDeserializer<?> modifyEnumDeserializer(
              DeserializationConfig config,
              JavaType type,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            return new EnumDeserializer(type.getRawClass());
          }
        });
    return module;
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Invalid instant: '" + text + "' (write ISO-8601 UTC, e.g. 2024-05-01T00:00:00Z)", e);
    }
  }

  /** The kebab-case name of an enum constant: {@code ADD_FILES} → {@code add-files}. */
  public static String enumName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Writes a value as its text form. */
  static final class TextSerializer<T> extends StdSerializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient java.util.function.Function<T, String> format;

    TextSerializer(Class<T> type, java.util.function.Function<T, String> format) {
      super(type);
      this.format = format;
    }

    @Override
    public void serialize(T value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(format.apply(value));
    }
  }

  /** Reads a value from its text form; parse failures keep the parser's message. */
  static final class TextDeserializer<T> extends StdScalarDeserializer<T> {
    private static final long serialVersionUID = 1L;
    private final transient java.util.function.Function<String, T> parse;

    TextDeserializer(Class<T> type, java.util.function.Function<String, T> parse) {
      super(type);
      this.parse = parse;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (!parser.currentToken().isScalarValue()) {
        return (T) context.handleUnexpectedToken(handledType(), parser);
      }
      String text = parser.getValueAsString();
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        return (T) context.handleWeirdStringValue(handledType(), text, "%s", e.getMessage());
      }
    }
  }

  @SuppressWarnings("rawtypes")
  static final class EnumSerializer extends StdSerializer<Enum> {
    private static final long serialVersionUID = 1L;

    EnumSerializer() {
      super(Enum.class);
    }

    @Override
    public void serialize(Enum value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(enumName(value));
    }
  }

  /** Reads kebab-case enum values; the error lists the valid ones. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  static final class EnumDeserializer extends StdScalarDeserializer<Enum> {
    private static final long serialVersionUID = 1L;
    private final Class<Enum> type;

    EnumDeserializer(Class<?> type) {
      super(Enum.class);
      this.type = (Class<Enum>) type;
    }

    @Override
    public Enum deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (!parser.currentToken().isScalarValue()) {
        return (Enum) context.handleUnexpectedToken(type, parser);
      }
      String text = parser.getValueAsString();
      for (Enum constant : type.getEnumConstants()) {
        if (enumName(constant).equals(text)) {
          return constant;
        }
      }
      String valid =
          java.util.Arrays.stream(type.getEnumConstants())
              .map(constant -> enumName((Enum) constant))
              .collect(Collectors.joining(", "));
      return (Enum)
          context.handleWeirdStringValue(
              type, text, "Invalid value '%s' (use one of: %s)", text, valid);
    }

    @Override
    public Class<?> handledType() {
      return type;
    }
  }
}
