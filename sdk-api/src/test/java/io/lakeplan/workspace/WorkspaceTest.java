package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakeplan.TestUseCases;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.validation.Problem;
import io.lakeplan.validation.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
  @TempDir Path folder;

  private void write(String name, String text) throws IOException {
    Path file = folder.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void writeValid() throws IOException {
    write("team/orders.yaml", UseCaseCodec.toYaml(TestUseCases.orders().build()));
  }

  @Test
  void badFiles_neverStopTheGoodOnes() throws IOException {
    writeValid();
    write("corrupt.yaml", "name: [unclosed\n");
    write("empty.yml", "");
    write("invalid.yaml", "api-version: lakeplan/v1\nname: Bad Name\nowner: o\n");
    Files.write(
        folder.resolve("latin1.yaml"), new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9});
    write("notes.txt", "not a use case");
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.fileCount()).isEqualTo(5);
    assertThat(workspace.useCases()).extracting(u -> u.file()).containsExactly("team/orders.yaml");
    assertThat(workspace.problems())
        .extracting(p -> p.location().file() + " " + p.code())
        .containsExactly(
            "corrupt.yaml yaml-syntax",
            "empty.yml unreadable-file",
            "latin1.yaml unreadable-file",
            "invalid.yaml invalid-id");
    assertThat(workspace.problems().get(3).toString())
        .startsWith("invalid.yaml:2:7: name: Invalid use-case name 'Bad Name'");
    assertThat(workspace.plan().dags()).isNotEmpty();
  }

  @Test
  void jdbcWithoutLookback_isLoaded_withALocatedWarning_andAStrictLoadPasses() throws IOException {
    write(
        "shop.yaml",
        """
        api-version: lakeplan/v1
        name: shop
        owner: team@example.com
        tables:
          - table: raw.events
            columns: [{name: id, type: long}, {name: updated_at, type: timestamp}]
        jdbc-ingestions:
          - id: load
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.events
            incremental-column: updated_at
            target: raw.events
        """);

    Workspace workspace = Workspace.loadStrict(folder);

    assertThat(workspace.problems()).isEmpty();
    assertThat(workspace.useCases()).extracting(u -> u.file()).containsExactly("shop.yaml");
    // located at the ingestion's item, as lookback is not written
    assertThat(workspace.warnings())
        .singleElement()
        .satisfies(
            warning ->
                assertThat(warning.toString())
                    .startsWith("shop.yaml:8:5: jdbc-ingestions[load].lookback: No lookback:")
                    .endsWith("[late-rows-unread]"));
  }

  @Test
  void useCaseDependingOnAnInvalidOne_isLeftOutWithAReason() throws IOException {
    writeValid();
    write(
        "reports.yaml",
        """
        api-version: lakeplan/v1
        name: reports
        owner: bi@example.com
        dependencies: ["dag:broken.transformation"]
        spark-jobs:
          - id: report
            entrypoint: s3://jobs/report.py
        """);
    write(
        "broken.yaml",
        """
        api-version: lakeplan/v1
        name: broken
        owner: ""
        spark-jobs:
          - id: job
            entrypoint: s3://jobs/x.py
        """);
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.useCases()).extracting(u -> u.useCase().name()).containsExactly("orders");
    assertThat(workspace.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "broken.yaml:3:8: owner: Blank owner (a team address); write a value [blank]",
            // issue 24.9: was "Dependency on DAG 'broken.transformation', which no use case
            // defines", as if the DAG did not exist
            "reports.yaml:4:16: dependencies[0]: Dependency on DAG 'broken.transformation' is"
                + " defined in broken.yaml, which is invalid and left out; fix the problems of"
                + " that file first [depends-on-invalid]");
  }

  @Test
  void readersOfTablesOfAnInvalidFile_areToldWhichFile() throws IOException {
    // issue 24.9: one invalid file made every reader of its tables hear that they were "not
    // declared or written by any use case"
    write(
        "history.yaml",
        """
        api-version: lakeplan/v1
        name: history
        owner: data@example.com
        retries: many
        tables:
          - table: raw.orders
            columns: [{name: order_id, type: long}]
        jdbc-ingestions:
          - id: extract
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.orders
            target: raw.orders
        """);
    write(
        "upserts.yaml",
        """
        api-version: lakeplan/v1
        name: upserts
        owner: data@example.com
        tables:
          - table: process.orders
            columns: [{name: order_id, type: long}]
        merges:
          - id: upsert
            target: process.orders
            source: raw.orders
            keys: [order_id]
        maintenance:
          - id: tidy
            table: raw.orders
            tasks: [{type: rewrite-manifests}]
        """);
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.useCases()).isEmpty();
    assertThat(workspace.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "history.yaml:4:10: retries: Invalid number 'many' (write a whole number, e.g. 3)"
                + " [invalid-value]",
            "upserts.yaml:10:13: merges[upsert].source: Merge source raw.orders is declared or"
                + " written in history.yaml, which is invalid and left out; fix the problems of"
                + " that file first [depends-on-invalid]",
            "upserts.yaml:14:12: maintenance[tidy].table: Maintained table raw.orders is declared"
                + " or written in history.yaml, which is invalid and left out; fix the problems"
                + " of that file first [depends-on-invalid]");
  }

  @Test
  void fileWithAReadingProblem_alsoGetsTheProblemsOfTheRest() throws IOException {
    // issue 24.8: one value of the wrong shape hid every other problem of the file; now the rules
    // check what could be read, and say nothing about the value that could not
    write(
        "shapes.yaml",
        """
        api-version: lakeplan/v1
        name: shapes
        owner: me@example.com
        notifications:
          targets: [sms, {type: sns}]
        tables:
          - table: raw.orders
            columns: [{name: id, type: long}, {name: Bad Name, type: string}]
            partition-by: "day(id)"
        """);
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "shapes.yaml:5:13: notifications.targets[0]: Expected a map (NotificationTarget),"
                + " found 'sms' [wrong-type]",
            "shapes.yaml:9:19: tables[raw.orders].partition-by: Expected a list, found 'day(id)'"
                + " [wrong-type]",
            "shapes.yaml:5:18: notifications.targets[1].topic-arn: Missing SNS topic ARN; add it"
                + " [required]",
            "shapes.yaml:8:46: tables[raw.orders].columns[Bad Name].name: Unsafe column name 'Bad"
                + " Name' (use letters, digits and _, starting with a letter or _)"
                + " [unsafe-identifier]");
  }

  @Test
  void notificationTargets_thatCannotBeHonoured_areProblemsNamingTheTargetAndTheFix()
      throws IOException {
    write(
        "alerts.yaml",
        """
        api-version: lakeplan/v1
        name: alerts
        owner: me@example.com
        notifications:
          targets:
            - {type: sns, topic-arn: "orders-alerts"}
            - {type: slack, webhook: "https://hooks.slack.example/services/T0/B0/XYZ"}
            - {type: email, address: "ops"}
        tables:
          - table: raw.orders
            columns: [{name: id, type: long}]
        """);
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "alerts.yaml:7:30: notifications.targets[1].webhook: Invalid secret reference (value"
                + " hidden): write env:NAME, secretsmanager:NAME or ssm:/PARAMETER, never the"
                + " secret itself [invalid-value]",
            "alerts.yaml:6:30: notifications.targets[0].topic-arn: Invalid SNS topic ARN"
                + " 'orders-alerts' (write arn:aws:sns:REGION:ACCOUNT:TOPIC) [invalid-value]",
            "alerts.yaml:8:30: notifications.targets[2].address: Invalid e-mail address 'ops'"
                + " (write one address, e.g. ops@example.com) [invalid-value]")
        .noneMatch(problem -> problem.contains("hooks.slack"));
  }

  @Test
  void strictMode_failsOnAnyProblem_listingThemAll() throws IOException {
    writeValid();
    write("corrupt.yaml", "a: [\n");
    write("empty.yaml", "");
    assertThatThrownBy(() -> Workspace.loadStrict(folder))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("2 problems:")
        .hasMessageContaining("corrupt.yaml:")
        .hasMessageContaining("empty.yaml: The file is empty");
  }

  @Test
  void strictMode_passesACleanFolder() throws IOException {
    writeValid();
    assertThat(Workspace.loadStrict(folder).isClean()).isTrue();
  }

  @Test
  void singleFile_canBeLoaded() throws IOException {
    writeValid();
    Workspace workspace = Workspace.load(folder.resolve("team/orders.yaml"));
    assertThat(workspace.useCases())
        .singleElement()
        .extracting(LoadedUseCase::file)
        .isEqualTo("orders.yaml");
  }

  @Test
  void problemInATableWrittenInUpperCase_isLocatedAtThatTable() throws IOException {
    // table ids are kept in lower case: the path says tables[raw.orders], the file Raw.Orders
    write(
        "orders.yaml",
        """
        api-version: lakeplan/v1
        name: orders
        owner: team@example.com
        tables:
          - table: process.other
            columns: [{name: id, type: long}]
          - table: Raw.Orders
            columns: [{name: id, type: long}]
            sort-by: [missing]
        """);

    Workspace workspace = Workspace.load(folder);

    assertThat(workspace.problems())
        .singleElement()
        .satisfies(
            problem -> {
              assertThat(problem.path()).startsWith("tables[raw.orders].sort-by");
              assertThat(problem.location().line()).isEqualTo(9);
            });
  }
}
