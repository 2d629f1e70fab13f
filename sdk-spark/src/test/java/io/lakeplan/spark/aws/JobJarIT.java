package io.lakeplan.spark.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.aws.emr.EmrServerlessJob;
import io.lakeplan.aws.s3.S3FileSystemProperties;
import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.env.AirflowSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.plan.Dag;
import io.lakeplan.plan.Plan;
import io.lakeplan.spark.SparkEngine;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.spi.Watermark;
import io.lakeplan.testkit.moto.MotoExtension;
import io.lakeplan.testkit.moto.MotoServer;
import io.lakeplan.workspace.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * The built job jar ({@code sdk-spark-*-job.jar}) in a fresh JVM whose class path is Spark's jars
 * (what the EMR Serverless runtime provides: the provided-scope Spark 4.1.1 / Hadoop 3.4.2 graph)
 * and the job jar only, started the way EMR starts it ({@code spark-submit --class JobMain}): it
 * runs the convert and record-watermark tasks of a migration on the emulated AWS, finding the AWS
 * runtime (Glue + S3FileIO, DynamoDB) through the environment file and ServiceLoader.
 */
@ExtendWith(MotoExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobJarIT {

  private static final String DAG = "jj.migration";

  private MotoServer moto;
  private AwsLake lake;
  private EnvironmentRuntime runtime;
  private SparkSession spark;
  private Path jobJar;
  private Path folder;
  private Path spec;
  private Environment environment;
  private Dag dag;

  @BeforeAll
  void setUp(MotoServer moto) throws Exception {
    this.moto = moto;
    jobJar = Path.of(System.getProperty("lakeplan.job-jar"));
    assertThat(jobJar).as("the job jar (built by the package phase)").isRegularFile();
    lake = AwsLake.create(moto);
    runtime = EnvironmentRuntime.open(lake.environment());
    spark = AwsLake.session(runtime);
    folder = TestSpark.newDir("job-jar");
    // the environment as EMR Serverless jobs read it: with the plan JSON's location
    environment =
        Environment.builder()
            .from(lake.environment())
            .airflow(
                AirflowSettings.builder()
                    .specLocation(
                        "s3://"
                            + AwsLake.LANDING_BUCKET
                            + "/plans/{use_case}/{spec_version}/plan.json")
                    .build())
            .build();
    spark
        .sql(
            "SELECT id AS order_id, CAST('2024-03-01' AS timestamp)"
                + " + make_interval(0, 0, 0, CAST(id AS int)) AS updated_at FROM range(1, 6)")
        .coalesce(1)
        .write()
        .parquet(folder.resolve("history").toUri().toString());
    spec = folder.resolve("jj.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "api-version: lakeplan/v1",
            "name: jj",
            "owner: it@example.com",
            "schedule: '@daily'",
            "migrations:",
            "  - id: hist",
            "    source: {path: '" + folder.resolve("history") + "', format: parquet}",
            "    target:",
            "      table: raw.history",
            "      columns:",
            "        - {name: order_id, type: long, required: true}",
            "        - {name: updated_at, type: timestamp}",
            "    watermark-column: updated_at",
            ""));
    Plan plan = Workspace.loadStrict(spec).plan();
    // what lakeplan run --on emr-serverless (or deploy) stages: the plan JSON and the environment
    dag = plan.dag(DAG);
    lake.put(EmrServerlessJob.specLocation(environment.airflow(), dag), UseCaseCodec.toJson(plan));
    lake.put(
        EmrServerlessJob.environmentLocation(environment, dag),
        EmrServerlessJob.environmentFile(environment));
    var created =
        new SparkEngine(spark, folder.toUri(), runtime, Clock.systemUTC())
            .run(plan.dag(DAG), plan.dag(DAG).task("hist.create-table"));
    assertThat(created.isSuccess()).as(created.toString()).isTrue();
  }

  @AfterAll
  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  /** Spark's jars: the class path files the build writes before the integration tests. */
  private static String sparkJars() throws IOException {
    Path folder = Path.of(System.getProperty("lakeplan.spark-jars"));
    Set<String> jars = new LinkedHashSet<>();
    for (String file : List.of("provided.classpath", "shared.classpath")) {
      String text = Files.readString(folder.resolve(file)).trim();
      for (String jar : text.split(File.pathSeparator)) {
        if (!jar.isBlank()) {
          jars.add(jar);
        }
      }
    }
    assertThat(jars)
        .as("Spark's jars")
        .anyMatch(jar -> jar.contains("spark-core_2.13-4.1.1"))
        .noneMatch(jar -> jar.contains("lakeplan") || jar.contains("awssdk"));
    return String.join(File.pathSeparator, jars);
  }

  /**
   * spark-submit of the job jar with exactly the entry point arguments an EMR Serverless job run
   * gets ({@link EmrServerlessJob#jobMain}: the plan JSON and the environment file on S3). The
   * Hadoop settings stand in for EMR's EMRFS, which serves {@code s3://} there: S3A on the
   * emulator, as the environment's file system settings name it.
   */
  private ChildJob.Outcome submit(String task) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                "local[2]",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.sql.session.timeZone=UTC"));
    S3FileSystemProperties.of(environment)
        .forEach(
            (key, value) -> command.addAll(List.of("--conf", "spark.hadoop." + key + "=" + value)));
    command.addAll(List.of("--class", "io.lakeplan.spark.JobMain", jobJar.toString()));
    EmrServerlessJob job = EmrServerlessJob.jobMain(environment, dag, dag.task(task));
    assertThat(job.entryPointArguments()).contains("--env");
    command.addAll(job.entryPointArguments());
    return ChildJob.run(
        sparkJars() + File.pathSeparator + s3aJars(),
        command,
        moto.childEnvironment(),
        null,
        folder);
  }

  /**
   * What serves {@code s3://} to the job, as EMRFS does on EMR: hadoop-aws (S3A) and the AWS SDK
   * modules it calls, from this JVM's class path.
   */
  private static String s3aJars() {
    List<String> jars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(
                jar ->
                    jar.contains("hadoop-aws-")
                        || jar.contains("/software/amazon/")
                        || jar.contains("/io/netty/")
                        || jar.contains("/org/reactivestreams/")
                        || jar.contains("/org/apache/httpcomponents/")
                        || jar.contains("/commons-codec/")
                        || jar.contains("/commons-logging/"))
            .toList();
    assertThat(jars).as("hadoop-aws and the AWS SDK").anyMatch(jar -> jar.contains("hadoop-aws-"));
    return String.join(File.pathSeparator, jars);
  }

  @Test
  void jobJar_carriesTheAwsRuntime_notWhatSparkProvides() throws IOException {
    List<String> entries = new ArrayList<>();
    try (ZipFile jar = new ZipFile(jobJar.toFile())) {
      jar.stream().map(ZipEntry::getName).forEach(entries::add);
      String services =
          new String(
              jar.getInputStream(jar.getEntry("META-INF/services/io.lakeplan.env.RuntimeProvider"))
                  .readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      assertThat(services.lines())
          .contains("io.lakeplan.aws.AwsRuntimeProvider", "io.lakeplan.spark.LocalRuntimeProvider");
    }
    assertThat(entries)
        .contains(
            "io/lakeplan/spark/JobMain.class",
            "io/lakeplan/aws/AwsRuntimeProvider.class",
            "org/apache/iceberg/aws/glue/GlueCatalog.class",
            "org/apache/iceberg/aws/s3/S3FileIO.class",
            "software/amazon/awssdk/services/glue/GlueClient.class",
            "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class",
            "software/amazon/awssdk/http/apache/ApacheHttpClient.class")
        .noneMatch(name -> name.startsWith("scala/"))
        .noneMatch(name -> name.startsWith("org/apache/hadoop/"))
        // Iceberg's SQL extensions live in Spark's packages; Spark's own classes do not come along
        .doesNotContain(
            "org/apache/spark/SparkContext.class",
            "org/apache/spark/sql/SparkSession.class",
            "org/apache/spark/sql/catalyst/parser/AbstractSqlParser.class")
        .noneMatch(name -> name.startsWith("software/amazon/awssdk/http/nio/netty/"))
        .noneMatch(name -> name.startsWith("com/fasterxml/jackson/"));
  }

  @Test
  void jobJar_carriesAmazonsMskIamLibrary_loadedFromTheJarOnSparksJars() throws Exception {
    List<java.net.URL> urls = new ArrayList<>();
    urls.add(jobJar.toUri().toURL());
    for (String jar : sparkJars().split(File.pathSeparator)) {
      urls.add(Path.of(jar).toUri().toURL());
    }
    // only the job jar and Spark's jars: nothing from this JVM's class path
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(
            urls.toArray(java.net.URL[]::new), ClassLoader.getPlatformClassLoader())) {
      Object handler =
          Class.forName("software.amazon.msk.auth.iam.IAMClientCallbackHandler", true, loader)
              .getConstructor()
              .newInstance();
      assertThat(handler.getClass().getProtectionDomain().getCodeSource().getLocation())
          .isEqualTo(jobJar.toUri().toURL());
      assertThat(Class.forName("software.amazon.msk.auth.iam.IAMLoginModule", false, loader))
          .isNotNull();
      javax.security.sasl.SaslClientFactory factory =
          (javax.security.sasl.SaslClientFactory)
              Class.forName(
                      "software.amazon.msk.auth.iam.internals.IAMSaslClient$IAMSaslClientFactory",
                      true,
                      loader)
                  .getConstructor()
                  .newInstance();
      // the library's factory names the mechanism with its class loader's tag
      assertThat(factory.getMechanismNames(java.util.Map.of()))
          .singleElement()
          .asString()
          .startsWith("AWS_MSK_IAM");
    }
  }

  @Test
  void jobJar_onSparksJarsOnly_runsConvertAndWatermarkOnGlueS3AndDynamoDb() throws Exception {
    ChildJob.Outcome convert = submit("hist.convert");
    assertThat(convert.exitCode()).as(String.join("\n", convert.tail())).isZero();
    assertThat(convert.summary(DAG + "/hist.convert")).contains("SUCCEEDED rows=5");

    ChildJob.Outcome watermark = submit("hist.watermark");
    assertThat(watermark.exitCode()).as(String.join("\n", watermark.tail())).isZero();

    assertThat(spark.table("lakeplan.raw.history").count()).isEqualTo(5);
    assertThat(runtime.watermarks().get("raw.history"))
        .contains(Watermark.of(Instant.parse("2024-03-06T00:00:00Z")));
    List<S3Object> data = lake.objects(AwsLake.WAREHOUSE_BUCKET, "warehouse/raw.db/history/data/");
    assertThat(data).isNotEmpty();
    for (S3Object object : data) {
      HeadObjectResponse head = lake.head(AwsLake.WAREHOUSE_BUCKET, object.key());
      assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
      assertThat(head.ssekmsKeyId()).isEqualTo(lake.kmsKey());
    }
  }
}
