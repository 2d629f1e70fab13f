package io.lakeplan.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built documentation site (docs/target/site) in headless Chromium — Debian's package, set up
 * by bin/setup-chromium, which this test runs and which must succeed (no Chromium is a failure,
 * never a skip). The site is served on 127.0.0.1; starting at the home page, every page reachable
 * by an internal link is opened, and the test fails on a link to a page or file that does not
 * exist, a link to an anchor that is not on its page, a console error or uncaught exception, a
 * failed or 4xx/5xx request, or any request leaving the site (the site must work offline). The
 * orders example's plan graph must render as an SVG with every DAG (on its reference page and on
 * plans.html); screenshots of the home page and of that graph are saved in
 * docs/target/screenshots/.
 */
class DocsSiteIT {
  private static final Path ROOT =
      Path.of(System.getProperty("lakeplan.root", "..")).toAbsolutePath();
  private static final Path SITE =
      Path.of(System.getProperty("docs.site", "target/site")).toAbsolutePath();
  private static final Path SCREENSHOTS = SITE.resolveSibling("screenshots");
  private static final String GRAPH_PAGE = "reference/orders-plan.html";
  private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(30);

  private HttpServer server;
  private final Set<String> notFound = Collections.synchronizedSet(new LinkedHashSet<>());
  private Process chromium;

  @BeforeEach
  void serveSite() throws IOException {
    assertThat(SITE.resolve("index.html"))
        .as("the built site (mkdocs build runs in the docs module's prepare-package phase)")
        .isRegularFile();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = URI.create(exchange.getRequestURI().getPath()).getPath();
          Path file = SITE.resolve(path.substring(1)).normalize();
          if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
          }
          if (!file.startsWith(SITE) || !Files.isRegularFile(file)) {
            notFound.add(path);
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          byte[] body = Files.readAllBytes(file);
          exchange.getResponseHeaders().set("Content-Type", contentType(file.toString()));
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (chromium != null) {
      chromium.descendants().forEach(ProcessHandle::destroyForcibly);
      chromium.destroyForcibly();
      chromium.waitFor(10, TimeUnit.SECONDS);
    }
    server.stop(0);
  }

  @Test
  void everyPage_hasNoBrokenLinkNorConsoleError_andThePlanGraphRenders(@TempDir Path profile)
      throws Exception {
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    URI devtools = startChromium(setupChromium(), profile);

    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<String> currentPage = new AtomicReference<>("");
    AtomicReference<CompletableFuture<Void>> loaded =
        new AtomicReference<>(new CompletableFuture<>());
    try (Cdp cdp =
        Cdp.connect(
            devtools, event -> onEvent(event, base, currentPage.get(), errors, loaded.get()))) {
      String target =
          cdp.send(null, "Target.createTarget", Map.of("url", "about:blank"))
              .get("targetId")
              .asText();
      String session =
          cdp.send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
              .get("sessionId")
              .asText();
      for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
        cdp.send(session, domain + ".enable", Map.of());
      }
      cdp.send(
          session,
          "Emulation.setDeviceMetricsOverride",
          Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));

      Map<String, Set<String>> idsByPage = new LinkedHashMap<>();
      Map<String, Set<String>> anchorLinks = new LinkedHashMap<>(); // "page#id" -> linking pages
      Deque<String> queue = new ArrayDeque<>(List.of("index.html"));
      Set<String> seen = new LinkedHashSet<>(queue);
      Map<String, String> linkedFrom = new LinkedHashMap<>();
      while (!queue.isEmpty()) {
        String page = queue.poll();
        currentPage.set(
            linkedFrom.containsKey(page)
                ? page + " (linked from " + linkedFrom.get(page) + ")"
                : page);
        loaded.set(new CompletableFuture<>());
        cdp.send(session, "Page.navigate", Map.of("url", base + page));
        loaded.get().get(PAGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        settle(cdp, session);
        idsByPage.put(
            page,
            new LinkedHashSet<>(
                stringList(
                    evaluate(
                        cdp,
                        session,
                        "Array.from(document.querySelectorAll('[id],a[name]')).map(e => e.id || e.name)"))));
        for (String href :
            stringList(
                evaluate(
                    cdp,
                    session,
                    "Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"))) {
          if (!href.startsWith(base)) {
            continue; // external links are not followed (and the build has no network)
          }
          String relative = href.substring(base.length());
          int hash = relative.indexOf('#');
          String linked =
              (hash < 0 ? relative : relative.substring(0, hash)).replaceAll("\\?.*", "");
          if (linked.isEmpty() || linked.endsWith("/")) {
            linked = linked + "index.html";
          }
          if (hash >= 0 && hash < relative.length() - 1) {
            anchorLinks
                .computeIfAbsent(linked + relative.substring(hash), k -> new LinkedHashSet<>())
                .add(page);
          }
          boolean javadoc = linked.startsWith("api/") && !linked.equals("api/index.html");
          if (linked.endsWith(".html") && !javadoc && seen.add(linked)) {
            queue.add(linked);
            linkedFrom.put(linked, page);
          } else if (!linked.endsWith(".html") || javadoc) {
            checkExists(linked, page, errors);
          }
        }
        if (page.equals("index.html")) {
          screenshot(cdp, session, "home.png");
        }
        if (page.equals(GRAPH_PAGE) || page.equals("plans.html")) {
          assertGraphRendered(cdp, session, page);
        }
        if (page.equals(GRAPH_PAGE)) {
          screenshot(cdp, session, "orders-plan-graph.png");
        }
      }

      anchorLinks.forEach(
          (link, pages) -> {
            String page = link.substring(0, link.indexOf('#'));
            String id =
                java.net.URLDecoder.decode(
                    link.substring(link.indexOf('#') + 1), StandardCharsets.UTF_8);
            Set<String> ids = idsByPage.get(page);
            if (ids != null && !ids.contains(id)) {
              errors.add("broken anchor " + link + " (linked from " + pages + ")");
            }
          });
      assertThat(seen)
          .as("pages reached from the home page")
          .contains("getting-started.html", "reference/cli.html", GRAPH_PAGE, "javadoc.html")
          .hasSizeGreaterThan(20);
    }
    synchronized (notFound) {
      notFound.forEach(path -> errors.add("404 from the site server: " + path));
    }
    assertThat(errors).as("broken links, failed requests and console errors").isEmpty();
    for (String name : List.of("home.png", "orders-plan-graph.png")) {
      byte[] png = Files.readAllBytes(SCREENSHOTS.resolve(name));
      assertThat(png).as(name).hasSizeGreaterThan(10_000).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  private static void onEvent(
      JsonNode event,
      String base,
      String page,
      List<String> errors,
      CompletableFuture<Void> loaded) {
    JsonNode params = event.path("params");
    switch (event.path("method").asText()) {
      case "Page.loadEventFired" -> loaded.complete(null);
      case "Runtime.exceptionThrown" ->
          errors.add(
              page
                  + ": uncaught "
                  + params
                      .path("exceptionDetails")
                      .path("exception")
                      .path("description")
                      .asText(params.path("exceptionDetails").path("text").asText()));
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
          errors.add(page + ": console." + type + " " + params.path("args"));
        }
      }
      case "Log.entryAdded" -> {
        JsonNode entry = params.path("entry");
        if (entry.path("level").asText().equals("error")) {
          errors.add(
              page
                  + ": "
                  + entry.path("source").asText()
                  + " error "
                  + entry.path("text").asText()
                  + " "
                  + entry.path("url").asText());
        }
      }
      case "Network.requestWillBeSent" -> {
        String url = params.path("request").path("url").asText();
        if (!url.startsWith(base)
            && !url.startsWith("data:")
            && !url.startsWith("blob:")
            && !url.startsWith("about:")) {
          errors.add(page + ": request leaves the site: " + url);
        }
      }
      case "Network.responseReceived" -> {
        int status = params.path("response").path("status").asInt();
        if (status >= 400) {
          errors.add(
              page + ": HTTP " + status + " for " + params.path("response").path("url").asText());
        }
      }
      case "Network.loadingFailed" -> {
        if (!params.path("canceled").asBoolean()) {
          errors.add(page + ": request failed: " + params.path("errorText").asText());
        }
      }
      default -> {}
    }
  }

  /** Waits until the page's scripts have run: the document complete and two animation frames. */
  private static void settle(Cdp cdp, String session) throws InterruptedException {
    evaluateAwait(
        cdp,
        session,
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 150))))");
  }

  private void checkExists(String linked, String page, List<String> errors) {
    Path file = SITE.resolve(linked).normalize();
    if (!file.startsWith(SITE)
        || !(Files.isRegularFile(file) || Files.isRegularFile(file.resolve("index.html")))) {
      errors.add("broken link " + linked + " on " + page);
    }
  }

  /**
   * The graph page's Mermaid block became an SVG (inside Material's shadow root) with every DAG.
   */
  private static void assertGraphRendered(Cdp cdp, String session, String page)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(PAGE_TIMEOUT);
    List<String> text = List.of();
    while (Instant.now().isBefore(deadline)) {
      JsonNode document =
          cdp.send(session, "DOM.getDocument", Map.of("depth", -1, "pierce", true)).get("root");
      text = svgTextUnderMermaid(document, false);
      if (!text.isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(String.join(" ", text))
        .as("text of the rendered Mermaid SVG on " + page)
        .contains(
            "orders.migration",
            "orders.transformation",
            "orders.maintenance.daily",
            "orders-history.convert",
            "orders-upsert");
  }

  /** Text inside svg elements below an element of class mermaid (shadow roots included). */
  private static List<String> svgTextUnderMermaid(JsonNode node, boolean inMermaid) {
    boolean mermaid = inMermaid || classOf(node).contains("mermaid");
    List<String> text = new ArrayList<>();
    if (mermaid && node.path("nodeName").asText().equalsIgnoreCase("svg")) {
      collectText(node, text);
      return text;
    }
    for (String children : List.of("children", "shadowRoots")) {
      for (JsonNode child : node.path(children)) {
        text.addAll(svgTextUnderMermaid(child, mermaid));
      }
    }
    return text;
  }

  private static void collectText(JsonNode node, List<String> text) {
    if (node.path("nodeType").asInt() == 3 && !node.path("nodeValue").asText().isBlank()) {
      text.add(node.path("nodeValue").asText().strip());
    }
    for (String children : List.of("children", "shadowRoots")) {
      for (JsonNode child : node.path(children)) {
        collectText(child, text);
      }
    }
  }

  private static String classOf(JsonNode node) {
    JsonNode attributes = node.path("attributes");
    for (int i = 0; i + 1 < attributes.size(); i += 2) {
      if (attributes.get(i).asText().equals("class")) {
        return attributes.get(i + 1).asText();
      }
    }
    return "";
  }

  private static void screenshot(Cdp cdp, String session, String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    String png =
        cdp.send(session, "Page.captureScreenshot", Map.of("format", "png")).get("data").asText();
    Files.write(SCREENSHOTS.resolve(name), Base64.getDecoder().decode(png));
  }

  private static JsonNode evaluate(Cdp cdp, String session, String expression) {
    JsonNode result =
        cdp.send(
            session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    assertThat(result.has("exceptionDetails"))
        .as("error in " + expression + ": " + result)
        .isFalse();
    return result.path("result").path("value");
  }

  private static void evaluateAwait(Cdp cdp, String session, String expression) {
    cdp.send(
        session,
        "Runtime.evaluate",
        Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
  }

  private static List<String> stringList(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  /** Runs bin/setup-chromium; its last output line is the browser to run. */
  private static String setupChromium() throws IOException, InterruptedException {
    Process setup =
        new ProcessBuilder(ROOT.resolve("bin/setup-chromium").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(setup.waitFor(15, TimeUnit.MINUTES)).as("bin/setup-chromium finished").isTrue();
    assertThat(setup.exitValue())
        .as("bin/setup-chromium failed (its error is above); the site test needs Chromium")
        .isZero();
    return out.strip().lines().reduce((first, second) -> second).orElseThrow();
  }

  /** Starts headless Chromium with DevTools on a free port; returns its browser endpoint. */
  private URI startChromium(String executable, Path profile) throws Exception {
    chromium =
        new ProcessBuilder(
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<URI> endpoint = new CompletableFuture<>();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                  if (log.size() < 200) {
                    log.add(line);
                  }
                  int at = line.indexOf("ws://");
                  if (line.startsWith("DevTools listening on") && at >= 0) {
                    endpoint.complete(URI.create(line.substring(at).strip()));
                  }
                }
              } catch (IOException e) {
                endpoint.completeExceptionally(e);
              }
              endpoint.completeExceptionally(
                  new IllegalStateException("Chromium exited before DevTools listened: " + log));
            },
            "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return endpoint.get(60, TimeUnit.SECONDS);
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else if (name.endsWith(".json")) {
      return "application/json";
    } else if (name.endsWith(".svg")) {
      return "image/svg+xml";
    } else if (name.endsWith(".png")) {
      return "image/png";
    } else if (name.endsWith(".woff2")) {
      return "font/woff2";
    }
    return "application/octet-stream";
  }
}
