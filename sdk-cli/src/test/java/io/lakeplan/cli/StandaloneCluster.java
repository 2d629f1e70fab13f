package io.lakeplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster for the integration tests: a master and two workers, each a separate
 * JVM on 127.0.0.1 running Spark's own {@code Master} / {@code Worker} classes on the Spark jars
 * the build already has (sdk-spark's provided-scope graph, what {@code lakeplan.spark-jars} lists),
 * laid out as a {@code SPARK_HOME/jars} folder of links so the workers launch their executors as a
 * Spark distribution does. Nothing is downloaded. Each worker has one core and a work directory of
 * its own (where its executors' logs are); everything is stopped by process id, a worker together
 * with the executors it started.
 */
final class StandaloneCluster implements AutoCloseable {

  /** The JDK 17 module opens Spark's JVMs need (as bin/lakeplan passes them). */
  static final List<String> OPENS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path folder;
  private final Path sparkHome;
  private final int port;
  private final int webUiPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path folder, Path sparkHome, int port, int webUiPort, Process master) {
    this.folder = folder;
    this.sparkHome = sparkHome;
    this.port = port;
    this.webUiPort = webUiPort;
    this.master = master;
  }

  /**
   * Starts a master and {@code workerCount} workers under {@code folder} and waits until every
   * worker has registered with the master.
   */
  static StandaloneCluster start(Path folder, int workerCount) throws Exception {
    Path sparkHome = sparkHome(folder.resolve("spark-home"));
    int port = freePort();
    int webUiPort = freePort();
    Process master =
        launch(
            sparkHome,
            folder.resolve("master.log"),
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(port),
            "--webui-port",
            Integer.toString(webUiPort));
    StandaloneCluster cluster = new StandaloneCluster(folder, sparkHome, port, webUiPort, master);
    try {
      for (int worker = 0; worker < workerCount; worker++) {
        Path workDir = Files.createDirectories(folder.resolve("worker-" + worker));
        cluster.workers.add(
            launch(
                sparkHome,
                folder.resolve("worker-" + worker + ".log"),
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "1",
                "--memory",
                "1g",
                "--work-dir",
                workDir.toString(),
                "--webui-port",
                "0",
                cluster.masterUrl()));
      }
      cluster.awaitAliveWorkers(workerCount);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:PORT}. */
  String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The {@code SPARK_HOME} the cluster runs from: {@code jars/} holds Spark's jars. */
  Path sparkHome() {
    return sparkHome;
  }

  /** The class path of Spark's own jars ({@code SPARK_HOME/jars/*}). */
  String sparkClassPath() {
    return sparkHome.resolve("jars") + File.separator + "*";
  }

  /** The environment variables every Spark JVM of this cluster (and its drivers) gets. */
  Map<String, String> sparkEnvironment() {
    return sparkEnvironment(sparkHome);
  }

  /** The work directory of worker {@code index}: {@code app-*}/{@code N}/stderr are its logs. */
  Path workDir(int index) {
    return folder.resolve("worker-" + index);
  }

  /**
   * The lines the executors that worker {@code index} started have logged so far (their {@code
   * stderr} files, application by application).
   */
  List<String> executorLog(int index) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(workDir(index))) {
      for (Path file : files.filter(path -> path.endsWith("stderr")).sorted().toList()) {
        lines.addAll(Files.readAllLines(file));
      }
    }
    return lines;
  }

  /**
   * Kills worker {@code index} and the executors it started with SIGKILL, as a machine that dies
   * does, and waits until they are gone.
   */
  void killWorker(int index) throws InterruptedException {
    Process worker = workers.get(index);
    List<ProcessHandle> doomed = new ArrayList<>(worker.descendants().toList());
    doomed.add(worker.toHandle());
    doomed.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : doomed) {
      process.onExit().orTimeout(1, TimeUnit.MINUTES).join();
    }
  }

  /** How many workers the master counts alive. */
  int aliveWorkers() throws Exception {
    return state().path("aliveworkers").asInt(-1);
  }

  private JsonNode state() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUiPort + "/json/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new ObjectMapper().readTree(response.body());
  }

  private void awaitAliveWorkers(int count) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!master.isAlive()) {
        throw new AssertionError("The Spark master died: " + tail(folder.resolve("master.log")));
      }
      try {
        if (aliveWorkers() == count) {
          return;
        }
      } catch (IOException notUpYet) {
        // the master's web UI is not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "The Spark cluster did not get "
            + count
            + " alive workers in "
            + START_TIMEOUT
            + "; master log: "
            + tail(folder.resolve("master.log")));
  }

  @Override
  public void close() {
    List<ProcessHandle> all = new ArrayList<>();
    for (Process worker : workers) {
      all.addAll(worker.descendants().toList());
      all.add(worker.toHandle());
    }
    all.add(master.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle process : all) {
      process.onExit().orTimeout(1, TimeUnit.MINUTES).join();
    }
  }

  private static Process launch(Path sparkHome, Path log, String mainClass, String... arguments)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(OPENS);
    command.addAll(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp"));
    command.add(sparkHome.resolve("jars") + File.separator + "*");
    command.add(mainClass);
    command.addAll(List.of(arguments));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(sparkEnvironment(sparkHome));
    return builder.start();
  }

  private static Map<String, String> sparkEnvironment(Path sparkHome) {
    return Map.of(
        "SPARK_HOME",
        sparkHome.toString(),
        "SPARK_SCALA_VERSION",
        "2.13",
        "SPARK_LOCAL_IP",
        "127.0.0.1");
  }

  /**
   * A {@code SPARK_HOME} whose {@code jars/} links to Spark's jars as the build resolved them: the
   * provided-scope graph and the artifacts the runtime shares (sdk-spark's {@code
   * spark-jars/*.classpath}).
   */
  private static Path sparkHome(Path home) throws IOException {
    Path listed = Path.of(System.getProperty("lakeplan.spark-jars"));
    Set<Path> jars = new LinkedHashSet<>();
    for (String file : List.of("provided.classpath", "shared.classpath")) {
      for (String jar : Files.readString(listed.resolve(file)).trim().split(File.pathSeparator)) {
        if (!jar.isBlank()) {
          jars.add(Path.of(jar));
        }
      }
    }
    if (jars.stream().noneMatch(jar -> jar.getFileName().toString().startsWith("spark-core_"))) {
      throw new AssertionError("No spark-core among the jars listed in " + listed);
    }
    Path folder = Files.createDirectories(home.resolve("jars"));
    for (Path jar : jars) {
      Path link = folder.resolve(jar.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, jar);
      }
    }
    return home;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
