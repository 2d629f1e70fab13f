package io.lakeplan.spark.aws;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 that answers every request with one AWS error in the shape the
 * real service sends it, for the failures the emulator cannot produce (throttling). It records the
 * {@code X-Amz-Target} of each request, so a test sees how often a client retried.
 */
final class AwsErrorStub implements AutoCloseable {
  private final HttpServer server;
  private final List<String> targets = new CopyOnWriteArrayList<>();

  private AwsErrorStub(HttpServer server) {
    this.server = server;
  }

  /**
   * A stub answering like a JSON-protocol service (Glue, DynamoDB, Secrets Manager) that throttles:
   * HTTP 400, {@code x-amzn-ErrorType: ThrottlingException} and {@code {"__type":
   * "ThrottlingException", "message": "Rate exceeded"}}, as Glue does when its request rate quota
   * is exceeded.
   */
  static AwsErrorStub throttlingJsonService() {
    return start(
        400,
        "ThrottlingException",
        "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
  }

  private static AwsErrorStub start(int status, String errorType, String body) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the AWS error stub on 127.0.0.1", e);
    }
    AwsErrorStub stub = new AwsErrorStub(server);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          stub.targets.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target")));
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
          exchange.getResponseHeaders().add("x-amzn-RequestId", "stub-" + stub.targets.size());
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    return stub;
  }

  /**
   * The stub's URL, e.g. {@code http://127.0.0.1:40123}, for an environment's endpoint-override.
   */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The {@code X-Amz-Target} of every request received so far, in order. */
  List<String> targets() {
    return List.copyOf(targets);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
