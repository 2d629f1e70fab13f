package io.lakeplan.spark;

import io.lakeplan.spi.S3Encryption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark settings for the Iceberg catalog named {@value #NAME}, the catalog every Lakeplan task
 * reads and writes. Two flavours: a Hadoop catalog over a warehouse folder (local runs and tests)
 * and the AWS Glue catalog with S3FileIO (EMR Serverless). This class only produces configuration;
 * it never talks to a catalog.
 */
public final class LakeplanCatalog {

  /** The catalog name used in every generated statement: {@code lakeplan.<namespace>.<table>}. */
  public static final String NAME = "lakeplan";

  private static final String PREFIX = "spark.sql.catalog." + NAME;
  private static final Logger LOG = LoggerFactory.getLogger(LakeplanCatalog.class);

  private LakeplanCatalog() {}

  /**
   * Settings of a Hadoop-type Iceberg catalog whose tables live under {@code warehouse}, plus the
   * Iceberg SQL extensions ({@code MERGE INTO}, {@code CALL}, {@code WRITE ORDERED BY}).
   *
   * @param warehouse a folder URI or path: a local folder, {@code hdfs://…} or {@code s3a://…}
   */
  public static Map<String, String> hadoop(String warehouse) {
    Objects.requireNonNull(warehouse, "warehouse");
    Map<String, String> settings = common();
    settings.put(PREFIX + ".type", "hadoop");
    settings.put(PREFIX + ".warehouse", warehouse);
    return settings;
  }

  /** {@link #hadoop(String)} with a local warehouse folder. */
  public static Map<String, String> hadoop(Path warehouse) {
    return hadoop(warehouse.toAbsolutePath().toUri().toString());
  }

  /**
   * Settings of the AWS Glue Data Catalog with S3FileIO, as used on EMR Serverless.
   *
   * @param warehouse the S3 location of new tables, e.g. {@code s3://bucket/warehouse}
   */
  public static Map<String, String> glue(String warehouse) {
    Objects.requireNonNull(warehouse, "warehouse");
    if (!warehouse.startsWith("s3://")) {
      throw new IllegalArgumentException(
          "Invalid Glue warehouse: '" + warehouse + "' (must be an s3:// location)");
    }
    Map<String, String> settings = common();
    settings.put(PREFIX + ".catalog-impl", "org.apache.iceberg.aws.glue.GlueCatalog");
    settings.put(PREFIX + ".io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    settings.put(PREFIX + ".warehouse", warehouse);
    return settings;
  }

  /**
   * Spark settings of the {@value #NAME} catalog with the given Iceberg catalog properties (e.g. an
   * environment's {@code EnvironmentRuntime.catalogProperties()}: {@code type=hadoop} and a
   * warehouse, or {@code catalog-impl} = Iceberg's GlueCatalog with S3FileIO), plus the Iceberg SQL
   * extensions.
   */
  public static Map<String, String> of(Map<String, String> catalogProperties) {
    Map<String, String> settings = common();
    catalogProperties.forEach((key, value) -> settings.put(PREFIX + "." + key, value));
    return settings;
  }

  /**
   * A session like {@link #localSession(Path)} whose catalog has {@code catalogProperties} (see
   * {@link #of(Map)}), or the already running session of this JVM. Under {@code spark-submit} (EMR
   * Serverless) the submitted application's master and settings apply instead of the local ones.
   */
  public static SparkSession localSession(Map<String, String> catalogProperties) {
    SparkSession.Builder builder = localBuilder();
    of(catalogProperties).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * A local Spark session ({@code local[2]}, UI off, driver on 127.0.0.1, UTC) with a Hadoop
   * catalog over {@code warehouse}, or the already running session of this JVM if there is one
   * (Spark allows one per JVM; its catalog settings are then left as they are). Under {@code
   * spark-submit} ({@code spark.master} set) the submitted master and settings are kept.
   */
  public static SparkSession localSession(Path warehouse) {
    SparkSession.Builder builder = localBuilder();
    hadoop(warehouse).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * What a run on a cluster sets unless this JVM's {@code spark.*} system properties say otherwise
   * ({@code LAKEPLAN_JAVA_OPTS=-Dspark.dynamicAllocation.executorIdleTimeout=60s}): dynamic
   * allocation with shuffle tracking, executors given back after 10 s idle — a standalone master
   * gives an application every free core, so without this a team's own Spark job that a {@code
   * spark-job} task submits to the same cluster would wait for cores the idle plan run holds.
   */
  private static final Map<String, String> CLUSTER_DEFAULTS =
      Map.of(
          "spark.dynamicAllocation.enabled", "true",
          "spark.dynamicAllocation.shuffleTracking.enabled", "true",
          "spark.dynamicAllocation.executorIdleTimeout", "10s",
          // a task's shuffle files are read within that task; none outlives it
          "spark.dynamicAllocation.shuffleTracking.timeout", "10s");

  /**
   * A session on {@code cluster} (driver in this JVM, executors on its workers with {@link
   * SparkCluster#jars()}) whose catalog has {@code catalogProperties} (see {@link #of(Map)}). The
   * master is checked first ({@link SparkCluster#requireReachable()}).
   *
   * @throws IllegalStateException when the master cannot be reached, or this JVM already runs a
   *     Spark session on another master (Spark allows one per JVM)
   */
  public static SparkSession clusterSession(
      SparkCluster cluster, Map<String, String> catalogProperties) {
    cluster.requireReachable();
    SparkSession.getActiveSession()
        .foreach(
            active -> {
              String running = active.sparkContext().master();
              if (!running.equals(cluster.master())) {
                throw new IllegalStateException(
                    "This JVM already runs a Spark session on "
                        + running
                        + ": a run on "
                        + cluster.master()
                        + " needs a JVM of its own (Spark allows one session per JVM)");
              }
              return null;
            });
    SparkSession.Builder builder =
        SparkSession.builder().master(cluster.master()).appName("lakeplan");
    CLUSTER_DEFAULTS.forEach(
        (key, value) -> {
          if (System.getProperty(key) == null) {
            builder.config(key, value);
          }
        });
    builder.config(
        "spark.jars",
        cluster.jars().stream()
            .map(jar -> jar.toAbsolutePath().toUri().toString())
            .collect(java.util.stream.Collectors.joining(",")));
    of(catalogProperties).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * Sets each of {@code properties} on the Hadoop configuration of {@code spark}'s context unless
   * it is set already: the runtime's own file system configuration (EMRFS for {@code s3://} on EMR)
   * wins over an environment's defaults. S3 encryption settings ({@link
   * S3Encryption#isEncryptionSetting}) are the exception: the environment's always apply, so a
   * runtime's {@code spark.hadoop.*} or cluster setting never writes an object without the
   * environment's SSE-KMS key. See {@code EnvironmentRuntime.fileSystemProperties()}.
   */
  public static void applyFileSystemDefaults(SparkSession spark, Map<String, String> properties) {
    applyFileSystemDefaults(spark.sparkContext().hadoopConfiguration(), properties);
  }

  /** {@link #applyFileSystemDefaults(SparkSession, Map)} on {@code conf}. */
  static void applyFileSystemDefaults(
      org.apache.hadoop.conf.Configuration conf, Map<String, String> properties) {
    properties.forEach(
        (key, value) -> {
          if (S3Encryption.isEncryptionSetting(key)) {
            String runtime = explicitlySet(conf, key) ? conf.get(key) : null;
            if (runtime != null && !runtime.equals(value)) {
              // the value may be a key id: name the setting only
              LOG.warn("Replacing the runtime's {} with the environment's S3 encryption", key);
            }
            conf.set(key, value);
          } else if (!explicitlySet(conf, key)) {
            conf.set(key, value);
          }
        });
  }

  /**
   * Whether {@code key} has a value other than Hadoop's built-in default ({@code *-default.xml}).
   */
  private static boolean explicitlySet(org.apache.hadoop.conf.Configuration conf, String key) {
    if (conf.get(key) == null) {
      return false;
    }
    String[] sources = conf.getPropertySources(key);
    if (sources == null) {
      return true;
    }
    for (String source : sources) {
      if (!source.endsWith("-default.xml")) {
        return true;
      }
    }
    return false;
  }

  /** Whether this JVM runs under {@code spark-submit}, which sets {@code spark.master}. */
  private static boolean submitted() {
    return System.getProperty("spark.master") != null;
  }

  private static SparkSession.Builder localBuilder() {
    if (submitted()) {
      return SparkSession.builder();
    }
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .appName("lakeplan-local")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC");
    return builder;
  }

  private static Map<String, String> common() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    settings.put(PREFIX, "org.apache.iceberg.spark.SparkCatalog");
    // times without zone are UTC wall-clock times (docs/site/types.md), on any cluster
    settings.put("spark.sql.session.timeZone", "UTC");
    return settings;
  }
}
