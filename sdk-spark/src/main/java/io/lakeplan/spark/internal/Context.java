package io.lakeplan.spark.internal;

import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.WatermarkStore;
import java.net.URI;
import java.time.Clock;
import org.apache.spark.sql.SparkSession;

/**
 * What every executor needs: the session, where relative paths start, the watermark store, the
 * secret resolver, and the clock retention cut-offs are computed from.
 */
final class Context {
  final SparkSession spark;
  final URI base;
  final WatermarkStore watermarks;
  final SecretResolver secrets;
  final Clock clock;

  Context(SparkSession spark, URI base, WatermarkStore watermarks) {
    this(spark, base, watermarks, SecretResolver.environmentVariables(), Clock.systemUTC());
  }

  Context(
      SparkSession spark,
      URI base,
      WatermarkStore watermarks,
      SecretResolver secrets,
      Clock clock) {
    this.spark = spark;
    this.base = base;
    this.watermarks = watermarks;
    this.secrets = secrets;
    this.clock = clock;
  }

  /**
   * {@code path} as a Hadoop path string: URIs ({@code hdfs://…}, {@code s3://…}, {@code file:…})
   * and absolute paths as they are, relative paths against the folder of the use-case file.
   */
  String resolve(String path) {
    if (path.contains("://") || path.startsWith("file:") || path.startsWith("/")) {
      return path;
    }
    // validation refuses these (unsafe-path); a plan built around it must not leave the folder
    for (String segment : path.split("[/\\\\]", -1)) {
      if (segment.equals("..")) {
        throw new TaskFailedException(
            "Unsafe relative path '" + path + "': a '..' segment would leave " + base);
      }
    }
    String root = base.toString();
    return root.endsWith("/") ? root + path : root + "/" + path;
  }
}
