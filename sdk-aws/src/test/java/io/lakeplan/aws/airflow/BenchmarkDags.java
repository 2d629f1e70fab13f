package io.lakeplan.aws.airflow;

import io.lakeplan.env.AirflowSettings;
import io.lakeplan.plan.Dag;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates {@code N} Lakeplan use cases (one migration each: copy, create table, convert,
 * reconcile, record watermark — five tasks, like the dag-factory benchmark's DAGs) and renders them
 * as Airflow DAG files, for {@code bench/airflow/lakeplan_bench.sh}. Each DAG carries what the
 * orders example's migration DAG carries: an SNS notifier on task failure and on retry (callbacks
 * in the default arguments), the plan and environment locations, the KMS key and a dataset outlet.
 *
 * <p>Usage: {@code BenchmarkDags USE_CASE_DIR DAG_DIR [N [DAG_FACTORY_DIR]]} (N defaults to 200).
 * With {@code DAG_FACTORY_DIR}, also writes the same DAGs as dag-factory YAML (see {@link
 * DagFactoryYaml}).
 */
public final class BenchmarkDags {
  private BenchmarkDags() {}

  public static void main(String[] args) throws IOException {
    Path useCases = Path.of(args[0]);
    Path dags = Path.of(args[1]);
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    Files.createDirectories(useCases);
    for (int i = 1; i <= count; i++) {
      String name = String.format("bench-%04d", i);
      String table = String.format("t%04d", i);
      String yaml =
          String.join(
              "\n",
              "api-version: lakeplan/v1",
              "name: " + name,
              "owner: data-eng@example.com",
              "tags: [bench, lakeplan]",
              "schedule: \"" + (i % 60) + " " + (i % 24) + " * * *\"",
              "notifications:",
              "  on-failure: true",
              "  on-retry: true",
              "  targets:",
              "    - type: sns",
              "      topic-arn: arn:aws:sns:eu-west-1:123456789012:bench-alerts",
              "migrations:",
              "  - id: history",
              "    source: {path: data/hdfs/" + table + ", format: parquet}",
              "    landing: data/landing/" + table,
              "    target:",
              "      table: raw." + table,
              "      columns:",
              "        - {name: id, type: long, required: true}",
              "        - {name: updated_at, type: timestamp}",
              "    watermark-column: updated_at",
              "    reconcile: full",
              "");
      Files.writeString(useCases.resolve(name + ".yaml"), yaml, StandardCharsets.UTF_8);
    }
    long started = System.nanoTime();
    Workspace workspace = Workspace.load(useCases);
    AirflowSettings target = AirflowSettings.builder().quarantineDag(false).build();
    Rendering rendering = AirflowRenderer.to(target).render(workspace);
    rendering.writeTo(dags);
    if (args.length > 3) {
      // the same DAGs as dag-factory configurations: one YAML plus its loader .py per DAG
      Path dagFactory = Path.of(args[3]);
      Files.createDirectories(dagFactory);
      for (Dag dag : workspace.plan().dags()) {
        String yaml = dag.id() + ".yml";
        Files.writeString(
            dagFactory.resolve(yaml), DagFactoryYaml.of(dag, target), StandardCharsets.UTF_8);
        Files.writeString(
            dagFactory.resolve(dag.id() + ".py"),
            DagFactoryYaml.loader(yaml),
            StandardCharsets.UTF_8);
      }
    }
    if (!workspace.isClean()) {
      throw new IllegalStateException("Generated use cases are invalid:\n" + rendering.report());
    }
    System.err.printf(
        "[bench] loaded, planned and rendered %d use cases into %d DAG files in %d ms%n",
        count, rendering.files().size(), (System.nanoTime() - started) / 1_000_000);
  }
}
