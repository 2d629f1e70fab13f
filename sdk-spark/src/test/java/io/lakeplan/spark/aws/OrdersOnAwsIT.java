package io.lakeplan.spark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.model.MaintenanceTask;
import io.lakeplan.model.TableId;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The orders example ({@code examples/orders}) end to end on the emulated AWS: every task of its
 * plan on the Spark engine with the AWS environment — Glue catalog + S3FileIO on an S3 warehouse
 * with SSE-KMS, the landing folder on S3 (S3A), the watermark in DynamoDB — in the order the DAGs
 * run them: copy, create tables (Glue databases per layer), convert, reconcile, watermark, merge,
 * then expiry, metadata removal, orphan removal (listing S3) and compaction.
 *
 * <p>The use case is the example's file with one change: its landing folder is {@code
 * s3://lake-landing/orders}. At the example's size process.orders holds one file per bucket, so its
 * compaction finds nothing to do; compaction on Glue is shown on a table of small appends. The
 * engine's clock is 30 days ahead, so the retention cut-offs of maintenance fall after every file
 * written here.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrdersOnAwsIT {

  private static final String LANDING = "s3://" + AwsLake.LANDING_BUCKET + "/orders";
  private static final Clock LATER =
      Clock.fixed(Instant.now().plus(Duration.ofDays(30)), ZoneOffset.UTC);

  private AwsLake lake;
  private EnvironmentRuntime runtime;
  private SparkSession spark;
  private Path source;
  private SparkEngine engine;
  private final Map<String, TaskResult> results = new LinkedHashMap<>();

  @BeforeAll
  void runTheOrdersExample(MotoServer moto) throws Exception {
    lake = AwsLake.create(moto);
    runtime = EnvironmentRuntime.open(lake.environment());
    spark = AwsLake.session(runtime);

    Path example = Path.of(System.getProperty("lakeplan.root"), "examples", "orders");
    Path folder = TestSpark.newDir("orders-on-aws");
    Files.writeString(
        folder.resolve("orders.yaml"),
        Files.readString(example.resolve("orders.yaml"))
            .replace("landing: data/landing/orders", "landing: " + LANDING));
    source = example.resolve("data/hdfs/orders");
    Files.createDirectories(folder.resolve("data/hdfs"));
    Files.createSymbolicLink(folder.resolve("data/hdfs/orders"), source);
    Plan plan = Workspace.loadStrict(folder.resolve("orders.yaml")).plan();

    engine = new SparkEngine(spark, folder.toUri(), runtime, LATER);
    for (Dag dag : plan.dagsInOrder()) {
      for (Task task : dag.tasksInOrder()) {
        if (task.id().equals("raw-orders.remove-orphans")) {
          plantOrphan();
        }
        TaskResult result = engine.run(dag, task);
        assertThat(result.isSuccess()).as(dag.id() + "/" + task.id() + ": " + result).isTrue();
        results.put(task.id(), result);
      }
    }
  }

  @AfterAll
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  /** A file in the data folder of raw.orders that no snapshot references. */
  private String planted;

  private void plantOrphan() throws Exception {
    String location = icebergTable("raw.orders").location() + "/data/orphan-planted.parquet";
    String[] bucketAndKey = AwsLake.bucketAndKey(location);
    try (S3Client s3 = lake.s3()) {
      s3.putObject(
          b -> b.bucket(bucketAndKey[0]).key(bucketAndKey[1]), RequestBody.fromString("x"));
    }
    planted = location;
  }

  private Table icebergTable(String name) throws Exception {
    Table table = Spark3Util.loadIcebergTable(spark, "lakeplan." + name);
    table.refresh();
    return table;
  }

  @Test
  void everyTaskOfThePlanRan_inDagOrder() {
    assertThat(results.keySet())
        .containsSubsequence(
            "orders-history.copy",
            "orders-history.convert",
            "orders-history.reconcile",
            "orders-history.watermark",
            "orders-upsert")
        .contains(
            "raw-orders.expire-snapshots",
            "raw-orders.remove-old-metadata",
            "raw-orders.remove-orphans",
            "process-orders.compact",
            "process-orders.hard-delete");
    assertThat(results.get("orders-history.reconcile").summary())
        .startsWith("full reconciliation of raw.orders passed");
  }

  @Test
  void glueHoldsOneDatabasePerLayer_andEachTablesCurrentMetadataLocation() throws Exception {
    try (GlueClient glue = lake.glue()) {
      assertThat(glue.getDatabases(b -> b.maxResults(100)).databaseList())
          .extracting(database -> database.name())
          .containsExactlyInAnyOrder("raw", "process");
      for (String name : List.of("raw.orders", "process.orders")) {
        String[] parts = name.split("\\.");
        Map<String, String> parameters =
            glue.getTable(b -> b.databaseName(parts[0]).name(parts[1])).table().parameters();
        String current =
            ((HasTableOperations) icebergTable(name)).operations().current().metadataFileLocation();
        assertThat(parameters)
            .containsEntry("table_type", "ICEBERG")
            .containsEntry("metadata_location", current);
        assertThat(current)
            .startsWith(
                "s3://"
                    + AwsLake.WAREHOUSE_BUCKET
                    + "/warehouse/"
                    + parts[0]
                    + ".db/"
                    + parts[1]
                    + "/metadata/");
      }
    }
  }

  @Test
  void everyObjectWritten_isSseKmsWithTheEnvironmentsKey() {
    List<S3Object> warehouse = lake.objects(AwsLake.WAREHOUSE_BUCKET, "warehouse/");
    List<S3Object> landing = lake.objects(AwsLake.LANDING_BUCKET, "orders/");
    assertThat(warehouse).anyMatch(object -> object.key().contains("/data/"));
    assertThat(warehouse).anyMatch(object -> object.key().endsWith(".metadata.json"));
    assertThat(warehouse).anyMatch(object -> object.key().endsWith(".avro"));
    assertThat(landing).anyMatch(object -> object.key().endsWith(".parquet"));

    List<String> unencrypted = new ArrayList<>();
    check(AwsLake.WAREHOUSE_BUCKET, warehouse, unencrypted);
    check(AwsLake.LANDING_BUCKET, landing, unencrypted);
    assertThat(unencrypted).isEmpty();
  }

  private void check(String bucket, List<S3Object> objects, List<String> unencrypted) {
    String orphanKey = planted == null ? "" : AwsLake.bucketAndKey(planted)[1];
    for (S3Object object : objects) {
      if (object.key().equals(orphanKey)) {
        continue; // written by the test itself
      }
      HeadObjectResponse head = lake.head(bucket, object.key());
      if (head.serverSideEncryption() != ServerSideEncryption.AWS_KMS
          || !lake.kmsKey().equals(head.ssekmsKeyId())) {
        unencrypted.add(
            bucket
                + "/"
                + object.key()
                + " "
                + head.serverSideEncryptionAsString()
                + " "
                + head.ssekmsKeyId());
      }
    }
  }

  @Test
  void landingHoldsTheSourceFiles_andRawOrdersEveryRowOfThem() throws Exception {
    List<String> sourceFiles;
    try (Stream<Path> files = Files.list(source)) {
      sourceFiles =
          files.map(path -> path.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
    }
    List<String> landed =
        lake.objects(AwsLake.LANDING_BUCKET, "orders/").stream()
            .map(object -> object.key().substring("orders/".length()))
            .toList();
    // The copy's inventory (path, bytes, SHA-256 per file) lands beside the files it lists; Spark
    // and Iceberg skip names starting with '_', so it is never read as data.
    assertThat(landed).contains("_lakeplan_copied");
    assertThat(landed.stream().filter(name -> !name.startsWith("_")))
        .containsExactlyInAnyOrderElementsOf(sourceFiles);

    long sourceRows = spark.read().parquet(source.toUri().toString()).count();
    assertThat(spark.table("lakeplan.raw.orders").count()).isEqualTo(sourceRows);
  }

  @Test
  void watermarkIsInDynamoDb_andEqualsTheNewestSourceChange() {
    Row newest =
        spark
            .read()
            .parquet(source.toUri().toString())
            .selectExpr("CAST(max(updated_at) AS timestamp)")
            .first();
    Watermark expected = Watermark.of(newest.getTimestamp(0).toInstant());

    assertThat(runtime.watermarks().get("raw.orders")).contains(expected);
    try (DynamoDbClient dynamoDb = lake.dynamoDb()) {
      var item =
          dynamoDb
              .getItem(
                  b ->
                      b.tableName(AwsLake.WATERMARK_TABLE)
                          .key(
                              Map.of(
                                  "key",
                                  software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                      .fromS("raw.orders")))
                          .consistentRead(true))
              .item();
      assertThat(item.get("value").s()).isEqualTo(expected.value());
    }
  }

  @Test
  void processOrders_holdsTheLatestChangeOfEveryOrderNotDeleted() {
    spark.read().parquet(source.toUri().toString()).createOrReplaceTempView("orders_history");
    List<String> expected =
        spark
            .sql(
                "SELECT order_id, status, amount, updated_at FROM (SELECT *, row_number() OVER"
                    + " (PARTITION BY order_id ORDER BY updated_at DESC) AS n FROM orders_history)"
                    + " WHERE n = 1 AND op <> 'D' ORDER BY order_id")
            .collectAsList()
            .stream()
            .map(Row::toString)
            .toList();
    List<String> actual =
        spark
            .sql(
                "SELECT order_id, status, amount, updated_at FROM lakeplan.process.orders"
                    + " ORDER BY order_id")
            .collectAsList()
            .stream()
            .map(Row::toString)
            .toList();

    assertThat(actual).hasSize(expected.size()).isEqualTo(expected);
  }

  @Test
  void orphanRemoval_listsS3AndFindsExactlyThePlantedFile_dryRunKeepsIt() {
    assertThat(results.get("raw-orders.remove-orphans").summary())
        .startsWith("found 1 orphan file(s)")
        .endsWith("(dry run: nothing deleted)");
    String[] bucketAndKey = AwsLake.bucketAndKey(planted);
    assertThat(lake.objects(bucketAndKey[0], bucketAndKey[1])).hasSize(1);
  }

  @Test
  void compaction_onGlue_rewritesSmallAppendsIntoOneFile_andFindsNothingInProcessOrders() {
    assertThat(results.get("process-orders.compact").summary())
        .isEqualTo("nothing to compact in process.orders");
    spark.sql("CREATE TABLE lakeplan.process.small_appends (id bigint) USING iceberg");
    for (int i = 0; i < 3; i++) {
      spark.sql("INSERT INTO lakeplan.process.small_appends VALUES (" + i + ")");
    }
    Dag dag = Dag.builder().id("it.maintenance").useCase("it").build();

    TaskResult compact =
        engine.run(
            dag,
            Task.of(
                "small-appends.compact",
                TaskSpec.Maintain.of(
                    TableId.of("process", "small_appends"),
                    MaintenanceTask.Compact.builder().minInputFiles(2).build())));

    assertThat(compact.summary()).isEqualTo("rewrote 3 data files into 1 in process.small_appends");
    assertThat(spark.table("lakeplan.process.small_appends").count()).isEqualTo(3);
  }
}
