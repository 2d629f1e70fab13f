package io.lakeplan.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.cli.LakeplanCli;
import io.lakeplan.codec.UseCaseSchema;
import io.lakeplan.validation.ProblemCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The generated reference pages miss nothing, and the hand-written pages keep up with them. */
class ReferenceGeneratorTest {
  private static final Path ROOT =
      Path.of(System.getProperty("lakeplan.root", "..")).toAbsolutePath().normalize();
  private final ReferenceGenerator generator = new ReferenceGenerator(ROOT);

  @Test
  void useCaseSchemaPage_hasARowForEveryKeyOfTheSchema() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(UseCaseSchema.json());
    Set<String> keys = new LinkedHashSet<>();
    collectKeys(schema, keys);
    String page = generator.useCaseSchemaPage();

    assertThat(keys).hasSizeGreaterThan(80);
    for (String key : keys) {
      assertThat(page).as("row for key " + key).contains("| `" + key + "` |");
    }
    for (Iterator<String> defs = schema.path("$defs").fieldNames(); defs.hasNext(); ) {
      assertThat(page).contains("## " + defs.next());
    }
  }

  /** The property names of every object in the schema (not the keywords of nested checks). */
  private static void collectKeys(JsonNode node, Set<String> keys) {
    if (node.has("properties") && node.get("properties").isObject()) {
      node.get("properties").fieldNames().forEachRemaining(keys::add);
    }
    for (String child : new String[] {"properties", "$defs", "items", "oneOf", "anyOf"}) {
      JsonNode value = node.path(child);
      if (value.isArray()) {
        value.forEach(element -> collectKeys(element, keys));
      } else if (value.isObject()) {
        if (child.equals("properties") || child.equals("$defs")) {
          value.elements().forEachRemaining(element -> collectKeys(element, keys));
        } else {
          collectKeys(value, keys);
        }
      }
    }
  }

  @Test
  void cliPage_hasEveryCommandsUsageHelp() {
    String page = generator.cliPage();
    CommandLine lakeplan = LakeplanCli.commandLine();
    assertThat(lakeplan.getSubcommands()).hasSizeGreaterThan(8);
    for (Map.Entry<String, CommandLine> command : lakeplan.getSubcommands().entrySet()) {
      assertThat(page)
          .contains("## lakeplan " + command.getKey() + "\n")
          .contains(command.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF).strip());
    }
  }

  @Test
  void validationCodes_everyCodeIsDescribedAndListedOnTheValidationPage() throws Exception {
    String generated = generator.validationCodesPage();
    String handWritten = Files.readString(ROOT.resolve("docs/site/validation.md"));
    Map<String, String> descriptions = generator.problemCodeDescriptions();
    for (ProblemCode code : ProblemCode.values()) {
      assertThat(descriptions.get(code.name())).as("doc comment of " + code.name()).isNotBlank();
      assertThat(generated).contains("| `" + code.code() + "` | `" + code.name() + "` |");
      assertThat(handWritten)
          .as("docs/site/validation.md's table of codes names `%s`", code.code())
          .contains("`" + code.code() + "`");
    }
  }

  @Test
  void javadocToMarkdown_turnsTagsIntoCode() {
    assertThat(
            ReferenceGenerator.javadocToMarkdown(
                "\n   * A {@code ..} segment; see {@link io.lakeplan.workspace.Validator#warnings}.\n   "))
        .isEqualTo("A `..` segment; see `warnings`.");
  }

  @Test
  void ordersPlanPage_isAMermaidFlowchartOfEveryDag() {
    String page = generator.ordersPlanPage();
    assertThat(page).contains("```mermaid\nflowchart LR\n");
    for (String dag :
        new String[] {"orders.migration", "orders.transformation", "orders.maintenance.daily"}) {
      assertThat(page).contains("[\"" + dag + "\"]");
    }
  }
}
