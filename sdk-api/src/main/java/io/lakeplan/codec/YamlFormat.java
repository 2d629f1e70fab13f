package io.lakeplan.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.validation.ValidationException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lakeplan's YAML for documents besides use cases — today the environment file, which {@link
 * io.lakeplan.env.Environments} reads and writes through this class — and how that YAML spells enum
 * values. Reading is as strict and as safe as {@link UseCaseCodec}'s: bounded loading (size, depth,
 * aliases), kebab-case keys, unknown keys and wrong types rejected, every problem at once with its
 * path and {@code file:line:col}, and an optional {@code api-version} that must be {@value
 * UseCaseCodec#API_VERSION}.
 */
public final class YamlFormat {
  private static final String API_VERSION_KEY = "api-version";

  private YamlFormat() {}

  /**
   * Reads {@code text}, the content of {@code file}, as a {@code type}: a map of kebab-case keys,
   * optionally with {@code api-version} first.
   *
   * @param file names the document in problem locations
   * @param what what the document is, as problems name it, e.g. {@code environment}
   * @param keys the main keys of such a document, listed when {@code text} is not a map of keys
   * @throws ValidationException listing every problem, each with its path and location
   */
  public static <T> T read(String file, String text, Class<T> type, String what, String keys) {
    YamlTree tree;
    try {
      tree = YamlTree.load(text);
    } catch (YamlTree.LoadException e) {
      throw new ValidationException(
          List.of(
              new Problem(
                  null,
                  "",
                  e.unsafe() ? ProblemCode.UNSAFE_DOCUMENT : ProblemCode.YAML_SYNTAX,
                  "Invalid " + what + " YAML: " + e.getMessage(),
                  new SourceLocation(file, e.line(), e.column()))));
    }
    JsonNode root = tree.root();
    if (root == null || !root.isObject()) {
      throw new ValidationException(
          List.of(
              new Problem(
                  null,
                  "",
                  ProblemCode.WRONG_TYPE,
                  withArticle(what)
                      + " file must be a map of keys ("
                      + keys
                      + "), found "
                      + (root == null ? "nothing" : root.isArray() ? "a list" : "text"),
                  new SourceLocation(file, 0, 0))));
    }
    ObjectNode body = ((ObjectNode) root).deepCopy();
    JsonNode version = body.remove(API_VERSION_KEY);
    List<Problem> problems = new ArrayList<>();
    if (version != null && !UseCaseCodec.API_VERSION.equals(version.asText())) {
      problems.add(
          new Problem(
              null,
              API_VERSION_KEY,
              ProblemCode.UNSUPPORTED_API_VERSION,
              "Unsupported api-version '"
                  + version.asText()
                  + "' (this Lakeplan reads "
                  + UseCaseCodec.API_VERSION
                  + ")",
              null));
    }
    Binder.Result<T> bound = Binder.bind(Mappers.yaml(), body, type);
    for (Binder.Issue issue : bound.issues()) {
      problems.add(
          new Problem(
              null, Locator.path(root, issue.pointer()), issue.code(), issue.message(), null));
    }
    if (problems.isEmpty() && bound.value() == null) {
      problems.add(
          new Problem(
              null, "", ProblemCode.INVALID_VALUE, "The " + what + " could not be read", null));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(UseCaseCodec.locate(file, tree, problems, false));
    }
    return bound.value();
  }

  /**
   * {@code value} as YAML, as {@link #read} reads it back: kebab-case keys and enum values, compact
   * durations, absent values left out.
   *
   * @param what what {@code value} is, for the message of a failure, e.g. {@code environment local}
   * @throws UncheckedIOException when {@code value} cannot be written
   */
  public static String write(Object value, String what) {
    try {
      return Mappers.yaml().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write " + what, e);
    }
  }

  /**
   * How Lakeplan's YAML spells {@code value}: kebab-case, {@code ADD_FILES} → {@code add-files}.
   * Messages use it to name a value as the user writes it.
   */
  public static String name(Enum<?> value) {
    return Mappers.enumName(value);
  }

  private static String withArticle(String what) {
    boolean vowel = "aeiou".indexOf(Character.toLowerCase(what.charAt(0))) >= 0;
    String article = vowel ? "An " : "A ";
    return article + what;
  }
}
