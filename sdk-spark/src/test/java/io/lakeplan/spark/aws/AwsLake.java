package io.lakeplan.spark.aws;

import io.lakeplan.env.CatalogSettings;
import io.lakeplan.env.Environment;
import io.lakeplan.env.EnvironmentRuntime;
import io.lakeplan.spark.LakeplanCatalog;
import io.lakeplan.spark.TestSpark;
import io.lakeplan.testkit.moto.MotoServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * An emulated AWS lake for the Spark ITs: buckets, a KMS key, the AWS environment (Glue catalog on
 * an S3 warehouse, DynamoDB watermarks, the KMS key, the moto endpoint) and a Spark session on it,
 * plus the AWS clients the tests inspect it with.
 */
public final class AwsLake {
  /** The warehouse bucket. */
  public static final String WAREHOUSE_BUCKET = "lake";

  /** The landing bucket of migrations. */
  public static final String LANDING_BUCKET = "lake-landing";

  /** The watermark table. */
  public static final String WATERMARK_TABLE = "lakeplan-watermarks";

  private final MotoServer moto;
  private final String kmsKey;

  private AwsLake(MotoServer moto, String kmsKey) {
    this.moto = moto;
    this.kmsKey = kmsKey;
  }

  /** Creates the buckets and the KMS key on {@code moto}. */
  public static AwsLake create(MotoServer moto) {
    try (S3Client s3 = s3(moto);
        KmsClient kms =
            KmsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.of(MotoServer.REGION))
                .credentialsProvider(credentials())
                .build()) {
      s3.createBucket(b -> b.bucket(WAREHOUSE_BUCKET));
      s3.createBucket(b -> b.bucket(LANDING_BUCKET));
      String key = kms.createKey(b -> b.description("lakeplan test lake")).keyMetadata().arn();
      return new AwsLake(moto, key);
    }
  }

  /** The KMS key ARN every object must be encrypted with. */
  public String kmsKey() {
    return kmsKey;
  }

  /** The moto server. */
  public MotoServer moto() {
    return moto;
  }

  /** The AWS environment of the lake, with the warehouse at {@code s3://lake/warehouse}. */
  public Environment environment() {
    return environment(moto.endpoint().toString(), "s3://" + WAREHOUSE_BUCKET + "/warehouse");
  }

  /** The AWS environment with another endpoint or warehouse (bad-input tests). */
  public Environment environment(String endpoint, String warehouse) {
    return Environment.builder()
        .name("moto")
        .region(MotoServer.REGION)
        .endpointOverride(endpoint)
        .catalog(
            CatalogSettings.builder().type(CatalogSettings.Type.GLUE).warehouse(warehouse).build())
        .watermarks("dynamodb:" + WATERMARK_TABLE)
        .kmsKey(kmsKey)
        .build();
  }

  /**
   * A new session of the test JVM's Spark (one context per JVM) whose {@code lakeplan} catalog is
   * {@code runtime}'s (Glue + S3FileIO), with the runtime's S3 settings on the shared Hadoop
   * configuration. Unlike JobMain, which applies them only where its runtime has not set them,
   * these replace what an earlier session set, and S3A file systems are not cached: the test JVM's
   * one context serves the lakes of several test classes, each with its own KMS key, and
   * environments with other endpoints (bad-input tests).
   */
  public static SparkSession session(EnvironmentRuntime runtime) {
    SparkSession spark = TestSpark.session().newSession();
    // the test JVM's context configures a Hadoop catalog: this session's is the environment's only
    spark.conf().unset("spark.sql.catalog." + LakeplanCatalog.NAME + ".type");
    LakeplanCatalog.of(runtime.catalogProperties())
        .forEach(
            (key, value) -> {
              if (key.startsWith("spark.sql.catalog.")) {
                spark.conf().set(key, value);
              }
            });
    // every read sees what another process (a child JobMain) committed
    spark.conf().set("spark.sql.catalog." + LakeplanCatalog.NAME + ".cache-enabled", "false");
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    runtime.fileSystemProperties().forEach(hadoop::set);
    hadoop.set("fs.s3.impl.disable.cache", "true");
    hadoop.set("fs.s3a.impl.disable.cache", "true");
    return spark;
  }

  /**
   * The {@code order_id}s of {@code table} (e.g. {@code raw.orders}) in {@code environment}'s
   * catalog, sorted.
   */
  public static List<Long> orderIds(Environment environment, String table) {
    try (EnvironmentRuntime runtime = EnvironmentRuntime.open(environment)) {
      return session(runtime)
          .sql("SELECT order_id FROM " + LakeplanCatalog.NAME + "." + table + " ORDER BY order_id")
          .collectAsList()
          .stream()
          .map(row -> row.getLong(0))
          .toList();
    }
  }

  /** An S3 client on the emulator. */
  public S3Client s3() {
    return s3(moto);
  }

  /** A Glue client on the emulator. */
  public GlueClient glue() {
    return GlueClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials())
        .build();
  }

  /** An IAM client on the emulator. */
  public IamClient iam() {
    return IamClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.AWS_GLOBAL)
        .credentialsProvider(credentials())
        .build();
  }

  /** A Secrets Manager client on the emulator. */
  public SecretsManagerClient secretsManager() {
    return SecretsManagerClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials())
        .build();
  }

  /** A DynamoDB client on the emulator. */
  public DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials())
        .build();
  }

  /** Every object under {@code s3://bucket/prefix}, listed page by page. */
  public List<S3Object> objects(String bucket, String prefix) {
    List<S3Object> objects = new ArrayList<>();
    try (S3Client s3 = s3()) {
      s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
          .contents()
          .forEach(objects::add);
    }
    return objects;
  }

  /** Writes {@code text} to {@code location} ({@code s3://bucket/key}), SSE-KMS with the key. */
  public void put(String location, String text) {
    String[] bucketAndKey = bucketAndKey(location);
    try (S3Client s3 = s3(moto)) {
      s3.putObject(
          b ->
              b.bucket(bucketAndKey[0])
                  .key(bucketAndKey[1])
                  .serverSideEncryption(ServerSideEncryption.AWS_KMS)
                  .ssekmsKeyId(kmsKey),
          RequestBody.fromString(text, StandardCharsets.UTF_8));
    }
  }

  /** HeadObject of {@code s3://bucket/key}. */
  public HeadObjectResponse head(String bucket, String key) {
    try (S3Client s3 = s3()) {
      return s3.headObject(b -> b.bucket(bucket).key(key));
    }
  }

  /** Bucket and key of an {@code s3://} location. */
  public static String[] bucketAndKey(String location) {
    URI uri = URI.create(location);
    return new String[] {uri.getHost(), uri.getPath().substring(1)};
  }

  private static S3Client s3(MotoServer moto) {
    return S3Client.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.of(MotoServer.REGION))
        .credentialsProvider(credentials())
        .forcePathStyle(true)
        .build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(MotoServer.ACCESS_KEY_ID, MotoServer.SECRET_ACCESS_KEY));
  }
}
