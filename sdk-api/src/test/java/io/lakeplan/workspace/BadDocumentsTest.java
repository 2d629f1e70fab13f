package io.lakeplan.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.lakeplan.TestUseCases;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.validation.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Minimal documents that crashed or stalled loading, found by the generated-input tests of the
 * front end ({@code FrontEndFuzzTest} in sdk-cli) and shrunk. Each sits next to a valid use case:
 * the bad file must give path-addressed problems and nothing else, and the valid one must load.
 */
class BadDocumentsTest {
  @TempDir Path folder;

  /** The problems of {@code bad.yaml} (holding {@code text}), loaded next to a valid use case. */
  private List<String> problemsOf(String text) throws IOException {
    Files.writeString(
        folder.resolve("orders.yaml"), UseCaseCodec.toYaml(TestUseCases.orders().build()));
    Files.writeString(folder.resolve("bad.yaml"), text);
    Workspace workspace = Workspace.load(folder);
    assertThat(workspace.useCases()).extracting(LoadedUseCase::file).containsExactly("orders.yaml");
    return workspace.problems().stream().map(Problem::toString).toList();
  }

  @Test
  void truncatedAfterApiVersion_isMissingNameAndOwner() throws IOException {
    // was: NullPointerException in Workspace (problems matched to files by a null use-case name)
    assertThat(problemsOf("api-version: lakeplan/v1\n"))
        .containsExactly(
            "bad.yaml:1:1: name: Missing use-case name; add it [required]",
            "bad.yaml:1:1: owner: Missing owner (a team address); add it [required]");
  }

  @Test
  void migrationWithoutTarget_isMissingItsTarget() throws IOException {
    // was: NullPointerException in PlanCompiler's table placement, laid out by WorkspaceRules
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: history
        owner: team@example.com
        tables:
          - table: process.history
            columns: [{name: id, type: long}]
        migrations:
          - id: orders-history
            source: {path: data/hdfs/orders, format: parquet}
                """))
        .containsExactly(
            "bad.yaml:8:5: migrations[orders-history].target: Missing target table definition;"
                + " add it [required]");
  }

  @Test
  void tableWithoutName_isMissingItsName() throws IOException {
    // was: NullPointerException in PlanCompiler's table placement (Set.contains(null))
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: ingest
        owner: team@example.com
        tables:
          - table:
        jdbc-ingestions:
          - id: extract
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.orders
            target: raw.orders_copy
                """))
        .containsExactly(
            "bad.yaml:5:11: tables[0].table: Missing table; add it [required]",
            "bad.yaml:5:5: tables[0].columns: Missing columns; declare at least one column with"
                + " name and type [required]");
  }

  @Test
  void stepWithoutId_isMissingItsId() throws IOException {
    // was: NullPointerException in PlanCompiler (a null task id as a TreeMap key)
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: upsert
        owner: team@example.com
        merges:
          - id:
            target: process.orders
            source: raw.orders
            keys: [order_id]
                """))
        .containsExactly("bad.yaml:5:8: merges[0].id: Missing id; add it [required]");
  }

  @Test
  void nullDependency_isAnEmptyItem() throws IOException {
    // was: NullPointerException in PlanCompiler (a null dependency in a TreeSet)
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: reports
        owner: team@example.com
        dependencies:
          - null
        spark-jobs:
          - id: report
            entrypoint: s3://jobs/report.py
                """))
        .containsExactly(
            "bad.yaml:5:5: dependencies[0]: Empty item in dependencies; write the dependency or"
                + " remove the item [required]");
  }

  @Test
  void ingestionsWithoutTarget_areMissingTheirTargets() throws IOException {
    // was: NullPointerException in TaskSpec.IngestJdbc.writes and
    // KafkaIngestion.effectiveDeadLetterTable
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: ingest
        owner: team@example.com
        tables:
          - table: raw.extra
            columns: [{name: id, type: long}]
        jdbc-ingestions:
          - id: extract
            connection: {url: "jdbc:postgresql://db:5432/shop"}
            table: public.orders
        kafka-ingestions:
          - id: stream
            bootstrap-servers: kafka:9092
            topics: [orders]
            checkpoint: s3://bucket/checkpoints/orders
            columns: [{name: id, type: long}]
                """))
        .containsExactly(
            "bad.yaml:8:5: jdbc-ingestions[extract].target: Missing target table; add it"
                + " [required]",
            "bad.yaml:12:5: kafka-ingestions[stream].target: Missing target table; add it"
                + " [required]");
  }

  @Test
  void emptyListItems_areReportedWhereTheyAre() throws IOException {
    // was: NullPointerException in UseCaseRules (step ids of null steps, null columns); an empty
    // maintenance task passed silently
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: empty-items
        owner: team@example.com
        tables:
          - table: raw.extra
            columns:
              - {name: id, type: long}
              -
        migrations:
          -
        spark-jobs:
          -
        maintenance:
          - id: tidy
            table: raw.extra
            tasks:
              -
                """))
        .containsExactly(
            "bad.yaml:8:8: tables[raw.extra].columns[1]: Empty item in columns; write the column"
                + " or remove the item [required]",
            "bad.yaml:10:4: migrations[0]: Empty item in migrations; write the migration or"
                + " remove the item [required]",
            "bad.yaml:17:8: maintenance[tidy].tasks[0]: Empty item in tasks; write the maintenance"
                + " task or remove the item [required]",
            "bad.yaml:12:4: spark-jobs[0]: Empty item in spark-jobs; write the Spark job or remove"
                + " the item [required]");
  }

  @Test
  void columnWithoutName_isMissingItsName() throws IOException {
    // was: NullPointerException in TableDefinition.column (partition and sort columns looked up)
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: unnamed-column
        owner: team@example.com
        tables:
          - table: raw.extra
            columns:
              - {name: ~, type: timestamp}
              - {name: updated_at, type: timestamp}
            partition-by: ["day(updated_at)"]
            sort-by: [updated_at]
                """))
        .containsExactly(
            "bad.yaml:7:16: tables[raw.extra].columns[0].name: Missing column name; add it"
                + " [required]");
  }

  @Test
  void partitionAndWatermarkColumnWithoutType_isMissingItsType() throws IOException {
    // was: NullPointerException in UseCaseRules (the partition transform checked the type)
    assertThat(
            problemsOf(
                """
        api-version: lakeplan/v1
        name: untyped-column
        owner: team@example.com
        migrations:
          - id: history
            source: {path: data/hdfs/orders, format: parquet}
            target:
              table: raw.history
              columns:
                - name: updated_at
              partition-by: ["day(updated_at)"]
            watermark-column: updated_at
                """))
        .containsExactly(
            "bad.yaml:10:11: migrations[history].target.columns[updated_at].type: Missing column"
                + " type; add it [required]");
  }

  @Test
  void legacyBlankDependsOn_isABlankName() throws IOException {
    // was: IllegalArgumentException from Dependency.onDag("") in the legacy importer
    assertThat(
            problemsOf(
                """
        owner: team@example.com
        dags:
          - name: report
            type: transformation
            depends_on: [""]
            spark: {entrypoint: "s3://jobs/report.py"}
                """))
        .containsExactly(
            "bad.yaml:5:18: dags[report].depends_on[0]: Blank DAG name in depends_on; write the"
                + " name of the DAG to wait for [blank]");
  }

  @Test
  void brokenCopyOfAValidUseCase_leavesTheValidOneLoaded() throws IOException {
    // was: both left out: the copy (blank owner) shared the valid one's name and tables, and the
    // cross-file checks reported the clash on both
    String copy =
        UseCaseCodec.toYaml(TestUseCases.orders().build())
            .replace("owner: sales-data@example.com", "owner: \"\"");
    assertThat(copy).contains("owner: \"\"");

    assertThat(problemsOf(copy))
        .singleElement()
        .asString()
        .endsWith("owner: Blank owner (a team address); write a value [blank]");
  }

  @Test
  void hugeTopicPattern_isRefusedWithoutCompilingIt() throws IOException {
    // was: a minute to load a 100 kB file (compiling the pattern is quadratic in its length)
    String document =
        """
        api-version: lakeplan/v1
        name: stream
        owner: team@example.com
        kafka-ingestions:
          - id: events
            bootstrap-servers: kafka:9092
            topic-pattern: %s
            checkpoint: s3://bucket/checkpoints/events
            target: raw.events
            starting-position: earliest
            columns: [{name: id, type: long}]
        """
            .formatted("x".repeat(100_000));

    List<String> problems =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> problemsOf(document));
    assertThat(problems)
        .containsExactly(
            "bad.yaml:7:20: kafka-ingestions[events].topic-pattern: Invalid topic-pattern: 100000"
                + " characters (at most 1000; list the topics instead) [out-of-range]");
  }

  @Test
  void problemPerItemOfALongList_isLocatedInLinearTime() throws IOException {
    // was: 24 s for 33,333 problems: each was located by scanning the list from its start; the
    // 65,000 here (a document just under the size limit) took about a minute
    int items = 65_000;
    StringBuilder document =
        new StringBuilder(
            """
            api-version: lakeplan/v1
            name: partitions
            owner: team@example.com
            tables:
              - table: raw.events
                columns: [{name: id, type: long}]
                partition-by:
            """);
    for (int i = 0; i < items; i++) {
      document.append("      - day(m)\n");
    }

    List<String> problems =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> problemsOf(document.toString()));
    assertThat(problems).hasSize(items);
    assertThat(problems.get(items - 1))
        .startsWith(
            "bad.yaml:" + (7 + items) + ":9: tables[raw.events].partition-by[" + (items - 1));
  }
}
