package io.lakeplan.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.cli.LakeplanCli;
import io.lakeplan.codec.UseCaseSchema;
import io.lakeplan.validation.ProblemCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Writes the documentation site's reference pages from the code itself, so they cannot miss a key,
 * an option or a code: the use-case format from its JSON Schema ({@link UseCaseSchema}), the CLI
 * from picocli's usage help of every command, the validation codes from {@link ProblemCode} (with
 * the descriptions of its source's doc comments), and the plan graph of {@code examples/orders} as
 * {@code lakeplan graph} prints it (Mermaid).
 *
 * <p>Run by the docs module's build before {@code mkdocs build}: {@code ReferenceGenerator ROOT
 * OUT} writes {@code OUT/reference/*.md}, which the site's hook (docs/hooks/lakeplan_docs.py) adds
 * to the site, and {@code OUT/orders-plan.mmd}, which pages include (pymdownx.snippets).
 */
public final class ReferenceGenerator {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;

  /**
   * A generator for the repository at {@code root} (it reads examples/ and ProblemCode's source).
   */
  public ReferenceGenerator(Path root) {
    this.root = root;
  }

  /** {@code ReferenceGenerator ROOT OUT}: writes the reference pages into {@code OUT/reference}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "Usage: ReferenceGenerator REPOSITORY_ROOT OUTPUT_FOLDER (got " + args.length + " args)");
    }
    ReferenceGenerator generator = new ReferenceGenerator(Path.of(args[0]));
    Path reference = Path.of(args[1]).resolve("reference");
    Files.createDirectories(reference);
    for (Map.Entry<String, String> page : generator.pages().entrySet()) {
      Files.writeString(reference.resolve(page.getKey()), page.getValue(), StandardCharsets.UTF_8);
    }
    // the bare flowchart, which other pages include in a mermaid fence
    Files.writeString(
        Path.of(args[1]).resolve("orders-plan.mmd"),
        generator.ordersPlanMermaid(),
        StandardCharsets.UTF_8);
  }

  /** Every generated page: file name to Markdown. */
  public Map<String, String> pages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("use-case-schema.md", useCaseSchemaPage());
    pages.put("cli.md", cliPage());
    pages.put("validation-codes.md", validationCodesPage());
    pages.put("orders-plan.md", ordersPlanPage());
    return pages;
  }

  // ---------------------------------------------------------------- use-case format

  /** The use-case format: one table per object of the JSON Schema, one row per key. */
  public String useCaseSchemaPage() {
    JsonNode schema = readSchema();
    StringBuilder page = new StringBuilder();
    page.append("# Use-case format reference\n\n")
        .append(GENERATED_NOTE)
        .append("Every key of the use-case format, generated from its JSON Schema (`lakeplan")
        .append(" schema`, draft 2020-12), so no key can be missing here. Keys are kebab-case;")
        .append(" a key that is not listed is refused (`unknown-key`). A type column reads as")
        .append(" the value to write: the loader also accepts a number or a boolean where text")
        .append(" is expected, and a quoted number or boolean where one is expected. The schema")
        .append(" declares no defaults: what an absent key means is on the")
        .append(
            " [Use-case format](../use-case-format.md) page and in the Javadoc of the model.\n\n");
    objectSection(page, "Use case", "The top level of a use-case file.", schema);
    JsonNode defs = schema.path("$defs");
    for (Iterator<String> names = defs.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode def = defs.get(name);
      if (def.has("oneOf")) {
        page.append("## ").append(name).append("\n\n");
        page.append("One of these forms, chosen by its `type`:\n\n");
        for (JsonNode variant : def.get("oneOf")) {
          String kind = variant.path("properties").path("type").path("const").asText();
          page.append("### ").append(name).append(": `").append(kind).append("`\n\n");
          propertyTable(page, variant);
        }
      } else {
        objectSection(page, name, def.path("description").asText(""), def);
      }
    }
    return page.toString();
  }

  private static void objectSection(StringBuilder page, String name, String about, JsonNode def) {
    page.append("## ").append(name).append("\n\n");
    if (!about.isBlank()) {
      page.append(cell(about)).append("\n\n");
    }
    propertyTable(page, def);
  }

  private static void propertyTable(StringBuilder page, JsonNode object) {
    Set<String> required = new HashSet<>();
    object.path("required").forEach(key -> required.add(key.asText()));
    page.append("| key | type | required | allowed values | description |\n")
        .append("|---|---|---|---|---|\n");
    for (Map.Entry<String, JsonNode> key : object.path("properties").properties()) {
      JsonNode property = key.getValue();
      page.append("| `")
          .append(key.getKey())
          .append("` | ")
          .append(typeOf(property))
          .append(" | ")
          .append(required.contains(key.getKey()) ? "yes" : "")
          .append(" | ")
          .append(allowedValues(property))
          .append(" | ")
          .append(cell(description(property)))
          .append(" |\n");
    }
    page.append('\n');
  }

  /** The type to write: the schema's first non-null type, a link for a reference. */
  static String typeOf(JsonNode property) {
    if (property.has("$ref")) {
      return link(property.get("$ref").asText());
    }
    if (property.has("anyOf")) {
      List<String> types = new ArrayList<>();
      for (JsonNode option : property.get("anyOf")) {
        if (!"null".equals(option.path("type").asText())) {
          types.add(typeOf(option));
        }
      }
      return String.join(" or ", types);
    }
    if (property.has("const")) {
      return "string";
    }
    JsonNode type = property.path("type");
    String first = type.isArray() ? firstNonNull(type) : type.asText("");
    return switch (first) {
      case "array" -> "list of " + typeOf(property.path("items"));
      case "object" ->
          property.path("additionalProperties").isObject()
              ? "map of string to " + typeOf(property.get("additionalProperties"))
              : "object";
      case "" -> "any";
      default -> first;
    };
  }

  private static String firstNonNull(JsonNode types) {
    for (JsonNode type : types) {
      if (!"null".equals(type.asText())) {
        return type.asText();
      }
    }
    return "null";
  }

  private static String link(String ref) {
    String name = ref.substring(ref.lastIndexOf('/') + 1);
    return "[" + name + "](#" + name.toLowerCase(Locale.ROOT) + ")";
  }

  private static String allowedValues(JsonNode property) {
    if (property.has("const")) {
      return "`" + property.get("const").asText() + "`";
    }
    List<String> values = new ArrayList<>();
    JsonNode enumeration =
        property.has("enum") ? property.get("enum") : property.path("items").path("enum");
    enumeration.forEach(
        value -> {
          if (!value.isNull()) {
            values.add("`" + value.asText() + "`");
          }
        });
    String range = range(property);
    if (!range.isEmpty()) {
      values.add(range);
    }
    return String.join(", ", values);
  }

  private static String range(JsonNode property) {
    boolean hasMin =
        property.has("minimum") && property.get("minimum").asLong() != Integer.MIN_VALUE;
    boolean hasMax =
        property.has("maximum")
            && property.get("maximum").asLong() != Integer.MAX_VALUE
            && property.get("maximum").asLong() != Long.MAX_VALUE;
    if (hasMin && hasMax) {
      return property.get("minimum").asText() + " to " + property.get("maximum").asText();
    }
    if (hasMin) {
      return "at least " + property.get("minimum").asText();
    }
    return hasMax ? "at most " + property.get("maximum").asText() : "";
  }

  private static String description(JsonNode property) {
    if (property.has("description")) {
      return property.get("description").asText();
    }
    JsonNode items = property.path("items");
    return items.path("description").asText("");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static JsonNode readSchema() {
    try {
      return JSON.readTree(UseCaseSchema.json());
    } catch (IOException e) {
      throw new UncheckedIOException("The use-case JSON Schema does not parse", e);
    }
  }

  // ---------------------------------------------------------------- CLI

  /** Every command's usage help, as picocli prints it for {@code --help}. */
  public String cliPage() {
    CommandLine lakeplan = LakeplanCli.commandLine();
    StringBuilder page = new StringBuilder();
    page.append("# CLI reference\n\n")
        .append(GENERATED_NOTE)
        .append("The usage help of every `lakeplan` command, as `lakeplan COMMAND --help` prints")
        .append(" it (generated from the commands' picocli definitions). How the commands are")
        .append(" used together: [Getting started](../getting-started.md#the-cli).\n\n");
    usage(page, lakeplan);
    return page.toString();
  }

  private static void usage(StringBuilder page, CommandLine command) {
    String name = command.getCommandSpec().qualifiedName();
    page.append("## ").append(name).append("\n\n```text\n");
    page.append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing());
    page.append("\n```\n\n");
    for (CommandLine subcommand : command.getSubcommands().values()) {
      if (subcommand.getParent() == command
          && subcommand.getCommandName().equals(subcommand.getCommandSpec().name())) {
        usage(page, subcommand);
      }
    }
  }

  // ---------------------------------------------------------------- validation codes

  private static final Pattern DOC_COMMENT =
      Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*([A-Z_]+)\\s*[,;]", Pattern.DOTALL);

  /** Every {@link ProblemCode}, with its description from the enum's doc comments. */
  public String validationCodesPage() {
    Map<String, String> descriptions = problemCodeDescriptions();
    StringBuilder page = new StringBuilder();
    page.append("# Validation codes\n\n")
        .append(GENERATED_NOTE)
        .append("Every stable problem code (`io.lakeplan.validation.ProblemCode`), generated from")
        .append(" the enum and its Javadoc. When each is raised, with examples:")
        .append(" [Validation](../validation.md#codes).\n\n")
        .append("| code | `ProblemCode` | meaning |\n|---|---|---|\n");
    for (ProblemCode code : ProblemCode.values()) {
      String description = descriptions.get(code.name());
      if (description == null) {
        throw new IllegalStateException(
            "ProblemCode." + code.name() + " has no doc comment in ProblemCode.java: add one");
      }
      page.append("| `")
          .append(code.code())
          .append("` | `")
          .append(code.name())
          .append("` | ")
          .append(cell(description))
          .append(" |\n");
    }
    return page.toString();
  }

  /** The doc comment of each constant in ProblemCode.java, as Markdown on one line. */
  Map<String, String> problemCodeDescriptions() {
    Path source = root.resolve("sdk-api/src/main/java/io/lakeplan/validation/ProblemCode.java");
    String text;
    try {
      text = Files.readString(source);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + source, e);
    }
    Map<String, String> descriptions = new LinkedHashMap<>();
    Matcher matcher = DOC_COMMENT.matcher(text);
    while (matcher.find()) {
      descriptions.put(matcher.group(2), javadocToMarkdown(matcher.group(1)));
    }
    return descriptions;
  }

  static String javadocToMarkdown(String comment) {
    String text = comment.replaceAll("(?m)^\\s*\\*\\s?", " ").replaceAll("\\s+", " ").trim();
    text = text.replaceAll("\\{@code ([^}]*)}", "`$1`");
    text = text.replaceAll("<code>([^<]*)</code>", "`$1`");
    text = text.replaceAll("\\{@link(?:plain)? [^}#]*#?([^} ]+)(?: ([^}]*))?}", "`$1`");
    return text;
  }

  // ---------------------------------------------------------------- plan graph

  /**
   * The plan of {@code examples/orders} as {@code lakeplan graph} draws it, rendered by Mermaid.
   */
  public String ordersPlanPage() {
    String mermaid = ordersPlanMermaid();
    return "# Plan graph of the orders example\n\n"
        + GENERATED_NOTE
        + "The plan of `examples/orders/orders.yaml` as `lakeplan graph examples/orders` prints"
        + " it (a Mermaid flowchart: one box per DAG with its tasks, arrows for task order and for"
        + " the dependencies between DAGs), drawn here by Mermaid. How use cases become DAGs:"
        + " [Plans](../plans.md); the command: [Getting started](../getting-started.md#drawing-the-plan-lakeplan-graph).\n\n"
        + "```mermaid\n"
        + mermaid.stripTrailing()
        + "\n```\n";
  }

  /** The Mermaid flowchart that {@code lakeplan graph examples/orders} prints. */
  public String ordersPlanMermaid() {
    return runCli("graph", root.resolve("examples/orders").toString());
  }

  private static String runCli(String... args) {
    CommandLine lakeplan = LakeplanCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    lakeplan.setOut(new PrintWriter(out, true));
    lakeplan.setErr(new PrintWriter(err, true));
    int exit = lakeplan.execute(args);
    if (exit != 0) {
      throw new IllegalStateException(
          "lakeplan " + String.join(" ", args) + " exited " + exit + ": " + err.toString().strip());
    }
    return out.toString();
  }

  private static final String GENERATED_NOTE =
      "<!-- Generated by io.lakeplan.docs.ReferenceGenerator (docs module); do not edit. -->\n\n";
}
