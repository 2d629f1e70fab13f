package io.lakeplan.testkit.moto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One {@code moto_server} (the AWS emulator, Python) on 127.0.0.1 on a free port, started from the
 * virtualenv that {@code bin/setup-moto} creates, and stopped by its process id. Tests get it from
 * {@link MotoExtension}, which keeps one per test JVM and resets its state before each test class.
 *
 * <p>AWS SDK clients in tests point at {@link #endpoint()} with {@link #REGION}, path-style S3 and
 * the static test credentials {@link #ACCESS_KEY_ID} / {@link #SECRET_ACCESS_KEY}. {@link
 * #childEnvironment()} gives the same settings to a child process.
 */
public final class MotoServer implements AutoCloseable {
  /** The region tests use. */
  public static final String REGION = "us-east-1";

  /** The static test access key id (moto accepts any). */
  public static final String ACCESS_KEY_ID = "testing";

  /** The static test secret key (moto accepts any; not a secret). */
  public static final String SECRET_ACCESS_KEY = "testing";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private MotoServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /**
   * Starts {@code executable} on a free loopback port and waits until it answers.
   *
   * @throws IllegalStateException naming the executable and the server's log when it does not come
   *     up within 60 s
   */
  public static MotoServer start(Path executable) {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path log;
      try {
        log = Files.createTempFile("lakeplan-moto-" + port + "-", ".log");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create the moto_server log file", e);
      }
      ProcessBuilder builder =
          new ProcessBuilder(command(executable, port))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      // moto's own boto3 must never reach a real AWS endpoint either
      builder.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
      builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
      builder.environment().put("AWS_DEFAULT_REGION", REGION);
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot start " + executable + ": " + e.getMessage() + " (run bin/setup-moto)", e);
      }
      MotoServer server = new MotoServer(process, URI.create("http://127.0.0.1:" + port), log);
      try {
        server.awaitReady();
        return server;
      } catch (IllegalStateException e) {
        server.close();
        last = e;
      }
    }
    throw last;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port for moto_server", e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited with " + process.exitValue() + " at start: " + logTail());
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for moto_server", e);
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for moto_server", e);
      }
    }
    throw new IllegalStateException(
        "moto_server did not answer on "
            + endpoint
            + " within "
            + START_TIMEOUT
            + ": "
            + logTail());
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:41234}: every service answers there. */
  public URI endpoint() {
    return endpoint;
  }

  /** The server's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the server process is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Forgets every emulated resource (buckets, tables, catalogs, secrets, IAM users): {@code POST
   * /moto-api/reset}, and turns IAM enforcement off again (see {@link #enforceIam(boolean)}).
   */
  public void reset() {
    post("/moto-api/reset", "");
    enforceIam(false);
  }

  /**
   * Turns moto's IAM enforcement on or off ({@code POST /moto-api/reset-auth}, what moto's own
   * {@code set_initial_no_auth_action_count} does in server mode). While on, every request must be
   * signed with the access key of an IAM user created on this server and is allowed only by that
   * user's policies (identity policies only: moto evaluates no bucket or key policies); the static
   * test credentials are then unknown. Off is the default, and {@link #reset()} turns it off.
   */
  public void enforceIam(boolean enforce) {
    post("/moto-api/reset-auth", enforce ? "0" : "inf");
  }

  private void post(String path, String body) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(endpoint.resolve(path))
                  .timeout(CALL_TIMEOUT)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "moto_server " + path + " answered " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot POST " + path + " to moto_server at " + endpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling moto_server " + path, e);
    }
  }

  /**
   * Environment variables that point a child process's AWS SDK at this server: static test
   * credentials, the region, {@code AWS_ENDPOINT_URL} and no instance metadata lookups.
   */
  public Map<String, String> childEnvironment() {
    return Map.of(
        "AWS_ACCESS_KEY_ID", ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY,
        "AWS_REGION", REGION,
        "AWS_ENDPOINT_URL", endpoint.toString(),
        "AWS_EC2_METADATA_DISABLED", "true");
  }

  /** The same settings as {@link #childEnvironment()} for this JVM, as system properties. */
  Map<String, String> systemProperties() {
    return Map.of(
        "aws.accessKeyId", ACCESS_KEY_ID,
        "aws.secretAccessKey", SECRET_ACCESS_KEY,
        "aws.region", REGION,
        "aws.endpointUrl", endpoint.toString(),
        "aws.disableEc2Metadata", "true");
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()))
          + " (log: "
          + log
          + ")";
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server by its process id (and any child it started), waiting up to 10 s. */
  @Override
  public void close() {
    ProcessHandle handle = process.toHandle();
    handle.descendants().forEach(ProcessHandle::destroy);
    handle.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return "moto_server pid " + pid() + " on " + endpoint;
  }

  /**
   * The command starting the server: moto beside its virtualenv's Python with DynamoDB's requests
   * served one at a time ({@code serial_dynamodb_moto.py}: DynamoDB's conditional writes are
   * atomic, moto's threaded server's are not), else {@code executable} as it is.
   */
  private static List<String> command(Path executable, int port) {
    Path python = executable.resolveSibling("python");
    if (!Files.isExecutable(python)) {
      return List.of(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port));
    }
    try (InputStream script = MotoServer.class.getResourceAsStream("serial_dynamodb_moto.py")) {
      Path copy = Files.createTempFile("lakeplan-moto-", ".py");
      Files.copy(
          Objects.requireNonNull(script, "serial_dynamodb_moto.py"),
          copy,
          StandardCopyOption.REPLACE_EXISTING);
      copy.toFile().deleteOnExit();
      return List.of(python.toString(), copy.toString(), "127.0.0.1", Integer.toString(port));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the moto launcher script", e);
    }
  }
}
