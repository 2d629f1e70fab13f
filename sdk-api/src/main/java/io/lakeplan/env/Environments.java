package io.lakeplan.env;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.internal.Binder;
import io.lakeplan.internal.Locator;
import io.lakeplan.internal.Mappers;
import io.lakeplan.internal.YamlTree;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.validation.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes {@link Environment} files (YAML or JSON, kebab-case keys). Reading is strict and
 * safe like the use-case codec's: unknown keys, wrong types and bad values are all reported at
 * once, each with its path and {@code file:line:col}; an optional {@code api-version} must be
 * {@value UseCaseCodec#API_VERSION}.
 */
public final class Environments {
  private static final String API_VERSION_KEY = "api-version";

  private Environments() {}

  /**
   * The environment in {@code file}, or {@link Environment#local()} when {@code file} is null.
   *
   * @throws ValidationException listing every problem of the file
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Environment load(Path file) {
    if (file == null) {
      return Environment.local();
    }
    try {
      return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read environment file " + file, e);
    }
  }

  /**
   * Reads an environment from {@code text}; {@code file} names it in problem locations.
   *
   * @throws ValidationException listing every problem, each with its path and location
   */
  public static Environment read(String file, String text) {
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
                  "Invalid environment YAML: " + e.getMessage(),
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
                  "An environment file must be a map of keys (name, region, catalog, watermarks,"
                      + " …), found "
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
    Binder.Result<Environment> bound = Binder.bind(Mappers.yaml(), body, Environment.class);
    for (Binder.Issue issue : bound.issues()) {
      problems.add(
          new Problem(
              null, Locator.path(root, issue.pointer()), issue.code(), issue.message(), null));
    }
    if (problems.isEmpty() && bound.value() == null) {
      problems.add(
          new Problem(
              null, "", ProblemCode.INVALID_VALUE, "The environment could not be read", null));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(UseCaseCodec.locate(file, tree, problems, false));
    }
    return bound.value();
  }

  /** {@code environment} as YAML, every value written (defaults included). */
  public static String toYaml(Environment environment) {
    try {
      return Mappers.yaml().writeValueAsString(environment);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write environment " + environment.name(), e);
    }
  }
}
