package io.lakeplan.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A minimal Chrome DevTools Protocol client over the JDK's WebSocket: commands with their replies,
 * and every event to one listener. Enough for DocsSiteIT; no browser driver library is needed.
 */
final class Cdp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final Consumer<JsonNode> events;

  private Cdp(URI browser, Consumer<JsonNode> events) throws Exception {
    this.events = events;
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(COMMAND_TIMEOUT)
            .buildAsync(browser, new Listener())
            .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Connects to the browser's DevTools endpoint; {@code events} gets every event message. */
  static Cdp connect(URI browser, Consumer<JsonNode> events) throws Exception {
    return new Cdp(browser, events);
  }

  /** Sends {@code method} in {@code session} (null: the browser) and waits for its result. */
  JsonNode send(String sessionId, String method, Map<String, ?> params) {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", JSON.valueToTree(params));
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      socket.sendText(JSON.writeValueAsString(message), true).join();
      JsonNode result = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (result.has("error")) {
        throw new IllegalStateException("CDP " + method + " failed: " + result.get("error"));
      }
      return result.path("result");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted waiting for CDP " + method, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("No reply to CDP " + method + " in " + COMMAND_TIMEOUT, e);
    } finally {
      pending.remove(id);
    }
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          JsonNode node = JSON.readTree(message);
          if (node.has("id")) {
            CompletableFuture<JsonNode> reply = pending.get(node.get("id").asInt());
            if (reply != null) {
              reply.complete(node);
            }
          } else {
            events.accept(node);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("Unreadable CDP message: " + message, e);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
