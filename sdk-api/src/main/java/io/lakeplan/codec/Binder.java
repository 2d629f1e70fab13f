package io.lakeplan.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.jsontype.TypeIdResolver;
import io.lakeplan.validation.ProblemCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Binds a tree to a model type and collects every binding problem (unknown keys, wrong types, bad
 * values, unknown type names) instead of stopping at the first, each with its JSON pointer.
 */
final class Binder {
  /** A binding problem at a JSON pointer. */
  record Issue(String pointer, ProblemCode code, String message) {}

  /** The bound value (possibly partial) and every issue. */
  record Result<T>(T value, List<Issue> issues) {}

  private Binder() {}

  /** Binds {@code tree} to {@code type} with the YAML mapper's configuration. */
  public static <T> Result<T> bind(ObjectMapper mapper, JsonNode tree, Class<T> type) {
    Collector collector = new Collector();
    try {
      T value = mapper.readerFor(type).withHandler(collector).readValue(tree);
      return new Result<>(value, collector.issues);
    } catch (JsonMappingException e) {
      collector.issues.add(
          new Issue(
              pointer(e.getPath()), ProblemCode.INVALID_VALUE, clean(e.getOriginalMessage())));
      return new Result<>(null, collector.issues);
    } catch (IOException e) {
      collector.issues.add(new Issue("", ProblemCode.INVALID_VALUE, clean(e.getMessage())));
      return new Result<>(null, collector.issues);
    }
  }

  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference reference : path) {
      pointer.append('/');
      pointer.append(
          reference.getFieldName() != null
              ? reference.getFieldName()
              : String.valueOf(reference.getIndex()));
    }
    return pointer.toString();
  }

  static String pointer(JsonParser parser, String extraField) {
    List<String> segments = new ArrayList<>();
    JsonStreamContext start = parser.getParsingContext();
    JsonToken token = parser.currentToken();
    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
        && start.getParent() != null) {
      // The parser has already entered the value's own context; the value sits in the parent.
      start = start.getParent();
    }
    for (JsonStreamContext context = start;
        context != null && !context.inRoot();
        context = context.getParent()) {
      if (context.inObject()) {
        if (context.getCurrentName() != null) {
          segments.add(0, context.getCurrentName());
        }
      } else if (context.inArray()) {
        segments.add(0, String.valueOf(Math.max(0, context.getCurrentIndex())));
      }
    }
    if (extraField != null
        && (segments.isEmpty() || !segments.get(segments.size() - 1).equals(extraField))) {
      segments.add(extraField);
    }
    return segments.isEmpty() ? "" : "/" + String.join("/", segments);
  }

  private static String clean(String message) {
    if (message == null) {
      return "invalid value";
    }
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    int problem = line.indexOf("problem: ");
    return problem < 0 ? line : line.substring(problem + "problem: ".length());
  }

  private static final class Collector extends DeserializationProblemHandler {
    final List<Issue> issues = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(
        DeserializationContext context,
        JsonParser parser,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      String pointer = pointer(parser, null);
      if (!pointer.endsWith("/" + propertyName)) {
        pointer = pointer + "/" + propertyName;
      }
      Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
      issues.add(
          new Issue(
              pointer,
              ProblemCode.UNKNOWN_KEY,
              "Unknown key '"
                  + propertyName
                  + "'"
                  + (known == null || known.isEmpty()
                      ? ""
                      : " (known keys here: " + sortedNames(known) + ")")));
      parser.skipChildren();
      return true;
    }

    private static String sortedNames(Collection<Object> names) {
      List<String> sorted = new ArrayList<>();
      names.forEach(name -> sorted.add(String.valueOf(name)));
      sorted.remove("type");
      java.util.Collections.sort(sorted);
      return String.join(", ", sorted);
    }

    @Override
    public Object handleWeirdStringValue(
        DeserializationContext context, Class<?> targetType, String value, String failureMessage) {
      issues.add(
          new Issue(
              pointer(context.getParser(), null),
              ProblemCode.INVALID_VALUE,
              clean(failureMessage)));
      return targetType.isPrimitive() ? primitiveDefault(targetType) : null;
    }

    @Override
    public Object handleWeirdNumberValue(
        DeserializationContext context, Class<?> targetType, Number value, String failureMessage) {
      issues.add(
          new Issue(
              pointer(context.getParser(), null),
              ProblemCode.INVALID_VALUE,
              clean(failureMessage)));
      return targetType.isPrimitive() ? primitiveDefault(targetType) : null;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext context,
        JavaType targetType,
        JsonToken token,
        JsonParser parser,
        String failureMessage)
        throws IOException {
      String expected = describe(targetType);
      String found =
          token == JsonToken.START_ARRAY
              ? "a list"
              : token == JsonToken.START_OBJECT
                  ? "a map"
                  : token == JsonToken.VALUE_NULL ? "nothing (null)" : "'" + parser.getText() + "'";
      issues.add(
          new Issue(
              pointer(parser, null),
              ProblemCode.WRONG_TYPE,
              "Expected " + expected + ", found " + found));
      parser.skipChildren();
      return targetType.isPrimitive()
          ? primitiveDefault(targetType.getRawClass())
          : emptyDelegate(targetType.getRawClass());
    }

    @Override
    public Object handleInstantiationProblem(
        DeserializationContext context, Class<?> instClass, Object argument, Throwable problem) {
      Throwable cause = problem;
      while (cause.getCause() != null && cause.getMessage() == null) {
        cause = cause.getCause();
      }
      issues.add(
          new Issue(
              pointer(context.getParser(), null),
              ProblemCode.INVALID_VALUE,
              clean(cause.getMessage())));
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext context,
        Class<?> instClass,
        ValueInstantiator instantiator,
        JsonParser parser,
        String message)
        throws IOException {
      issues.add(
          new Issue(
              pointer(parser, null),
              ProblemCode.WRONG_TYPE,
              "Expected "
                  + describe(context.constructType(instClass))
                  + ", found '"
                  + parser.getText()
                  + "'"));
      parser.skipChildren();
      return emptyDelegate(instClass);
    }

    /**
     * For the {@code Json} delegate Immutables binds a model value through, an empty one: its
     * creator ({@code ImmutableX.fromJson}) then builds an empty value where the wrongly shaped one
     * was, instead of failing with a NullPointerException on null (whose text became a second
     * problem, and which stopped reading the rest of the document). Null for other types.
     */
    private static Object emptyDelegate(Class<?> type) {
      if (!isImmutablesDelegate(type)) {
        return null;
      }
      try {
        java.lang.reflect.Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Cannot create an empty " + type.getName(), e);
      }
    }

    /** Whether {@code type} is the nested {@code Json} class of a generated {@code ImmutableX}. */
    private static boolean isImmutablesDelegate(Class<?> type) {
      return type.getSimpleName().equals("Json")
          && type.getEnclosingClass() != null
          && type.getEnclosingClass().getSimpleName().startsWith("Immutable");
    }

    @Override
    public JavaType handleUnknownTypeId(
        DeserializationContext context,
        JavaType baseType,
        String subTypeId,
        TypeIdResolver resolver,
        String failureMessage) {
      issues.add(
          new Issue(
              pointer(context.getParser(), "type"),
              ProblemCode.INVALID_VALUE,
              "Unknown type '" + subTypeId + "' (use one of: " + knownTypes(baseType) + ")"));
      return context.constructType(Void.class);
    }

    @Override
    public JavaType handleMissingTypeId(
        DeserializationContext context,
        JavaType baseType,
        TypeIdResolver resolver,
        String failureMessage)
        throws IOException {
      JsonParser parser = context.getParser();
      JsonToken token = parser.currentToken();
      if (token != null && token.isScalarValue()) {
        // text where a map with a type goes: the shape is wrong, not the type missing
        issues.add(
            new Issue(
                pointer(parser, null),
                ProblemCode.WRONG_TYPE,
                "Expected a map ("
                    + baseType.getRawClass().getSimpleName()
                    + "), found '"
                    + parser.getText()
                    + "'"));
        return context.constructType(Void.class);
      }
      issues.add(
          new Issue(
              pointer(parser, "type"),
              ProblemCode.REQUIRED,
              "Missing 'type' (use one of: " + knownTypes(baseType) + ")"));
      return context.constructType(Void.class);
    }

    private static String knownTypes(JavaType baseType) {
      com.fasterxml.jackson.annotation.JsonSubTypes subTypes =
          baseType.getRawClass().getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class);
      if (subTypes == null) {
        return "?";
      }
      List<String> names = new ArrayList<>();
      for (com.fasterxml.jackson.annotation.JsonSubTypes.Type type : subTypes.value()) {
        names.add(type.name());
      }
      return String.join(", ", names);
    }

    private static String describe(JavaType type) {
      if (type.isCollectionLikeType()) {
        return "a list";
      }
      if (type.isMapLikeType()) {
        return "a map of key: value";
      }
      Class<?> raw = type.getRawClass();
      if (isImmutablesDelegate(raw)) {
        // Immutables binds ImmutableX through its nested Json class, a subclass of the model's X
        raw = raw.getSuperclass();
      } else if (raw.getSimpleName().startsWith("Immutable")
          && raw.getSuperclass() != null
          && raw.getSuperclass() != Object.class) {
        raw = raw.getSuperclass();
      }
      if (raw == String.class) {
        return "text";
      }
      if (raw == boolean.class || raw == Boolean.class) {
        return "true or false";
      }
      if (raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
        return "a number";
      }
      if (raw.getPackageName().startsWith("io.lakeplan.model")
          && !raw.isEnum()
          && java.lang.reflect.Modifier.isAbstract(raw.getModifiers())) {
        return "a map (" + raw.getSimpleName() + ")";
      }
      return "a " + raw.getSimpleName() + " value";
    }

    private static Object primitiveDefault(Class<?> type) {
      if (type == boolean.class) {
        return false;
      }
      if (type == long.class) {
        return 0L;
      }
      return 0;
    }
  }
}
