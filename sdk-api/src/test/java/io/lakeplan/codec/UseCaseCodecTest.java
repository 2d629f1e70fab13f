package io.lakeplan.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.TestUseCases;
import io.lakeplan.model.Lookback;
import io.lakeplan.model.UseCase;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ProblemCode;
import io.lakeplan.validation.ValidationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UseCaseCodecTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");

  private static String golden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("lakeplan.updateGolden") || !Files.exists(file)) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  @Test
  void toYaml_matchesGoldenFile_andReadsBack() throws IOException {
    UseCase orders = TestUseCases.orders().build();
    String yaml = UseCaseCodec.toYaml(orders);
    assertThat(yaml).isEqualTo(golden("orders-dsl.yaml", yaml));
    assertThat(yaml).startsWith("api-version: lakeplan/v1\nname: orders\n");
    assertThat(UseCaseCodec.fromYaml(yaml)).isEqualTo(orders);
  }

  @Test
  void exampleFile_isStableUnderReadWrite() throws IOException {
    String text = Files.readString(Path.of("../examples/orders/orders.yaml"));
    UseCase read = UseCaseCodec.fromYaml(text);
    String written = UseCaseCodec.toYaml(read);
    assertThat(UseCaseCodec.toYaml(UseCaseCodec.fromYaml(written))).isEqualTo(written);
    assertThat(UseCaseCodec.fromYaml(written)).isEqualTo(read);
  }

  @Test
  void orderBy_readsOneColumnAsAListOfIt_andSeveralInOrder() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: orders
        owner: me@example.com
        merges:
          - id: one
            target: process.orders
            source: raw.orders
            keys: [order_id]
            order-by: updated_at
          - id: two
            target: process.orders
            source: raw.orders
            keys: [order_id]
            order-by: [updated_at, lsn]
        """;
    UseCase read = UseCaseCodec.fromYaml(yaml);
    assertThat(read.merges().get(0).orderBy()).containsExactly("updated_at");
    assertThat(read.merges().get(1).orderBy()).containsExactly("updated_at", "lsn");
    assertThat(UseCaseCodec.fromYaml(UseCaseCodec.toYaml(read))).isEqualTo(read);
    assertThat(UseCaseSchemaTest.schemaErrors(yaml)).isEmpty();
  }

  @Test
  void unknownKeys_areAllReportedWithPathAndPosition() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: orders
        owner: me@example.com
        merges:
          - id: upsert
            target: process.orders
            source: raw.orders
            keyz: [order_id]
        maintenance:
          - id: m
            table: raw.orders
            tasks:
              - type: expire-snapshots
                older-than: 7d
                retain: 3
        """;
    Document document = UseCaseCodec.read("orders.yaml", yaml);
    assertThat(document.useCase()).isNull();
    assertThat(document.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "orders.yaml:8:11: merges[upsert].keyz: Unknown key 'keyz' (known keys here: columns, delete-when, history, id, incremental, keys, order-by, source, sql-file, target, tombstone-retention) [unknown-key]",
            "orders.yaml:15:17: maintenance[m].tasks[0].retain: Unknown key 'retain' (known keys here: id, older-than, retain-last, schedule) [unknown-key]");
  }

  @Test
  void valueOfTheWrongShape_isOneProblemNamingTheType_andReadingGoesOn() {
    // found by FrontEndFuzzTest (sdk-cli): a scalar where a map goes gave a second problem with a
    // NullPointerException's text ('Cannot read field "name" because "json" is null', or
    // `java.lang.NullPointerException`), said "Expected a Json value", and ended the reading
    String yaml =
        """
        api-version: lakeplan/v1
        name: shapes
        owner: me@example.com
        notifications: on-failure
        tables:
          - table: raw.orders
            columns:
              - order_id
            colour: red
        """;
    Document document = UseCaseCodec.read("shapes.yaml", yaml);
    assertThat(document.useCase()).isNull();
    assertThat(document.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "shapes.yaml:4:16: notifications: Expected a map (NotificationPolicy), found"
                + " 'on-failure' [wrong-type]",
            "shapes.yaml:8:9: tables[raw.orders].columns[0]: Expected a map (Column), found"
                + " 'order_id' [wrong-type]",
            "shapes.yaml:9:13: tables[raw.orders].colour: Unknown key 'colour' (known keys here:"
                + " columns, external, format-version, object-storage-layout, partition-by,"
                + " properties,"
                + " sort-by, table) [unknown-key]");
  }

  @Test
  void repeatedKey_isReportedAtTheRepetition_andTheFirstValueIsKept() {
    // issue 24.1: the second 'schedule' replaced the first silently (the duplicate-key check of
    // SnakeYAML belongs to its constructor, which the tree loader does not use), and problems
    // pointed at the discarded occurrence
    String yaml =
        """
        api-version: lakeplan/v1
        name: twice
        owner: me@example.com
        schedule: "@daily"
        retries: 99
        schedule: "@once"
        """;
    Document document = UseCaseCodec.read("twice.yaml", yaml);
    assertThat(document.useCase()).isNull();
    assertThat(document.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "twice.yaml:6:1: schedule: Key 'schedule' is written twice in this map (first on line"
                + " 4); a repeated key would silently replace the first value, so keep one"
                + " [duplicate-key]");
    Document valid = UseCaseCodec.read("twice.yaml", yaml.replace("schedule: \"@once\"\n", ""));
    assertThat(valid.problems()).isEmpty();
    assertThat(valid.useCase().schedule()).hasToString("@daily");
  }

  @Test
  void repeatedKeyInsideAListItem_isReportedWithTheItemsPath() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: twice
        owner: me@example.com
        merges:
          - id: upsert
            target: process.orders
            source: raw.orders
            keys: [order_id]
            delete-when: "op = 'D'"
            delete-when: "op = 'X'"
        """;
    assertThat(UseCaseCodec.read("twice.yaml", yaml).problems())
        .extracting(Problem::toString)
        .containsExactly(
            "twice.yaml:10:5: merges[upsert].delete-when: Key 'delete-when' is written twice in"
                + " this map (first on line 9); a repeated key would silently replace the first"
                + " value, so keep one [duplicate-key]");
  }

  @Test
  void valuesJacksonCouldNotTake_areProblemsInOurWords_andReadingGoesOn() {
    // issue 24.8: a number beyond int, empty text where a list or a map goes and a null for a
    // flag each ended the reading of the file with Jackson's text ("not a valid `int` value",
    // "Cannot coerce empty String", "Cannot map `null` into type `boolean`", "long overflow",
    // 'For input string'); the problems after them were never reported
    long tooBig = (long) Integer.MAX_VALUE + 1;
    String yaml =
        """
        api-version: lakeplan/v1
        name: shapes
        owner: me@example.com
        retries: %d
        depends-on-past: maybe
        merges:
          - id: upsert
            target: process.orders
            source: raw.orders
            keys: ""
        tables:
          - table: raw.orders
            columns: ["", {name: id, type: long}]
            format-version: 2.5
        maintenance:
          - id: tidy
            table: raw.orders
            tasks:
              - {type: expire-snapshots, older-than: 999999999999999999d}
              - {type: compact, target-file-size: 99999999999999999999GB}
        colour: red
        """
            .formatted(tooBig);
    Document document = UseCaseCodec.read("shapes.yaml", yaml);
    assertThat(document.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "shapes.yaml:4:10: retries: Invalid number '"
                + tooBig
                + "' (write a whole number from "
                + Integer.MIN_VALUE
                + " to "
                + Integer.MAX_VALUE
                + ") [invalid-value]",
            "shapes.yaml:5:18: depends-on-past: Invalid value 'maybe' (write true or false)"
                + " [invalid-value]",
            "shapes.yaml:10:11: merges[upsert].keys: Expected a list, found '' [wrong-type]",
            "shapes.yaml:13:15: tables[raw.orders].columns[0]: Expected a map (Column), found ''"
                + " [wrong-type]",
            "shapes.yaml:14:21: tables[raw.orders].format-version: Invalid number '2.5' (write a"
                + " whole number, e.g. 3) [invalid-value]",
            "shapes.yaml:19:46: maintenance[tidy].tasks[0].older-than: Invalid duration:"
                + " '999999999999999999d' (too long: at most "
                + Long.MAX_VALUE / 86_400
                + "d; write e.g. 7d, 12h or 1d12h) [invalid-value]",
            "shapes.yaml:20:43: maintenance[tidy].tasks[1].target-file-size: Invalid data size:"
                + " '99999999999999999999GB' (more than "
                + Long.MAX_VALUE / (1L << 30)
                + " GB; write e.g. 512MB or 1GB) [invalid-value]",
            "shapes.yaml:21:9: colour: Unknown key 'colour' (known keys here: dependencies,"
                + " depends-on-past, description, jdbc-ingestions, kafka-ingestions,"
                + " maintenance, merges, migrations, name, notifications, owner, retries,"
                + " retry-delay, schedule, spark-jobs, tables, tags) [unknown-key]");
  }

  @Test
  void keyWithoutValue_isTheKeyLeftOut() {
    // issue 24.8: 'on-retry:' with nothing after it ended the reading with "Cannot map `null`
    // into type `boolean` (set DeserializationConfig.DeserializationFeature...)"
    String yaml =
        """
        api-version: lakeplan/v1
        name: empty-values
        owner: me@example.com
        retries:
        notifications:
          on-retry:
        """;
    Document document = UseCaseCodec.read("empty.yaml", yaml);
    UseCase defaults = UseCase.named("empty-values").owner("me@example.com").build();
    assertThat(document.problems()).isEmpty();
    assertThat(document.useCase().retries()).isEqualTo(defaults.retries());
    assertThat(document.useCase().notifications().onRetry())
        .isEqualTo(io.lakeplan.model.NotificationPolicy.builder().build().onRetry());
  }

  @Test
  void wholeNumbers_readAsYamlWritesThem() {
    // the JSON Schema's integer takes 3.0 and 1e1, and YAML 1.2 writes 0x and 0o numbers
    for (String text : List.of("3", "+3", "3.0", "0x3", "0o3", "0.3e1")) {
      String yaml = "api-version: lakeplan/v1\nname: n\nowner: o\nretries: " + text + "\n";
      assertThat(UseCaseCodec.fromYaml(yaml).retries()).as(text).isEqualTo(3);
    }
  }

  @Test
  void lookback_isADurationOrAWholeNumber_andWritesBackInTheSameForm() {
    Map<String, Lookback> read = new LinkedHashMap<>();
    read.put("10m", Lookback.of(Duration.ofMinutes(10)));
    read.put("PT1H30M", Lookback.of(Duration.ofMinutes(90)));
    read.put("0s", Lookback.of(Duration.ZERO));
    read.put("500", Lookback.ofAmount(500));
    read.put("'500'", Lookback.ofAmount(500));
    read.put("0x10", Lookback.ofAmount(16));
    read.put("3.0", Lookback.ofAmount(3));
    read.put("0", Lookback.ofAmount(0));
    read.forEach(
        (text, expected) -> {
          UseCase useCase = UseCaseCodec.fromYaml(jdbcWithLookback(text));
          Lookback lookback = useCase.jdbcIngestions().get(0).lookback();
          assertThat(lookback).as(text).isEqualTo(expected);
          String written = UseCaseCodec.toYaml(useCase);
          assertThat(written)
              .as(text)
              .contains("    lookback: " + expected + "\n")
              .doesNotContain("lookback: \"");
          assertThat(UseCaseCodec.fromYaml(written)).as(text).isEqualTo(useCase);
        });
  }

  @Test
  void lookback_neitherADurationNorAWholeNumber_isAProblemNamingBothForms() {
    for (String text : List.of("soon", "2.5", "99999999999999999999")) {
      Document document = UseCaseCodec.read("x.yaml", jdbcWithLookback(text));
      assertThat(document.problems())
          .as(text)
          .singleElement()
          .satisfies(
              problem -> {
                assertThat(problem.path()).isEqualTo("jdbc-ingestions[load].lookback");
                assertThat(problem.code()).isEqualTo(ProblemCode.INVALID_VALUE);
                assertThat(problem.location().line()).isEqualTo(9);
                assertThat(problem.message()).startsWith("Invalid lookback").contains(text);
              });
    }
    assertThat(UseCaseCodec.read("x.yaml", jdbcWithLookback("soon")).problems().get(0).message())
        .isEqualTo(
            "Invalid lookback: 'soon' (neither a whole number nor a duration; write a duration such as"
                + " 10m or PT10M for a timestamp or date incremental column, or a whole number"
                + " such as 500 for an integer or decimal one)");
  }

  private static String jdbcWithLookback(String lookback) {
    return """
        api-version: lakeplan/v1
        name: shop
        owner: team@example.com
        jdbc-ingestions:
          - id: load
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.events
            incremental-column: seq
            lookback: %s
            keys: [id]
            target: raw.events
        """
        .formatted(lookback);
  }

  @Test
  void badValues_areReportedWithTheParsersMessage() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: orders
        owner: me@example.com
        schedule: "61 * * * *"
        retry-delay: soon
        migrations:
          - id: history
            mode: copy-paste
            source: {path: /data, format: parquet}
            target: {table: raw.orders, columns: [{name: id, type: long}]}
        """;
    Document document = UseCaseCodec.read("orders.yaml", yaml);
    assertThat(document.problems())
        .extracting(Problem::path, Problem::message)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "schedule", "Invalid cron '61 * * * *': minute value 61 is outside 0-59"),
            org.assertj.core.groups.Tuple.tuple(
                "retry-delay", "Invalid duration: 'soon' (write e.g. 7d, 12h, 30m, 45s or 1d12h)"),
            org.assertj.core.groups.Tuple.tuple(
                "migrations[history].mode",
                "Invalid value 'copy-paste' (use one of: rewrite, add-files)"));
    assertThat(document.problems())
        .extracting(p -> p.location().line())
        .containsExactlyInAnyOrder(4, 5, 8);
  }

  @Test
  void wrongYamlType_isReported() {
    Document document =
        UseCaseCodec.read("x.yaml", "api-version: lakeplan/v1\nname: [a, b]\nowner: o\n");
    assertThat(document.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.WRONG_TYPE);
              assertThat(problem.toString())
                  .isEqualTo("x.yaml:2:7: name: Expected text, found a list [wrong-type]");
            });
  }

  @Test
  void syntaxError_reportsLineAndColumn() {
    Document document =
        UseCaseCodec.read("broken.yaml", "api-version: lakeplan/v1\nname: x\n  owner: y\n");
    assertThat(document.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.YAML_SYNTAX);
              assertThat(problem.location().line()).isEqualTo(3);
              assertThat(problem.message()).startsWith("Invalid YAML: ");
            });
  }

  @Test
  void aliasBomb_failsFastWithAClearError() {
    StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    char previous = 'a';
    for (char c = 'b'; c <= 'j'; c++) {
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 10; i++) {
        yaml.append(i == 0 ? "" : ", ").append('*').append(previous);
      }
      yaml.append("]\n");
      previous = c;
    }
    long start = System.nanoTime();
    Document document = UseCaseCodec.read("bomb.yaml", yaml.toString());
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    assertThat(document.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.UNSAFE_DOCUMENT);
              assertThat(problem.message()).startsWith("Unsafe document: ");
            });
  }

  @Test
  void aliases_withinLimits_expandToTheirValues() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: orders
        owner: &owner me@example.com
        tags: [*owner]
        """;
    assertThat(UseCaseCodec.fromYaml(yaml).tags()).containsExactly("me@example.com");
  }

  @Test
  void deepNesting_isRefused() {
    String yaml =
        "api-version: lakeplan/v1\nname: x\nowner: o\ndescription: "
            + "[".repeat(200)
            + "]".repeat(200)
            + "\n";
    Document document = UseCaseCodec.read("deep.yaml", yaml);
    assertThat(document.problems())
        .singleElement()
        .extracting(Problem::code)
        .isIn(ProblemCode.UNSAFE_DOCUMENT, ProblemCode.YAML_SYNTAX);
  }

  @Test
  void hugeDocument_isRefused() {
    String yaml =
        "api-version: lakeplan/v1\nname: x\nowner: o\ndescription: " + "x".repeat(2 << 20) + "\n";
    Document document = UseCaseCodec.read("huge.yaml", yaml);
    assertThat(document.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.UNSAFE_DOCUMENT);
              assertThat(problem.message()).contains("split it");
            });
  }

  @Test
  void missingApiVersion_isReported() {
    Document document = UseCaseCodec.read("x.yaml", "name: x\nowner: o\n");
    assertThat(document.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.code()).isEqualTo(ProblemCode.UNSUPPORTED_API_VERSION);
              assertThat(problem.message())
                  .isEqualTo("Missing api-version; add 'api-version: lakeplan/v1' at the top");
            });
  }

  @Test
  void emptyFile_isReported() {
    assertThat(UseCaseCodec.read("empty.yaml", "# nothing\n").problems())
        .singleElement()
        .extracting(Problem::message)
        .isEqualTo("The file is empty; write a use case or remove the file");
  }

  @Test
  void unknownPolymorphicType_listsTheKnownOnes() {
    String yaml =
        """
        api-version: lakeplan/v1
        name: orders
        owner: o
        maintenance:
          - id: m
            table: raw.orders
            tasks:
              - type: vacuum
        """;
    assertThat(UseCaseCodec.read("x.yaml", yaml).problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.path()).isEqualTo("maintenance[m].tasks[0].type");
              assertThat(problem.message())
                  .startsWith("Unknown type 'vacuum' (use one of:")
                  .contains("expire-snapshots")
                  .contains("hard-delete");
            });
  }

  @Test
  void fromYaml_throwsOnceWithEveryProblem() {
    assertThatThrownBy(
            () -> UseCaseCodec.fromYaml("api-version: lakeplan/v2\nname: x\nowner: o\nfoo: 1\n"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Unsupported api-version 'lakeplan/v2'")
        .hasMessageContaining("Unknown key 'foo'")
        .satisfies(e -> assertThat(((ValidationException) e).problems()).hasSize(2));
  }

  @Test
  void secretsNeverAppearInToString() {
    UseCase orders = TestUseCases.orders().build();
    assertThat(orders.toString()).contains("SALES_DB_PASSWORD");
    List<String> texts = List.of(orders.toString(), UseCaseCodec.toYaml(orders));
    // Only the reference's name is held: the model has no field that could carry the value.
    assertThat(texts).allMatch(text -> text.contains("env:SALES_DB_PASSWORD"));
  }

  @Test
  void toYaml_valuesWithLineOrParagraphSeparators_readBackUnchanged() {
    UseCase useCase =
        UseCase.named("separators")
            .owner("data@example.com")
            .sparkJob(
                job ->
                    job.id("report")
                        .entrypoint("s3://jobs/report.py")
                        .addArgument("3:\u2029l")
                        .addArgument("a\u2028b")
                        .addArgument("c\u0085d"))
            .build();

    String yaml = UseCaseCodec.toYaml(useCase);

    assertThat(yaml).contains("\\P", "\\L", "\\N").doesNotContain("\u2029", "\u2028");
    assertThat(UseCaseCodec.fromYaml(yaml)).isEqualTo(useCase);
  }
}
