package io.lakeplan.aws.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The DataSync API for a deployment's tests: moto 5.2.5 has no HDFS location ({@code
 * CreateLocationHdfs}, {@code DescribeLocationHdfs} are not implemented), so this local HTTP server
 * answers those two calls itself, like the DataSync API (JSON 1.1, {@code X-Amz-Target:
 * FmrsService.*}), and passes every other DataSync call to moto unchanged.
 *
 * <p>So that moto's {@code CreateTask} accepts the HDFS location as a source, each HDFS location is
 * registered in moto as an SMB location with the same agents (moto checks only that a task's
 * locations exist); the stub keeps the HDFS properties, answers {@code DescribeLocationHdfs} from
 * them, and shows the location's {@code hdfs://} URI in {@code ListLocations}. What this proves:
 * the HDFS requests the deployment sends (name nodes, agents, authentication, user, subdirectory,
 * tags) and that it finds and compares HDFS locations again from DataSync's answers. What it
 * cannot: that AWS accepts them (agents online, name nodes reachable from the agents).
 */
final class DataSyncHdfsStub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "FmrsService.";

  private final URI moto;
  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, ObjectNode> hdfsLocations = new ConcurrentHashMap<>();
  private final List<JsonNode> createLocationHdfs = new CopyOnWriteArrayList<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  DataSyncHdfsStub(URI moto) throws IOException {
    this.moto = moto;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The stub's endpoint, for the DataSync client. */
  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The bodies of the {@code CreateLocationHdfs} calls received, in order. */
  List<JsonNode> createLocationHdfsRequests() {
    return List.copyOf(createLocationHdfs);
  }

  /**
   * The next call of {@code operation} fails as DataSync refuses a request, with {@code message}.
   */
  void failNext(String operation, String message) {
    failures.put(operation, message);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String operation =
          target != null && target.startsWith(PREFIX) ? target.substring(PREFIX.length()) : "";
      String failure = failures.remove(operation);
      if (failure != null) {
        ObjectNode error =
            JSON.createObjectNode()
                .put("__type", "InvalidRequestException")
                .put("message", failure);
        respond(exchange, 400, error);
        return;
      }
      switch (operation) {
        case "CreateLocationHdfs" -> createLocationHdfs(exchange, body);
        case "DescribeLocationHdfs" -> describeLocationHdfs(exchange, body);
        case "ListLocations" -> listLocations(exchange, body);
        default -> {
          HttpResponse<byte[]> answer = forward(exchange, target, body);
          exchange.getResponseHeaders().put("Content-Type", List.of("application/x-amz-json-1.1"));
          exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
          exchange.getResponseBody().write(answer.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void createLocationHdfs(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    JsonNode request = JSON.readTree(body);
    createLocationHdfs.add(request);
    JsonNode nameNode = request.get("NameNodes").get(0);
    String subdirectory = request.path("Subdirectory").asText("/");
    ObjectNode smb =
        JSON.createObjectNode()
            .put("ServerHostname", nameNode.get("Hostname").asText())
            .put("Subdirectory", subdirectory)
            .put("User", request.path("SimpleUser").asText("hdfs"))
            .put("Password", "unused");
    smb.set("AgentArns", request.get("AgentArns"));
    HttpResponse<byte[]> answer =
        forward(exchange, PREFIX + "CreateLocationSmb", JSON.writeValueAsBytes(smb));
    if (answer.statusCode() != 200) {
      respond(exchange, answer.statusCode(), JSON.readTree(answer.body()));
      return;
    }
    String arn = JSON.readTree(answer.body()).get("LocationArn").asText();
    ObjectNode location = JSON.createObjectNode();
    location.put("LocationArn", arn);
    location.put(
        "LocationUri",
        "hdfs://"
            + nameNode.get("Hostname").asText()
            + ":"
            + nameNode.get("Port").asInt()
            + (subdirectory.startsWith("/") ? "" : "/")
            + subdirectory);
    location.set("NameNodes", request.get("NameNodes"));
    location.set("AgentArns", request.get("AgentArns"));
    location.put("AuthenticationType", request.path("AuthenticationType").asText());
    if (request.has("SimpleUser")) {
      location.put("SimpleUser", request.get("SimpleUser").asText());
    }
    hdfsLocations.put(arn, location);
    respond(exchange, 200, JSON.createObjectNode().put("LocationArn", arn));
  }

  private void describeLocationHdfs(HttpExchange exchange, byte[] body) throws IOException {
    String arn = JSON.readTree(body).get("LocationArn").asText();
    ObjectNode location = hdfsLocations.get(arn);
    if (location == null) {
      respond(
          exchange,
          400,
          JSON.createObjectNode()
              .put("__type", "InvalidRequestException")
              .put("message", "Location " + arn + " is not found or not an HDFS location."));
      return;
    }
    respond(exchange, 200, location);
  }

  private void listLocations(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = forward(exchange, PREFIX + "ListLocations", body);
    JsonNode listed = JSON.readTree(answer.body());
    ArrayNode locations = JSON.createArrayNode();
    for (JsonNode entry : listed.path("Locations")) {
      ObjectNode copy = entry.deepCopy();
      ObjectNode hdfs = hdfsLocations.get(entry.get("LocationArn").asText());
      if (hdfs != null) {
        copy.put("LocationUri", hdfs.get("LocationUri").asText());
      }
      locations.add(copy);
    }
    ObjectNode rewritten = JSON.createObjectNode();
    rewritten.set("Locations", locations);
    respond(exchange, answer.statusCode(), rewritten);
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, String target, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(moto.resolve("/"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .header("X-Amz-Target", target)
            .header("Content-Type", "application/x-amz-json-1.1");
    for (String header : List.of("Authorization", "X-Amz-Date")) {
      String value = exchange.getRequestHeaders().getFirst(header);
      if (value != null) {
        request.header(header, value);
      }
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().put("Content-Type", List.of("application/x-amz-json-1.1"));
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** The HDFS locations the stub holds, by ARN. */
  List<String> hdfsLocationArns() {
    return new ArrayList<>(hdfsLocations.keySet());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
