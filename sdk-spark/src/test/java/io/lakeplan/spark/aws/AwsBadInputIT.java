package io.lakeplan.spark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.model.FileFormat;
import io.lakeplan.model.Migration;
import io.lakeplan.model.TableDefinition;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Task;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.TaskResult;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Database;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Bad input on the emulated AWS: a wrong endpoint or region, a missing Glue database or table, a
 * missing warehouse or landing bucket, access denied, throttling. Each fails its task with one line
 * naming the resource and what to check, and leaves nothing a re-run cannot finish: every case but
 * the unreachable endpoint runs the same task again once the cause is fixed and checks the rows.
 *
 * <p>What proves what: moto (the emulator) produces the missing resources, the wrong region (its
 * Glue catalogs are per region), access denied by a bucket policy (moto evaluates a bucket policy's
 * Deny on object calls, answering 403 with an empty body) and access denied by IAM (moto's IAM
 * enforcement, turned on through {@code /moto-api/reset-auth}: the task runs as an IAM user whose
 * policy denies {@code glue:CreateTable}; moto answers HTTP 403 in IAM's error shape rather than
 * Glue's {@code AccessDeniedException} body, so the description rests on the status code, which
 * both shapes share). moto cannot throttle: throttling is proven against {@link AwsErrorStub}, a
 * local HTTP server on 127.0.0.1 answering every call with Glue's {@code ThrottlingException} error
 * shape, not by moto. The unreachable endpoint is a closed local port.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsBadInputIT {

  private static final Dag DAG = Dag.builder().id("bad.dag").useCase("bad").build();
  private static final String S3_PERMISSIONS =
      "s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket";

  private AwsLake lake;
  private Path folder;

  @BeforeAll
  void setUp(MotoServer moto) throws IOException {
    lake = AwsLake.create(moto);
    folder = TestSpark.newDir("aws-bad-input");
    Files.createDirectories(folder.resolve("history"));
    Files.writeString(folder.resolve("history/part-0.csv"), "order_id\n1\n2\n");
  }

  private static TableDefinition table(String name) {
    return TableDefinition.builder().table(name).requiredColumn("order_id", "long").build();
  }

  /** A migration of the two-row history folder into {@code target}, through {@code landing}. */
  private static Migration migration(String id, String target, String landing) {
    Migration.Builder builder =
        Migration.builder().id(id).fromPath("history", FileFormat.CSV).target(table(target));
    return landing == null ? builder.build() : builder.landing(landing).build();
  }

  private TaskResult run(Environment environment, TaskSpec spec) {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      SparkEngine engine =
          new SparkEngine(AwsLake.session(runtime), folder.toUri(), runtime, Clock.systemUTC());
      return engine.run(DAG, Task.of("bad.task", spec));
    }
  }

  /** The ids the history folder holds: what every convert must load. */
  private List<Long> historyIds() throws IOException {
    return Files.readAllLines(folder.resolve("history/part-0.csv")).stream()
        .skip(1)
        .map(Long::valueOf)
        .sorted()
        .collect(Collectors.toList());
  }

  /**
   * Runs the create-table (a no-op when the table exists) and convert tasks of {@code migration}
   * and checks that its target holds every row of the history folder: what a re-run after the fix
   * must reach.
   */
  private void assertCreatesAndConverts(Environment environment, Migration migration)
      throws IOException {
    for (TaskSpec spec :
        List.of(TaskSpec.CreateTable.of(migration.target()), TaskSpec.Convert.of(migration))) {
      TaskResult result = run(environment, spec);
      assertThat(result.isSuccess()).as(result.toString()).isTrue();
    }
    assertThat(AwsLake.orderIds(environment, migration.target().table().toString()))
        .isEqualTo(historyIds());
  }

  /**
   * Runs {@code spec} as the IAM user of {@code key}, with moto enforcing IAM: the key reaches the
   * job through the default credential chain (system properties), as a job role's does on EMR.
   */
  private TaskResult runAs(AccessKey key, TaskSpec spec) {
    String accessKeyId = System.getProperty("aws.accessKeyId");
    String secretAccessKey = System.getProperty("aws.secretAccessKey");
    try {
      System.setProperty("aws.accessKeyId", key.accessKeyId());
      System.setProperty("aws.secretAccessKey", key.secretAccessKey());
      lake.moto().enforceIam(true);
      return run(lake.environment(), spec);
    } finally {
      lake.moto().enforceIam(false);
      System.setProperty("aws.accessKeyId", accessKeyId);
      System.setProperty("aws.secretAccessKey", secretAccessKey);
    }
  }

  private boolean glueTableExists(String database, String name) {
    try (GlueClient glue = lake.glue()) {
      glue.getTable(b -> b.databaseName(database).name(name));
      return true;
    } catch (EntityNotFoundException e) {
      return false;
    }
  }

  private static void assertOneLine(TaskResult result) {
    assertThat(result.status()).as(result.toString()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).doesNotContain("\n").doesNotContain("\r");
  }

  /** {@code failed} failed with exactly {@code summary}, and Glue has no {@code table}. */
  private void assertFailedLeavingNoTable(TaskResult failed, String summary, String table) {
    assertOneLine(failed);
    assertThat(failed.summary()).isEqualTo(summary);
    String[] parts = table.split("\\.");
    assertThat(glueTableExists(parts[0], parts[1])).as("Glue table " + table).isFalse();
  }

  private static String missingTable(String table, String region) {
    return "Table "
        + table
        + " does not exist in GlueCatalog (region "
        + region
        + ", warehouse s3://"
        + AwsLake.WAREHOUSE_BUCKET
        + "/warehouse): run its create-table task first; if it ran, check the environment's"
        + " region, endpoint-override and warehouse";
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void wrongEndpoint_failsOnOneLineNamingGlueTheEndpointAndWhatToCheck() throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();

    TaskResult result =
        run(
            lake.environment(endpoint, "s3://" + AwsLake.WAREHOUSE_BUCKET + "/warehouse"),
            TaskSpec.CreateTable.of(table("raw.unreachable")));

    assertOneLine(result);
    assertThat(result.summary())
        .startsWith("Cannot reach Glue Data Catalog (warehouse s3://lake/warehouse) (region ")
        .contains(" at " + endpoint + ": check the region and endpoint-override (");
  }

  @Test
  void wrongRegion_failsNamingTheTableAndTheRegion_andTheRightRegionConvertsEveryRow()
      throws IOException {
    assertThat(run(lake.environment(), TaskSpec.CreateTable.of(table("raw.regional"))).isSuccess())
        .isTrue();
    Environment elsewhere =
        Environment.builder().from(lake.environment()).region("eu-west-1").build();
    TaskSpec convert = TaskSpec.Convert.of(migration("regional", "raw.regional", null));

    TaskResult failed = run(elsewhere, convert);

    assertOneLine(failed);
    assertThat(failed.summary()).isEqualTo(missingTable("raw.regional", "eu-west-1"));

    assertCreatesAndConverts(lake.environment(), migration("regional", "raw.regional", null));
  }

  @Test
  void missingGlueDatabaseAndTable_failTheConvert_andAfterCreateTableItConvertsEveryRow()
      throws IOException {
    TaskSpec convert = TaskSpec.Convert.of(migration("no-table", "staging.never_created", null));

    TaskResult failed = run(lake.environment(), convert);

    assertOneLine(failed);
    assertThat(failed.summary())
        .isEqualTo(missingTable("staging.never_created", MotoServer.REGION));
    try (GlueClient glue = lake.glue()) {
      assertThat(glue.getDatabases(b -> b.maxResults(100)).databaseList())
          .extracting(Database::name)
          .as("the failed convert created no database")
          .doesNotContain("staging");
    }

    assertCreatesAndConverts(
        lake.environment(), migration("no-table", "staging.never_created", null));
  }

  @Test
  void missingWarehouseBucket_failsNamingTheBucket_andARerunAfterCreatingItFinishes()
      throws IOException {
    Environment environment =
        lake.environment(lake.moto().endpoint().toString(), "s3://late-bucket/warehouse");

    TaskResult failed = run(environment, TaskSpec.CreateTable.of(table("late.orders")));

    assertFailedLeavingNoTable(
        failed,
        "S3 bucket late-bucket (region "
            + MotoServer.REGION
            + ") does not exist: create it, or fix catalog.warehouse or the use case's"
            + " landing location (and check the region and endpoint-override)",
        "late.orders");

    try (S3Client s3 = lake.s3()) {
      s3.createBucket(b -> b.bucket("late-bucket"));
    }
    assertCreatesAndConverts(environment, migration("late", "late.orders", null));
  }

  @Test
  void missingLandingBucket_failsTheCopyNamingTheBucket_andARerunAfterCreatingItLandsEveryRow()
      throws IOException {
    Migration migration = migration("to-nowhere", "raw.landed", "s3://no-landing-bucket/orders");

    TaskResult failed = run(lake.environment(), TaskSpec.Copy.of(migration));

    assertOneLine(failed);
    assertThat(failed.summary())
        .startsWith(
            "S3 bucket no-landing-bucket (region " + MotoServer.REGION + ") does not exist:");

    try (S3Client s3 = lake.s3()) {
      s3.createBucket(b -> b.bucket("no-landing-bucket"));
    }
    TaskResult copied = run(lake.environment(), TaskSpec.Copy.of(migration));
    assertThat(copied.isSuccess()).as(copied.toString()).isTrue();
    assertThat(lake.objects("no-landing-bucket", "orders/"))
        .anyMatch(object -> object.key().endsWith(".csv"));
    assertCreatesAndConverts(lake.environment(), migration);
  }

  @Test
  void bucketPolicyDenyingWrites_failsNamingTheBucketAndThePermissions_andARerunAfterLiftingIt()
      throws IOException {
    try (S3Client s3 = lake.s3()) {
      s3.createBucket(b -> b.bucket("locked-lake"));
      s3.putBucketPolicy(
          b ->
              b.bucket("locked-lake")
                  .policy(
                      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                          + "\"Principal\":\"*\",\"Action\":\"s3:PutObject\","
                          + "\"Resource\":\"arn:aws:s3:::locked-lake/*\"}]}"));
    }
    Environment environment =
        lake.environment(lake.moto().endpoint().toString(), "s3://locked-lake/warehouse");

    TaskResult failed = run(environment, TaskSpec.CreateTable.of(table("locked.orders")));

    assertFailedLeavingNoTable(
        failed,
        "Access denied to S3 bucket locked-lake (region "
            + MotoServer.REGION
            + "): check that the job role allows "
            + S3_PERMISSIONS
            + " on it (and kms:Decrypt/kms:GenerateDataKey on its KMS key)",
        "locked.orders");

    try (S3Client s3 = lake.s3()) {
      s3.deleteBucketPolicy(b -> b.bucket("locked-lake"));
    }
    assertCreatesAndConverts(environment, migration("locked", "locked.orders", null));
  }

  @Test
  void jobRoleWithoutGlueCreateTable_failsNamingGlueAndThePermissions_andARerunWhenAllowed()
      throws IOException {
    String user = "lakeplan-job";
    AccessKey key;
    try (IamClient iam = lake.iam()) {
      iam.createUser(b -> b.userName(user));
      key = iam.createAccessKey(b -> b.userName(user)).accessKey();
      iam.putUserPolicy(b -> b.userName(user).policyName("job").policyDocument(policy(true)));
    }
    TaskResult failed = runAs(key, TaskSpec.CreateTable.of(table("guarded.orders")));

    assertFailedLeavingNoTable(
        failed,
        "Access denied to Glue Data Catalog (warehouse s3://lake/warehouse) (region "
            + MotoServer.REGION
            + "): check that the job role allows glue:GetDatabase, glue:CreateDatabase,"
            + " glue:GetTable, glue:GetTables, glue:CreateTable and glue:UpdateTable on it"
            + " (and kms:Decrypt/kms:GenerateDataKey on its KMS key)",
        "guarded.orders");

    try (IamClient iam = lake.iam()) {
      iam.putUserPolicy(b -> b.userName(user).policyName("job").policyDocument(policy(false)));
    }
    TaskResult rerun = runAs(key, TaskSpec.CreateTable.of(table("guarded.orders")));
    assertThat(rerun.isSuccess()).as(rerun.toString()).isTrue();
    assertCreatesAndConverts(lake.environment(), migration("guarded", "guarded.orders", null));
  }

  /** Everything allowed, and {@code glue:CreateTable} denied when {@code denyCreateTable}. */
  private static String policy(boolean denyCreateTable) {
    String allow = "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}";
    String deny = "{\"Effect\":\"Deny\",\"Action\":\"glue:CreateTable\",\"Resource\":\"*\"}";
    return "{\"Version\":\"2012-10-17\",\"Statement\":["
        + allow
        + (denyCreateTable ? "," + deny : "")
        + "]}";
  }

  @Test
  void throttledGlue_failsAfterBoundedRetriesNamingGlueAndItsQuotas_andARerunFinishes()
      throws IOException {
    TaskResult failed;
    List<String> calls;
    try (AwsErrorStub stub = AwsErrorStub.throttlingJsonService()) {
      failed =
          run(
              lake.environment(stub.endpoint(), "s3://" + AwsLake.WAREHOUSE_BUCKET + "/warehouse"),
              TaskSpec.CreateTable.of(table("raw.throttled")));
      calls = stub.targets();
    }

    assertOneLine(failed);
    assertThat(failed.summary())
        .isEqualTo(
            "Glue Data Catalog (warehouse s3://lake/warehouse) (region "
                + MotoServer.REGION
                + ") is throttling requests after every retry: check its request quotas (Service"
                + " Quotas; on-demand capacity for DynamoDB) and how many jobs share it");
    assertThat(calls)
        .as("the same Glue call, retried a bounded number of times")
        .hasSizeBetween(2, 10)
        .containsOnly(calls.get(0))
        .allMatch(target -> target.startsWith("AWSGlue."));

    assertCreatesAndConverts(lake.environment(), migration("throttled", "raw.throttled", null));
  }
}
