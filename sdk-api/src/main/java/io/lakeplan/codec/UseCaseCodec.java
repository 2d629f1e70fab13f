package io.lakeplan.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.Plan;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.SourceLocation;
import io.lakeplan.validation.ValidationException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and writes use cases as YAML or JSON, and plans as JSON.
 *
 * <p>Use-case files carry {@code api-version: lakeplan/v1} and kebab-case keys; values that are
 * absent are left out. Round trips are lossless: {@code fromYaml(toYaml(u)).equals(u)}. Reading is
 * safe for untrusted input (size, depth and alias expansion are bounded) and strict (unknown keys
 * are problems). Files in the legacy format ({@code owner} + {@code dags[]}) are recognised by
 * their shape and imported as Spark-job steps.
 */
public final class UseCaseCodec {
  /** The api-version of the native format. */
  public static final String API_VERSION = "lakeplan/v1";

  /**
   * The longest document the codec reads, in characters (1 Mi): a longer one is refused as an
   * unsafe document ({@link ProblemCode#UNSAFE_DOCUMENT}), so that hostile input cannot exhaust
   * memory. A reader of files can refuse larger files before reading them.
   */
  public static final int MAX_DOCUMENT_CHARS = Limits.MAX_DOCUMENT_CHARS;

  private static final String API_VERSION_KEY = "api-version";

  private UseCaseCodec() {}

  /** {@code useCase} as YAML, {@code api-version} first. */
  public static String toYaml(UseCase useCase) {
    try {
      return Mappers.yaml().writeValueAsString(document(useCase));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write use case " + useCase.name() + " as YAML", e);
    }
  }

  /** {@code useCase} as indented JSON, {@code api-version} first. */
  public static String toJson(UseCase useCase) {
    try {
      return Mappers.prettyJson().writeValueAsString(document(useCase));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write use case " + useCase.name() + " as JSON", e);
    }
  }

  private static ObjectNode document(UseCase useCase) {
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.put(API_VERSION_KEY, API_VERSION);
    document.setAll((ObjectNode) Mappers.json().valueToTree(useCase));
    return document;
  }

  /**
   * Reads one use case from YAML or JSON text (native or legacy format).
   *
   * @throws ValidationException listing every reading problem (syntax, unknown keys, bad values)
   */
  public static UseCase fromYaml(String text) {
    Document document = read("<text>", text);
    if (!document.problems().isEmpty() || document.useCase() == null) {
      throw new ValidationException(document.problems());
    }
    return document.useCase();
  }

  /**
   * Reads one use-case file; never throws for bad content. Problems carry {@code file:line:col}.
   * The legacy name of a use case comes from {@code file}'s base name.
   */
  public static Document read(String file, String text) {
    return read(file, text, LegacyImporter.useCaseName(file));
  }

  /**
   * Reads one use-case file like {@link #read(String, String)}, naming the use case of a
   * legacy-format file {@code legacyName} instead of after the file's base name (a workspace does
   * so when two legacy files share a base name in different folders).
   */
  public static Document read(String file, String text, String legacyName) {
    YamlTree tree;
    try {
      tree = YamlTree.load(text);
    } catch (YamlTree.LoadException e) {
      ProblemCode code = e.unsafe() ? ProblemCode.UNSAFE_DOCUMENT : ProblemCode.YAML_SYNTAX;
      String message = (e.unsafe() ? "Unsafe document: " : "Invalid YAML: ") + e.getMessage();
      return new Document(
          file,
          null,
          false,
          List.of(
              new Problem(
                  null, "", code, message, new SourceLocation(file, e.line(), e.column()))));
    }
    JsonNode root = tree.root();
    if (root == null || (root.isTextual() && root.asText().isBlank())) {
      return failure(
          file,
          ProblemCode.UNREADABLE_FILE,
          "The file is empty; write a use case or remove the file");
    }
    if (!root.isObject()) {
      return failure(
          file,
          ProblemCode.WRONG_TYPE,
          "A use-case file must be a map of keys, found " + (root.isArray() ? "a list" : "text"));
    }
    if (!root.has(API_VERSION_KEY) && root.has("dags")) {
      LegacyImporter.Result imported = LegacyImporter.importFile(legacyName, (ObjectNode) root);
      List<Problem> problems = duplicateKeys(file, tree, true);
      problems.addAll(imported.problems());
      return new Document(
          file,
          problems.isEmpty() ? imported.useCase() : null,
          true,
          locate(file, tree, problems, true),
          imported.readable());
    }
    ObjectNode body = ((ObjectNode) root).deepCopy();
    JsonNode version = body.remove(API_VERSION_KEY);
    List<Problem> problems = duplicateKeys(file, tree, false);
    if (version == null || !API_VERSION.equals(version.asText())) {
      problems.add(
          new Problem(
              null,
              API_VERSION_KEY,
              ProblemCode.UNSUPPORTED_API_VERSION,
              version == null
                  ? "Missing api-version; add 'api-version: " + API_VERSION + "' at the top"
                  : "Unsupported api-version '"
                      + version.asText()
                      + "' (this Lakeplan reads "
                      + API_VERSION
                      + ")",
              null));
    }
    Binder.Result<UseCase> bound = Binder.bind(Mappers.yaml(), body, UseCase.class);
    String name = body.path("name").isTextual() ? body.get("name").asText() : null;
    for (Binder.Issue issue : bound.issues()) {
      problems.add(
          new Problem(
              name, Locator.path(root, issue.pointer()), issue.code(), issue.message(), null));
    }
    return new Document(
        file,
        problems.isEmpty() ? bound.value() : null,
        false,
        locate(file, tree, problems, false),
        bound.value());
  }

  /**
   * A problem per key repeated in a map, located at the repetition (the tree kept the first value,
   * which every other problem points into).
   */
  private static List<Problem> duplicateKeys(String file, YamlTree tree, boolean legacy) {
    List<Problem> problems = new ArrayList<>();
    JsonNode root = tree.root();
    String name =
        legacy
            ? LegacyImporter.useCaseName(file)
            : root.path("name").isTextual() ? root.get("name").asText() : null;
    for (YamlTree.DuplicateKey duplicate : tree.duplicateKeys()) {
      problems.add(
          new Problem(
              name,
              Locator.path(root, duplicate.pointer()),
              ProblemCode.DUPLICATE_KEY,
              "Key '"
                  + duplicate.key()
                  + "' is written twice in this map (first on line "
                  + duplicate.firstLine()
                  + "); a repeated key would silently replace the first value, so keep one",
              new SourceLocation(file, duplicate.line(), duplicate.column())));
    }
    return problems;
  }

  /**
   * Adds {@code file:line:col} to the problems of the use-case file {@code file}, whose content is
   * {@code text}, by their paths (native or, for a {@code legacy} file, legacy ones); a problem
   * that already has a location keeps it, and one whose path the file does not have is located at
   * the file's start.
   *
   * @throws IllegalArgumentException when {@code text} is not a document this codec loads: problems
   *     are located in files that were read
   */
  public static List<Problem> locate(
      String file, String text, List<Problem> problems, boolean legacy) {
    return locate(file, load(file, text), problems, legacy);
  }

  /**
   * The problems found in the use case as far as {@code document} could be read ({@link
   * Document#readable()}), beside its reading problems: located like {@link #locate(String, String,
   * List, boolean)}, leaving out those at, above or below a value that could not be read. A wrongly
   * shaped value was read as empty, so a rule saying that it is missing would only repeat its
   * reading problem.
   *
   * @param text the content of {@code document}'s file
   * @throws IllegalArgumentException when {@code text} is not a document this codec loads
   */
  public static List<Problem> locateBeside(Document document, String text, List<Problem> problems) {
    YamlTree tree = load(document.file(), text);
    Function<String, String> pointers = Locator.pointers(tree.root());
    List<String> unread = new ArrayList<>();
    document.problems().forEach(problem -> unread.add(pointers.apply(problem.path())));
    List<Problem> rest = new ArrayList<>();
    for (Problem problem : problems) {
      String path = document.legacy() ? LegacyImporter.legacyPath(problem.path()) : problem.path();
      String pointer = pointers.apply(path);
      if (unread.stream()
          .noneMatch(other -> contains(other, pointer) || contains(pointer, other))) {
        rest.add(problem);
      }
    }
    return locate(document.file(), tree, rest, document.legacy());
  }

  /** Whether JSON pointer {@code inner} is {@code outer} or lies inside it. */
  private static boolean contains(String outer, String inner) {
    return inner.equals(outer) || (inner.startsWith(outer) && inner.charAt(outer.length()) == '/');
  }

  private static YamlTree load(String file, String text) {
    try {
      return YamlTree.load(text);
    } catch (YamlTree.LoadException e) {
      throw new IllegalArgumentException(
          "Cannot locate problems in " + file + ", which does not load: " + e.getMessage(), e);
    }
  }

  /**
   * The use-case names of legacy-format files read together, by file as given: a file's base name
   * (lower-cased, unsafe characters as {@code -}), or, when another of {@code files} has the same
   * base name, its path with its folders ({@code team-a/orders.yaml} → {@code team-a-orders}), so
   * that two legacy files in different folders never name one use case.
   */
  public static Map<String, String> legacyNames(Collection<String> files) {
    Map<String, Integer> baseNames = new HashMap<>();
    for (String file : files) {
      baseNames.merge(LegacyImporter.useCaseName(file), 1, Integer::sum);
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String file : files) {
      String base = LegacyImporter.useCaseName(file);
      names.put(file, baseNames.get(base) > 1 ? LegacyImporter.qualifiedUseCaseName(file) : base);
    }
    return names;
  }

  /**
   * The spec version of {@code useCase}: a short hash of its canonical JSON, equal for equal use
   * cases and different once anything in it changes. Plans record it on each DAG ({@link
   * io.lakeplan.plan.Dag#specVersion()}), so that a deployment tells which version of a use case a
   * DAG runs.
   */
  public static String specVersion(UseCase useCase) {
    return SpecVersion.of(useCase);
  }

  /**
   * Adds {@code file:line:col} to problems whose path the tree can resolve; a problem that already
   * has a location keeps it.
   */
  static List<Problem> locate(String file, YamlTree tree, List<Problem> problems, boolean legacy) {
    List<Problem> located = new ArrayList<>();
    Function<String, String> pointers =
        tree.root() == null ? path -> "" : Locator.pointers(tree.root());
    for (Problem problem : problems) {
      if (problem.location() != null) {
        located.add(problem);
        continue;
      }
      String path = legacy ? LegacyImporter.legacyPath(problem.path()) : problem.path();
      String pointer = pointers.apply(path);
      int[] position = tree.position(pointer);
      if (legacy) {
        // legacy files have their own paths, and no name: their use case is named after the file
        problem =
            new Problem(
                problem.useCase(),
                path,
                problem.code(),
                problem.path().equals("name")
                    ? problem.message()
                        + " (a legacy file's use case is named after the file: rename the file)"
                    : problem.message(),
                null);
      }
      located.add(
          problem.at(
              position == null
                  ? new SourceLocation(file, 0, 0)
                  : new SourceLocation(file, position[0], position[1])));
    }
    return located;
  }

  private static Document failure(String file, ProblemCode code, String message) {
    return new Document(
        file,
        null,
        false,
        List.of(new Problem(null, "", code, message, new SourceLocation(file, 0, 0))));
  }

  /** {@code plan} as JSON: deterministic, byte-identical for equal plans. */
  public static String toJson(Plan plan) {
    try {
      return Mappers.prettyJson().writeValueAsString(plan) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot write plan as JSON", e);
    }
  }

  /**
   * Reads a plan written by {@link #toJson(Plan)}.
   *
   * @throws IllegalArgumentException naming the first problem, when the JSON is not a plan
   */
  public static Plan planFromJson(String json) {
    try {
      return Mappers.json().readValue(json, Plan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid plan JSON: " + e.getOriginalMessage(), e);
    }
  }
}
