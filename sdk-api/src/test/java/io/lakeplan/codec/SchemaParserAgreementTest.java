package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.lakeplan.fuzz.DocumentMutator;
import io.lakeplan.fuzz.MutatedDocument;
import io.lakeplan.fuzz.SeedDocument;
import io.lakeplan.fuzz.SeedDocuments;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.workspace.Validator;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The JSON Schema that editors use and the parser that Lakeplan uses agree (issue 24.10). Every
 * example, fixture and golden file, generated use cases and thousands of mutated documents of the
 * fuzzing generator go through both: the schema (with networknt's validator, draft 2020-12), on the
 * document as an editor's YAML language server sees it (YAML 1.2 core schema: {@code 3} is a
 * number, {@code yes} is text, {@code <<} merges maps), and the parser with the rules of a use case
 * on its own. A document fails the test when
 *
 * <ul>
 *   <li>the schema rejects it and Lakeplan accepts it (the editor would flag a valid file), or
 *   <li>Lakeplan rejects it for a reason the schema states (a missing key, an unknown key, a value
 *       of the wrong type or form) and the schema accepts it (the editor would pass it).
 * </ul>
 *
 * <p>Rules between the keys of one object that a schema states (one of two keys, a key that another
 * key's value needs, a list that must not be empty) are compared. Left out, because a schema cannot
 * state them: rules across the document or between use cases (ids, references, identifiers safe in
 * SQL, secrets in free text, ranges that depend on other values), the meaning of cron expressions
 * and row conditions, and dates that do not exist. Documents that a YAML 1.2 loader and Lakeplan's
 * loader read differently at the syntax level (repeated keys, safety limits, invalid YAML) and
 * legacy-format files (the schema describes the native format) are skipped.
 */
class SchemaParserAgreementTest {
  private static final long SEED = 24_10L;
  private static final int MUTATED = 6_000;

  /**
   * Larger documents (huge values, the loader's size limits) say nothing about shape, and a YAML
   * 1.2 loader takes seconds on some of them.
   */
  private static final int MAX_CHARS = 16_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Problem codes whose reason a JSON Schema states. */
  private static final Set<ProblemCode> SCHEMA_LEVEL =
      EnumSet.of(
          ProblemCode.REQUIRED,
          ProblemCode.WRONG_TYPE,
          ProblemCode.UNKNOWN_KEY,
          ProblemCode.UNSUPPORTED_API_VERSION,
          ProblemCode.INVALID_VALUE);

  /** Reading problems about values whose meaning, not form, is wrong. */
  private static final List<String> MEANING =
      List.of("Invalid cron ", "Invalid condition ", "Invalid instant: ");

  /**
   * Requirements that depend on another part of the document, which a schema of one object cannot
   * see.
   */
  private static final List<String> CROSS_FIELD = List.of("or a sort-by on table");

  /** The reading problems that stop a document from being compared. */
  private static final Set<ProblemCode> LOADER_LEVEL =
      EnumSet.of(
          ProblemCode.YAML_SYNTAX,
          ProblemCode.UNSAFE_DOCUMENT,
          ProblemCode.DUPLICATE_KEY,
          ProblemCode.UNREADABLE_FILE);

  private final Schema schema =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(UseCaseSchema.json());

  @Test
  void schemaAndParser_acceptAndRejectTheSameDocuments() {
    List<SeedDocument> documents = new ArrayList<>();
    documents.addAll(SeedDocuments.files(SeedDocuments.repositoryRoot()));
    documents.addAll(SeedDocuments.generated(SEED, 200));
    DocumentMutator mutator = DocumentMutator.forRepository(SEED);
    Map<String, String> described = new HashMap<>();
    for (long i = 0; i < MUTATED; i++) {
      MutatedDocument mutated = mutator.document(i);
      String text = strictUtf8(mutated.bytes());
      if (text != null) {
        documents.add(new SeedDocument(mutated.fileName(), text));
        described.put(mutated.fileName(), "seed " + SEED + " " + mutated.describe());
      }
    }
    Map<String, String> disagreements = new TreeMap<>();
    int compared = 0;
    int accepted = 0;
    for (SeedDocument document : documents) {
      Comparison comparison = compare(document);
      if (comparison == null) {
        continue;
      }
      compared++;
      if (comparison.schemaErrors().isEmpty()) {
        accepted++;
      }
      String disagreement = comparison.disagreement();
      if (disagreement != null) {
        String text = document.text();
        disagreements.putIfAbsent(
            disagreement,
            described.getOrDefault(document.origin(), document.origin())
                + "\n"
                + (text.length() > 1500 ? text.substring(0, 1500) + "…" : text));
      }
    }
    System.out.printf(
        "Schema vs parser: %d documents compared (%d accepted by the schema), seed %d%n",
        compared, accepted, SEED);
    assertThat(compared).as("documents compared").isGreaterThan(MUTATED / 4);
    assertThat(disagreements)
        .as("documents the JSON Schema and the parser disagree on (one example each)")
        .isEmpty();
  }

  /** The minimal valid document the listed cases change. */
  private static final String MINIMAL =
      """
      api-version: lakeplan/v1
      name: orders
      owner: sales-data@example.com
      tables:
        - table: raw.events
          columns:
            - {name: id, type: long}
      """;

  private static final String KAFKA =
      """
      kafka-ingestions:
        - id: events
          bootstrap-servers: broker:9092
          topics: [events]
          format: raw
          checkpoint: s3://bucket/checkpoints/events
          target: raw.events
      """;

  private static final String MAINTENANCE =
      """
      maintenance:
        - id: events-upkeep
          table: raw.events
      """;

  /**
   * The cases of issue 24.10, each from the minimal document: both readers accept it, or both
   * reject it.
   */
  @ParameterizedTest(name = "{0}: both {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          numbers and flags in table properties | accept | tables: [{table: raw.events, columns: [{name: id, type: long}], properties: {write.target-file-size-bytes: 536870912, write.wap.enabled: true}}]
          numbers and flags in Kafka options    | accept | KAFKA options: {maxOffsetsPerTrigger: 1000, failOnDataLoss: false}
          numeric and boolean tags              | accept | tags: [2024, true]
          empty description                     | accept | description:
          quoted empty description              | accept | description: ''
          512mb in any letter case              | accept | MAINTENANCE tasks: [{type: compact, target-file-size: 512mb}]
          a quoted whole number                 | accept | retries: '3'
          retries 3.0 (a whole number)          | accept | retries: 3.0
          retries 3.5                           | reject | retries: 3.5
          retries beyond int                    | reject | retries: 99999999999
          an empty duration                     | reject | retry-delay: ''
          a junk duration                       | reject | retry-delay: 5x
          a junk ISO duration                   | reject | retry-delay: -Pjunk
          an ISO duration without a part        | reject | retry-delay: PT
          an ISO duration                       | accept | retry-delay: PT5M
          a plaintext password                  | reject | KAFKA auth: {username: app, password: hunter2}
          a secret reference                    | accept | KAFKA auth: {username: app, password: 'env:KAFKA_PASSWORD'}
          a YAML merge key                      | accept | KAFKA <<: {mode: streaming}
          a YAML merge key with a bad value     | reject | KAFKA <<: {mode: sideways}
          a YAML merge key the map overrides    | accept | KAFKA <<: {format: sideways}
          maintenance without tasks             | reject | MAINTENANCE
          maintenance with no tasks             | reject | MAINTENANCE tasks: []
          a table without columns               | reject | tables: [{table: raw.events}]
          a sort field that is blank text       | reject | tables: [{table: raw.events, columns: [{name: id, type: long}], sort-by: ['  ']}]
          an unknown column type                | reject | tables: [{table: raw.events, columns: [{name: id, type: updated_at}]}]
          """)
  void listedCase_bothAcceptOrBothReject(String name, String outcome, String change) {
    String document;
    String block =
        change.startsWith("KAFKA") ? KAFKA : change.startsWith("MAINTENANCE") ? MAINTENANCE : null;
    if (block != null) {
      String rest =
          change.substring(change.indexOf(' ') < 0 ? change.length() : change.indexOf(' ')).trim();
      document = MINIMAL + block + (rest.isEmpty() ? "" : "    " + rest + "\n");
    } else if (change.startsWith("tables:")) {
      document = MINIMAL.substring(0, MINIMAL.indexOf("tables:")) + change + "\n";
    } else {
      document = MINIMAL + change + "\n";
    }
    Comparison comparison = compare(new SeedDocument(name + ".yaml", document));

    assertThat(comparison).as(document).isNotNull();
    boolean accept = outcome.equals("accept");
    assertThat(comparison.schemaErrors().isEmpty())
        .as("schema accepts\n%s\nschema errors: %s", document, comparison.schemaErrors())
        .isEqualTo(accept);
    assertThat(comparison.problems().isEmpty())
        .as("Lakeplan accepts\n%s\nproblems: %s", document, comparison.problems())
        .isEqualTo(accept);
  }

  /** The outcome of both readers on one document, or null when it is not comparable. */
  private Comparison compare(SeedDocument document) {
    if (document.text().length() > MAX_CHARS) {
      return null;
    }
    JsonNode editorView = yaml12(document.text());
    if (editorView == null || !editorView.isObject()) {
      return null;
    }
    if (!editorView.has("api-version") && editorView.has("dags")) {
      return null; // legacy format
    }
    Document read = UseCaseCodec.read(document.origin(), document.text());
    if (read.problems().stream().anyMatch(problem -> LOADER_LEVEL.contains(problem.code()))) {
      return null;
    }
    List<Problem> problems = new ArrayList<>(read.problems());
    List<Problem> readingProblems = read.problems();
    if (read.useCase() != null) {
      problems.addAll(Validator.validate(read.useCase()));
    }
    List<Error> errors = schema.validate(editorView);
    return new Comparison(errors, problems, readingProblems);
  }

  private record Comparison(
      List<Error> schemaErrors, List<Problem> problems, List<Problem> readingProblems) {
    /** What the two disagree on, as one line that groups alike documents; null when they agree. */
    String disagreement() {
      if (!schemaErrors.isEmpty() && problems.isEmpty()) {
        Error first = schemaErrors.get(0);
        return "schema rejects, Lakeplan accepts: "
            + first.getKeyword()
            + " at "
            + generalised(first.getInstanceLocation().toString())
            + ": "
            + first.getMessage().replaceAll("\"[^\"]*\"|'[^']*'", "…");
      }
      if (schemaErrors.isEmpty()) {
        for (Problem problem : problems) {
          if (schemaLevel(problem)) {
            return "Lakeplan rejects, schema accepts: "
                + problem.code()
                + " at "
                + generalised(problem.path())
                + ": "
                + problem.message().replaceAll("'[^']*'", "…");
          }
        }
      }
      return null;
    }

    private boolean schemaLevel(Problem problem) {
      if (!SCHEMA_LEVEL.contains(problem.code())
          || CROSS_FIELD.stream().anyMatch(problem.message()::contains)) {
        return false;
      }
      if (problem.code() == ProblemCode.INVALID_VALUE) {
        return readingProblems.contains(problem)
            && MEANING.stream().noneMatch(prefix -> problem.message().startsWith(prefix));
      }
      return true;
    }

    private static String generalised(String path) {
      return path.replaceAll("\\[[^\\]]*\\]", "[]");
    }
  }

  /**
   * The document as a YAML 1.2 editor sees it (core schema: typed scalars, merge keys applied), as
   * JSON; null when a YAML 1.2 loader cannot read it.
   */
  private static JsonNode yaml12(String text) {
    LoadSettings settings =
        LoadSettings.builder()
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(50)
            .setCodePointLimit(2_000_000)
            .build();
    try {
      return finite(JSON.valueToTree(new Load(settings).loadFromString(text)));
    } catch (RuntimeException | StackOverflowError e) {
      return null; // invalid for a YAML 1.2 loader: not a document the schema can see
    }
  }

  /**
   * {@code node} with {@code .inf} and {@code .nan} as numbers JSON can hold (the validator cannot
   * compare non-finite numbers): ±1e400 and 0.5, numbers but not integers, as an editor sees them.
   */
  private static JsonNode finite(JsonNode node) {
    if (node.isDouble() && !Double.isFinite(node.doubleValue())) {
      double value = node.doubleValue();
      return DecimalNode.valueOf(
          Double.isNaN(value)
              ? new BigDecimal("0.5")
              : new BigDecimal(value > 0 ? "1e400" : "-1e400"));
    }
    if (node instanceof ObjectNode object) {
      object.fields().forEachRemaining(field -> field.setValue(finite(field.getValue())));
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, finite(array.get(i)));
      }
    }
    return node;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
