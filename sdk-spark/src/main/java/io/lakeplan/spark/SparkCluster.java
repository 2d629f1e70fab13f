package io.lakeplan.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An existing Spark standalone cluster that {@link LocalRunner} runs a plan on instead of an
 * embedded local Spark: the driver stays in this JVM, the executors run on the cluster's workers
 * and get {@link #jars()} — the Lakeplan job jar ({@code sdk-spark-<version>-job.jar}: Lakeplan,
 * Iceberg's Spark runtime, the Kafka connector) and, for JDBC ingestion, the JDBC driver's jar.
 *
 * <p>The workers must reach the data the plan names: the warehouse and the landing and source
 * folders. A local warehouse folder is only right when every worker runs on this machine (or sees
 * the same path on a shared file system); a team's cluster uses an environment whose catalog lives
 * on HDFS or S3 ({@code lakeplan run --env FILE --master spark://…}).
 *
 * @param master the master URL, {@code spark://host:port} (several masters of a highly available
 *     cluster: {@code spark://host1:port1,host2:port2})
 * @param jars the jars the executors get, each an existing file; the job jar first
 */
public record SparkCluster(String master, List<Path> jars) {

  private static final Pattern MASTER = Pattern.compile("spark://([^:/,]+):(\\d+)");

  /** How long {@link #requireReachable()} waits for a master to accept a connection. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException naming the value when the master is not a {@code
   *     spark://host:port} URL or a jar is missing
   */
  public SparkCluster {
    Objects.requireNonNull(master, "master");
    jars = List.copyOf(jars);
    addresses(master); // fails on a malformed URL
    if (jars.isEmpty()) {
      throw new IllegalArgumentException(
          "No jars for the executors of " + master + " (give at least the Lakeplan job jar)");
    }
    for (Path jar : jars) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException(
            "Jar "
                + jar
                + " for the executors of "
                + master
                + " does not exist (the job jar is built by ./mvnw -pl sdk-spark -am package:"
                + " sdk-spark/target/sdk-spark-<version>-job.jar)");
      }
    }
  }

  /**
   * Fails unless one of the masters accepts a TCP connection within {@link #CONNECT_TIMEOUT}, so an
   * unreachable cluster is one line before anything runs, not Spark's minute of registration
   * retries.
   *
   * @throws IllegalStateException naming the master, the reason and the fix
   */
  public void requireReachable() {
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress address : addresses(master)) {
      try (Socket socket = new Socket()) {
        socket.connect(
            new InetSocketAddress(address.getHostString(), address.getPort()),
            (int) CONNECT_TIMEOUT.toMillis());
        return;
      } catch (IOException e) {
        failures.add(
            address.getHostString()
                + ":"
                + address.getPort()
                + " "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
    throw new IllegalStateException(
        "Cannot reach the Spark master "
            + master
            + " ("
            + String.join("; ", failures)
            + "): start the cluster, or fix --master (spark://host:port of the master, not its"
            + " web UI)");
  }

  private static List<InetSocketAddress> addresses(String master) {
    if (!master.startsWith("spark://")) {
      throw new IllegalArgumentException(
          "Invalid Spark master: '" + master + "' (write spark://host:port)");
    }
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String part : master.substring("spark://".length()).split(",")) {
      Matcher matcher = MASTER.matcher("spark://" + part);
      if (!matcher.matches()) {
        throw new IllegalArgumentException(
            "Invalid Spark master: '" + master + "' (write spark://host:port)");
      }
      addresses.add(
          InetSocketAddress.createUnresolved(matcher.group(1), Integer.parseInt(matcher.group(2))));
    }
    return addresses;
  }
}
