package io.lakeplan.examples.workspace;

import static io.lakeplan.testkit.PipelineAssertions.assertThat;
import static io.lakeplan.testkit.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.cli.LakeplanCli;
import io.lakeplan.model.Merge;
import io.lakeplan.model.TableId;
import io.lakeplan.model.UseCase;
import io.lakeplan.plan.DagDependency;
import io.lakeplan.plan.Plan;
import io.lakeplan.run.DagRun;
import io.lakeplan.testkit.PipelineTestDriver;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Planner;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Java-defined workspace example ({@code examples/shop-workspace}): its YAML files are the Java
 * use cases, the planner links the use cases' DAGs through the tables they share, the graph in its
 * README is what {@code lakeplan graph} draws today, and data flows from one use case to the next
 * in memory.
 */
class ShopWorkspaceExampleTest {
  private static final Path FOLDER = Path.of("shop-workspace");
  private static final Path USE_CASES = FOLDER.resolve("use-cases");

  @Test
  void yamlFiles_equalTheJavaUseCases() {
    Map<String, UseCase> fromYaml = new TreeMap<>();
    for (LoadedUseCase loaded : Workspace.loadStrict(USE_CASES).useCases()) {
      fromYaml.put(loaded.useCase().name(), loaded.useCase());
    }
    Map<String, UseCase> fromJava = new TreeMap<>();
    ShopWorkspace.useCases().forEach(useCase -> fromJava.put(useCase.name(), useCase));

    assertThat(fromYaml).isEqualTo(fromJava);
  }

  @Test
  void plan_makesEachDagWaitForTheDagsWritingTheTablesItReads() {
    Plan plan = Planner.plan(ShopWorkspace.useCases());

    // expected from the use cases: which DAG writes each table, which DAG reads which table
    Map<TableId, String> writers = new TreeMap<>(Comparator.comparing(TableId::toString));
    for (UseCase useCase : ShopWorkspace.useCases()) {
      useCase.jdbcIngestions().forEach(j -> writers.put(j.target(), useCase.name() + ".ingestion"));
      useCase
          .kafkaIngestions()
          .forEach(k -> writers.put(k.target(), useCase.name() + ".ingestion"));
      useCase.merges().forEach(m -> writers.put(m.target(), useCase.name() + ".transformation"));
    }
    Set<String> crossUseCase = new TreeSet<>();
    for (UseCase useCase : ShopWorkspace.useCases()) {
      String dag = useCase.name() + ".transformation";
      Set<String> expected = new TreeSet<>();
      for (Merge merge : useCase.merges()) {
        expected.add(writers.get(merge.source()));
      }
      assertThat(plan.dag(dag).upstream())
          .as(dag)
          .filteredOn(upstream -> upstream.reason() == DagDependency.Reason.LINEAGE)
          .extracting(DagDependency::dag)
          .containsExactlyInAnyOrderElementsOf(expected);
      expected.stream()
          .filter(upstream -> !upstream.startsWith(useCase.name() + "."))
          .forEach(upstream -> crossUseCase.add(upstream + " -> " + dag));
    }
    // the loyalty DAG waits for both other use cases
    assertThat(crossUseCase)
        .containsExactlyInAnyOrder(
            "customers.transformation -> loyalty.transformation",
            "shop-orders.transformation -> loyalty.transformation");
  }

  @Test
  void readmeGraph_isWhatLakeplanGraphDrawsToday() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine command = LakeplanCli.commandLine();
    command.setOut(new PrintWriter(out));
    command.setErr(new PrintWriter(err));

    int exitCode = command.execute("graph", USE_CASES.toString());

    assertThat(exitCode).as("exit code; stderr: %s", err).isZero();
    String readme = Files.readString(FOLDER.resolve("README.md"), StandardCharsets.UTF_8);
    Matcher mermaid = Pattern.compile("```mermaid\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(mermaid.find()).as("a ```mermaid block in %s/README.md", FOLDER).isTrue();
    assertThat(mermaid.group(1))
        .as(
            "the graph in %s/README.md (replace it with the output of bin/lakeplan graph %s)",
            FOLDER, USE_CASES)
        .isEqualTo(out.toString());
  }

  @Test
  void customersAndOrders_reachTheLoyaltyTables_inOneRunOfEveryDag() {
    try (PipelineTestDriver driver =
        PipelineTestDriver.builder()
            .useCases(USE_CASES)
            .startTime(Instant.parse("2026-03-03T00:00:00Z"))
            .build()) {
      List<Map<String, Object>> customers =
          List.of(
              row(
                  "customer_id",
                  1,
                  "name",
                  "Ada",
                  "tier",
                  "gold",
                  "updated_at",
                  LocalDateTime.parse("2026-03-01T08:00:00")),
              row(
                  "customer_id",
                  2,
                  "name",
                  "Linus",
                  "tier",
                  "silver",
                  "updated_at",
                  LocalDateTime.parse("2026-03-01T09:00:00")),
              row(
                  "customer_id",
                  1,
                  "name",
                  "Ada",
                  "tier",
                  "platinum",
                  "updated_at",
                  LocalDateTime.parse("2026-03-02T08:00:00")));
      // the CRM keeps each customer's latest version
      Map<Object, Map<String, Object>> crm = new TreeMap<>();
      customers.forEach(customer -> crm.put(customer.get("customer_id"), customer));
      // a database returns times as times: the rows carry LocalDateTime values
      driver.sourceTable("public.customers").insert(List.copyOf(crm.values()));
      List<Map<String, Object>> orders =
          List.of(
              row(
                  "order_id",
                  10,
                  "customer_id",
                  1,
                  "amount",
                  "30.00",
                  "updated_at",
                  "2026-03-02T10:00:00"),
              row(
                  "order_id",
                  11,
                  "customer_id",
                  2,
                  "amount",
                  "12.50",
                  "updated_at",
                  "2026-03-02T11:00:00"),
              row(
                  "order_id",
                  10,
                  "customer_id",
                  1,
                  "amount",
                  "35.00",
                  "updated_at",
                  "2026-03-02T12:00:00"));
      orders.forEach(order -> driver.inputTopic("shop.orders").sendJson(order));

      List<DagRun> runs = driver.runAll();

      runs.forEach(run -> assertThat(run).succeeded());
      // the loyalty DAG ran after both DAGs it waits for
      List<String> ran = runs.stream().map(DagRun::dagId).toList();
      assertThat(ran.indexOf("loyalty.transformation"))
          .isGreaterThan(ran.indexOf("customers.transformation"))
          .isGreaterThan(ran.indexOf("shop-orders.transformation"));

      assertThat(driver.table("analytics.loyalty_members"))
          .containsExactlyInAnyOrderElementsOf(List.copyOf(crm.values()));
      Map<Object, Map<String, Object>> latestOrders = new TreeMap<>();
      orders.forEach(order -> latestOrders.put(order.get("order_id"), order));
      assertThat(driver.table("analytics.loyalty_orders"))
          .containsExactlyInAnyOrderElementsOf(List.copyOf(latestOrders.values()));
    }
  }
}
