package io.lakeplan.spark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.env.Environments;
import io.lakeplan.model.SecretRef;
import io.lakeplan.plan.Plan;
import io.lakeplan.spark.JobMain;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The migration → ingestion hand-off survives the job, on the emulated AWS: each task is a separate
 * {@link JobMain} process (as on EMR Serverless) with the same environment file (Glue + S3FileIO,
 * watermarks in DynamoDB, the JDBC password in Secrets Manager). The migration's record-watermark
 * job writes the watermark to DynamoDB and ends; the JDBC ingestion job, a new process that can
 * only learn it from DynamoDB, reads strictly after it. Then an ingestion job killed (SIGKILL)
 * between its Iceberg commit and the DynamoDB update is run again: the store is repaired from the
 * table's snapshot summary, and no row is ingested twice.
 *
 * <p>PostgreSQL (embedded) holds order {@code i} updated on day {@code i}; the migrated history
 * holds days 1 to 5 only, with another status, so a row read twice or from before the hand-off
 * shows.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandOffOnAwsIT {

  private static final String MIGRATION = "ho.migration";
  private static final String INGESTION = "ho.ingestion";
  private static final SecretRef PASSWORD = SecretRef.parse("secretsmanager:lakeplan/pg-password");

  private MotoServer moto;
  private AwsLake lake;
  private EmbeddedPostgres postgres;
  private EnvironmentRuntime runtime;
  private SparkSession spark;
  private Path folder;
  private Path spec;
  private Path environmentFile;

  @BeforeAll
  void setUp(MotoServer moto) throws Exception {
    this.moto = moto;
    lake = AwsLake.create(moto);
    postgres = EmbeddedPostgres.builder().start();
    try (SecretsManagerClient secrets =
        SecretsManagerClient.builder()
            .endpointOverride(moto.endpoint())
            .region(Region.of(MotoServer.REGION))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY)))
            .build()) {
      // the embedded server trusts local connections: the value is not a real password
      secrets.createSecret(b -> b.name(PASSWORD.name()).secretString("embedded"));
    }
    Environment environment =
        Environment.builder()
            .from(lake.environment())
            .secretProviders(List.of(SecretRef.Provider.ENV, SecretRef.Provider.SECRETSMANAGER))
            .build();
    runtime = EnvironmentRuntime.open(environment);
    spark = AwsLake.session(runtime);

    folder = TestSpark.newDir("hand-off-on-aws");
    environmentFile = folder.resolve("moto.yaml");
    Files.writeString(environmentFile, Environments.toYaml(environment));
    spark
        .sql(
            "SELECT id AS order_id, 'migrated' AS status, CAST('2024-01-01' AS timestamp)"
                + " + make_interval(0, 0, 0, CAST(id - 1 AS int)) AS updated_at"
                + " FROM range(1, 6)")
        .coalesce(1)
        .write()
        .parquet(folder.resolve("history").toUri().toString());
    pg(
        "CREATE TABLE orders_src (order_id BIGINT, status TEXT, updated_at TIMESTAMP)",
        rows(1, 10, "ingested"));
    spec = folder.resolve("ho.yaml");
    Files.writeString(spec, useCase());

    // the tables, in this JVM: the processes under test are the watermark and ingestion jobs
    Plan plan = Workspace.loadStrict(spec).plan();
    SparkEngine engine = new SparkEngine(spark, folder.toUri(), runtime, Clock.systemUTC());
    for (String task : List.of("hist.create-table", "hist.convert")) {
      var result = engine.run(plan.dag(MIGRATION), plan.dag(MIGRATION).task(task));
      assertThat(result.isSuccess()).as(task + ": " + result).isTrue();
    }
  }

  @AfterAll
  void tearDown() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private String useCase() {
    return String.join(
        "\n",
        "api-version: lakeplan/v1",
        "name: ho",
        "owner: it@example.com",
        "schedule: '@daily'",
        "migrations:",
        "  - id: hist",
        "    source: {path: history, format: parquet}",
        "    target:",
        "      table: raw.orders",
        "      columns:",
        "        - {name: order_id, type: long, required: true}",
        "        - {name: status, type: string}",
        "        - {name: updated_at, type: timestamp}",
        "    watermark-column: updated_at",
        "jdbc-ingestions:",
        "  - id: pg",
        "    connection:",
        "      url: '" + postgres.getJdbcUrl("postgres", "postgres") + "'",
        "      dialect: postgres",
        "      user: postgres",
        "      password: " + PASSWORD,
        "    table: public.orders_src",
        "    incremental-column: updated_at",
        "    target: raw.orders",
        "");
  }

  private static Instant day(int day) {
    return Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * (day - 1));
  }

  private static String rows(int from, int to, String status) {
    return "INSERT INTO orders_src SELECT g, '"
        + status
        + "', TIMESTAMP '2024-01-01 00:00:00' + (g - 1) * INTERVAL '1 day'"
        + " FROM generate_series("
        + from
        + ", "
        + to
        + ") g";
  }

  private void pg(String... statements) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private ChildJob.Outcome job(String dag, String task, String crashPoint) throws Exception {
    return ChildJob.run(
        System.getProperty("java.class.path"),
        List.of(
            JobMain.class.getName(),
            "--spec",
            spec.toString(),
            "--dag",
            dag,
            "--task",
            task,
            "--env",
            environmentFile.toString()),
        moto.childEnvironment(),
        crashPoint,
        folder);
  }

  private List<String> rawOrders() {
    return spark
        .sql("SELECT order_id, status FROM lakeplan.raw.orders ORDER BY order_id, status")
        .collectAsList()
        .stream()
        .map(row -> row.getLong(0) + ":" + row.getString(1))
        .toList();
  }

  private static List<String> expected(int migratedUpTo, int ingestedUpTo) {
    List<String> rows = new java.util.ArrayList<>();
    for (int i = 1; i <= ingestedUpTo; i++) {
      rows.add(i + ":" + (i <= migratedUpTo ? "migrated" : "ingested"));
    }
    return rows;
  }

  private Map<String, String> committedSummary() throws Exception {
    Table table = Spark3Util.loadIcebergTable(spark, "lakeplan.raw.orders");
    table.refresh();
    return table.currentSnapshot().summary();
  }

  @Test
  @Order(1)
  void ingestionJob_startsStrictlyAfterTheWatermarkTheMigrationJobLeftInDynamoDb()
      throws Exception {
    ChildJob.Outcome migration = job(MIGRATION, "hist.watermark", null);
    assertThat(migration.exitCode()).as(migration.summary(MIGRATION + "/hist.watermark")).isZero();
    assertThat(runtime.watermarks().get("raw.orders")).contains(Watermark.of(day(5)));

    ChildJob.Outcome ingestion = job(INGESTION, "pg", null);

    assertThat(ingestion.exitCode()).as(ingestion.summary(INGESTION + "/pg")).isZero();
    assertThat(ingestion.summary(INGESTION + "/pg"))
        .contains("appended 5 rows of (" + Watermark.of(day(5)) + ", " + Watermark.of(day(10)));
    assertThat(rawOrders()).isEqualTo(expected(5, 10));
    assertThat(runtime.watermarks().get("raw.orders")).contains(Watermark.of(day(10)));
  }

  @Test
  @Order(2)
  void ingestionJobKilledBetweenCommitAndDynamoDb_isRepairedByTheNextJob() throws Exception {
    pg(rows(11, 12, "ingested"));

    // the JDBC executor's crash point right after the Iceberg commit, before the DynamoDB update
    ChildJob.Outcome crashed = job(INGESTION, "pg", "pg:after-commit");
    assertThat(crashed.killedAtCrashPoint()).as(String.join("\n", crashed.tail())).isTrue();
    assertThat(crashed.exitCode()).isEqualTo(137);
    assertThat(committedSummary())
        .containsEntry("lakeplan.jdbc.pg.watermark", Watermark.of(day(12)).toString());
    assertThat(runtime.watermarks().get("raw.orders")).contains(Watermark.of(day(10)));

    ChildJob.Outcome rerun = job(INGESTION, "pg", null);

    assertThat(rerun.exitCode()).as(rerun.summary(INGESTION + "/pg")).isZero();
    assertThat(rerun.summary(INGESTION + "/pg")).contains("nothing ingested");
    assertThat(runtime.watermarks().get("raw.orders")).contains(Watermark.of(day(12)));
    assertThat(rawOrders()).isEqualTo(expected(5, 12));
  }
}
