package io.lakeplan.codec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.databind.type.MapType;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lakeplan.model.Condition;
import io.lakeplan.model.Durations;
import io.lakeplan.model.Lookback;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one Jackson configuration of the SDK: kebab-case keys, kebab-case enum values, compact
 * durations, ISO instants, conditions as text, absent values left out, unknown keys rejected.
 */
final class Mappers {
  /** The kebab-case names of each enum's constants, by ordinal: made once per enum type. */
  private static final ClassValue<String[]> ENUM_NAMES =
      new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
          Object[] constants = type.getEnumConstants();
          String[] names = new String[constants.length];
          for (int i = 0; i < constants.length; i++) {
            names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT).replace('_', '-');
          }
          return names;
        }
      };

  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());
  private static final ObjectMapper PRETTY_JSON =
      JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      configure(
          YAMLMapper.builder(
                  com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                      .stringQuotingChecker(new LineSeparatorsQuoted())
                      .build())
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private Mappers() {}

  /**
   * Double-quotes a value holding a line or paragraph separator (U+0085, U+2028, U+2029): YAML
   * readers break lines there, so written plain or single-quoted the value would not read back;
   * double-quoted it is escaped ({@code \N}, {@code \L}, {@code \P}).
   */
  private static final class LineSeparatorsQuoted
      extends com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return value.indexOf('\u0085') >= 0
          || value.indexOf('\u2028') >= 0
          || value.indexOf('\u2029') >= 0
          || super.needToQuoteValue(value);
    }
  }

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
    // A key with no value (null, ~) is a key left out: optional values take their default and
    // required ones are reported missing by validation, for objects and numbers alike.
    mapper.setDefaultSetterInfo(JsonSetter.Value.forValueNulls(Nulls.SKIP));
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
    module.addSerializer(Lookback.class, new LookbackSerializer());
    module.addDeserializer(Lookback.class, new LookbackDeserializer());
    module.addSerializer(Enum.class, new EnumSerializer());
    WholeNumberDeserializer.register(module);
    module.addDeserializer(boolean.class, new BooleanDeserializer(boolean.class));
    module.addDeserializer(Boolean.class, new BooleanDeserializer(Boolean.class));
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            Class<?> type = description.getBeanClass();
            boolean model =
                type.getSimpleName().startsWith("Immutable")
                    || (type.getSimpleName().equals("Json")
                        && type.getEnclosingClass() != null
                        && type.getEnclosingClass().getSimpleName().startsWith("Immutable"));
            return model ? new EmptyTextGuard(deserializer, description.getType()) : deserializer;
          }

          @Override
          public JsonDeserializer<?> modifyCollectionDeserializer(
              DeserializationConfig config,
              CollectionType type,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            return new EmptyTextGuard(deserializer, type);
          }

          @Override
          public JsonDeserializer<?> modifyMapDeserializer(
              DeserializationConfig config,
              MapType type,
              BeanDescription description,
              JsonDeserializer<?> deserializer) {
            return new EmptyTextGuard(deserializer, type);
          }

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
    return ENUM_NAMES.get(value.getDeclaringClass())[value.ordinal()];
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

  /**
   * Empty text (or only blanks and control characters) where a map or a list goes is a value of the
   * wrong shape, reported like any other ({@code Expected a list, found ''}) so that reading goes
   * on; Jackson's own coercion check would throw and end the reading of the document.
   */
  static final class EmptyTextGuard extends DelegatingDeserializer {
    private static final long serialVersionUID = 1L;
    private final JavaType type;

    EmptyTextGuard(JsonDeserializer<?> delegate, JavaType type) {
      super(delegate);
      this.type = type;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new EmptyTextGuard(delegate, type);
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      if (parser.currentToken() == JsonToken.VALUE_STRING && parser.getText().trim().isEmpty()) {
        return context.handleUnexpectedToken(type, parser);
      }
      return super.deserialize(parser, context);
    }
  }

  /**
   * Reads whole numbers from text as YAML 1.2 writes them ({@code 3}, {@code +3}, {@code 0x1F},
   * {@code 0o17}, and {@code 3.0} or {@code 1e3} when the value is whole, as JSON Schema's {@code
   * integer} reads them); anything else is a problem naming the value and the valid range.
   */
  static final class WholeNumberDeserializer extends StdScalarDeserializer<Object> {
    private static final long serialVersionUID = 1L;
    private static final Pattern DECIMAL =
        Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

    private final long min;
    private final long max;
    private final boolean isInt;

    private WholeNumberDeserializer(Class<?> type, long min, long max) {
      super(type);
      this.min = min;
      this.max = max;
      this.isInt = type == int.class || type == Integer.class;
    }

    static void register(SimpleModule module) {
      add(module, int.class, Integer.MIN_VALUE, Integer.MAX_VALUE);
      add(module, Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE);
      add(module, long.class, Long.MIN_VALUE, Long.MAX_VALUE);
      add(module, Long.class, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @SuppressWarnings("unchecked")
    private static void add(SimpleModule module, Class<?> type, long min, long max) {
      module.addDeserializer((Class<Object>) type, new WholeNumberDeserializer(type, min, max));
    }

    @Override
    public Object deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonToken token = parser.currentToken();
      if (!token.isScalarValue()
          || token == JsonToken.VALUE_TRUE
          || token == JsonToken.VALUE_FALSE) {
        return context.handleUnexpectedToken(handledType(), parser);
      }
      String text = parser.getText().trim();
      BigInteger value = wholeNumber(text);
      if (value == null) {
        return context.handleWeirdStringValue(
            handledType(), text, "Invalid number '%s' (write a whole number, e.g. 3)", text);
      }
      if (value.compareTo(BigInteger.valueOf(min)) < 0
          || value.compareTo(BigInteger.valueOf(max)) > 0) {
        return context.handleWeirdStringValue(
            handledType(),
            text,
            "Invalid number '%s' (write a whole number from %d to %d)",
            text,
            min,
            max);
      }
      if (isInt) {
        return value.intValue(); // not a conditional: it would promote the Integer to a Long
      }
      return value.longValue();
    }

    /** The whole number {@code text} writes, or null when it writes none. */
    static BigInteger wholeNumber(String text) {
      if (text.length() > 100) {
        return null;
      }
      String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
      boolean negative = text.startsWith("-");
      try {
        if (unsigned.startsWith("0x") && unsigned.length() > 2 && !text.startsWith("+")) {
          return negative ? null : new BigInteger(unsigned.substring(2), 16);
        }
        if (unsigned.startsWith("0o") && unsigned.length() > 2 && !text.startsWith("+")) {
          return negative ? null : new BigInteger(unsigned.substring(2), 8);
        }
        if (!DECIMAL.matcher(text).matches()) {
          return null;
        }
        BigDecimal decimal = new BigDecimal(text).stripTrailingZeros();
        if (decimal.scale() > 0) {
          return null; // a fraction
        }
        if (decimal.precision() - decimal.scale() > 40) {
          // far beyond any range: not worth expanding (1e999999999 has a billion digits)
          return BigInteger.TEN.pow(40).multiply(BigInteger.valueOf(decimal.signum()));
        }
        return decimal.toBigIntegerExact();
      } catch (NumberFormatException | ArithmeticException e) {
        return null;
      }
    }
  }

  /** Writes a lookback amount as a number and a duration as its compact text. */
  static final class LookbackSerializer extends StdSerializer<Lookback> {
    private static final long serialVersionUID = 1L;

    LookbackSerializer() {
      super(Lookback.class);
    }

    @Override
    public void serialize(Lookback value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      if (value.kind() == Lookback.Kind.AMOUNT) {
        generator.writeNumber(value.amount());
      } else {
        generator.writeString(value.toString());
      }
    }
  }

  /**
   * Reads a lookback: a whole number as YAML 1.2 writes it (as a {@code long} property reads it) is
   * an amount, other text a duration.
   */
  static final class LookbackDeserializer extends StdScalarDeserializer<Lookback> {
    private static final long serialVersionUID = 1L;

    LookbackDeserializer() {
      super(Lookback.class);
    }

    @Override
    public Lookback deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonToken token = parser.currentToken();
      if (!token.isScalarValue()
          || token == JsonToken.VALUE_TRUE
          || token == JsonToken.VALUE_FALSE
          || token == JsonToken.VALUE_EMBEDDED_OBJECT) {
        return (Lookback) context.handleUnexpectedToken(handledType(), parser);
      }
      String text = parser.getText().trim();
      BigInteger whole = WholeNumberDeserializer.wholeNumber(text);
      if (whole != null) {
        if (whole.bitLength() > 63) {
          return (Lookback)
              context.handleWeirdStringValue(
                  handledType(),
                  text,
                  "Invalid lookback: '%s' (write a whole number from %d to %d, or a duration such as"
                      + " 10m)",
                  text,
                  Long.MIN_VALUE,
                  Long.MAX_VALUE);
        }
        return Lookback.ofAmount(whole.longValue());
      }
      try {
        return Lookback.parse(text);
      } catch (IllegalArgumentException e) {
        return (Lookback) context.handleWeirdStringValue(handledType(), text, "%s", e.getMessage());
      }
    }
  }

  /** Reads true or false (also True, TRUE, False, FALSE, as YAML 1.2 does). */
  static final class BooleanDeserializer extends StdScalarDeserializer<Boolean> {
    private static final long serialVersionUID = 1L;

    BooleanDeserializer(Class<?> type) {
      super(type);
    }

    @Override
    public Boolean deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      JsonToken token = parser.currentToken();
      if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
        return token == JsonToken.VALUE_TRUE;
      }
      if (!token.isScalarValue()) {
        return (Boolean) context.handleUnexpectedToken(handledType(), parser);
      }
      String text = parser.getText().trim();
      switch (text) {
        case "true", "True", "TRUE" -> {
          return Boolean.TRUE;
        }
        case "false", "False", "FALSE" -> {
          return Boolean.FALSE;
        }
        default -> {
          return (Boolean)
              context.handleWeirdStringValue(
                  handledType(), text, "Invalid value '%s' (write true or false)", text);
        }
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
