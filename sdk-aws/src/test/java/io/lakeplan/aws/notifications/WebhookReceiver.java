package io.lakeplan.aws.notifications;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Slack incoming webhook on 127.0.0.1 (a free port): keeps each request's content type and body
 * and answers with {@link #status}; while {@link #hold} is set it answers nothing until released,
 * so a client's timeout can be seen without sleeping.
 */
final class WebhookReceiver implements AutoCloseable {
  /** The path of the webhook, standing in for Slack's secret one. */
  static final String PATH = "/services/T000/B000/s3cr3t-hook-token";

  private final HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  volatile int status = 200;
  volatile boolean hold;

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        PATH,
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
          contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
          if (hold) {
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] answer = (status == 200 ? "ok" : "error").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
    server.start();
  }

  /** The webhook's URL: the secret a reference stands for. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** The bodies received, in order. */
  List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** The Content-Type headers received, in order. */
  List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
