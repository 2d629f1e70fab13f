package io.lakeplan.aws.notifications;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.model.NotificationTarget;
import io.lakeplan.model.SecretRef;
import io.lakeplan.run.Notifier;
import io.lakeplan.run.RunEvent;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts run events to Slack incoming webhooks: for each Slack target of the event's policy, the
 * JSON {@code {"text": …}} with {@link RunEvent#text()} (Slack's {@code &}, {@code <} and {@code >}
 * escaped) to the URL behind the target's secret reference, resolved when the notification is sent
 * and kept nowhere.
 *
 * <p>The URL is a secret: it never appears in a log line, a message or {@code toString()} — a
 * delivery is named by its reference ({@code secretsmanager:prod/slack-webhook}). A webhook that
 * answers other than 2xx, does not answer within {@link Builder#timeout}, cannot be reached, or
 * whose reference does not resolve is logged as a warning; the run goes on. The URL must be {@code
 * https}, or {@code http} to a loopback address (a local test receiver).
 */
public final class SlackNotifier implements Notifier {
  private static final Logger LOG = LoggerFactory.getLogger(SlackNotifier.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SecretResolver secrets;
  private final Duration timeout;
  private final HttpClient http;

  private SlackNotifier(Builder builder) {
    this.secrets = builder.secrets;
    this.timeout = builder.timeout;
    this.http =
        builder.http != null
            ? builder.http
            : HttpClient.newBuilder()
                .connectTimeout(builder.timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
  }

  /** A builder; the secret resolver is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SlackNotifier}. */
  public static final class Builder {
    private SecretResolver secrets;
    private Duration timeout = Duration.ofSeconds(10);
    private HttpClient http;

    private Builder() {}

    /** Resolves the webhook references (the environment's secret stores). Required. */
    public Builder secrets(SecretResolver secrets) {
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /**
     * The limit on connecting and on the whole request of one post (default: 10 s). A slow webhook
     * delays the run by at most this much per target and event.
     */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("Invalid timeout: " + timeout + " (must be positive)");
      }
      this.timeout = timeout;
      return this;
    }

    /** The HTTP client (default: a new one with {@link #timeout} to connect, no redirects). */
    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * The notifier.
     *
     * @throws IllegalStateException when no secret resolver was given
     */
    public SlackNotifier build() {
      if (secrets == null) {
        throw new IllegalStateException(
            "SlackNotifier needs a secret resolver: call secrets(SecretResolver)");
      }
      return new SlackNotifier(this);
    }
  }

  /** Posts {@code event} to each Slack webhook of its policy, once per reference. */
  @Override
  public void notify(RunEvent event) {
    Set<SecretRef> webhooks = new LinkedHashSet<>();
    for (NotificationTarget target : event.policy().targets()) {
      if (target instanceof NotificationTarget.Slack slack) {
        webhooks.add(slack.webhook());
      }
    }
    if (webhooks.isEmpty()) {
      return;
    }
    String body = body(event);
    for (SecretRef webhook : webhooks) {
      post(webhook, body, event);
    }
  }

  /** The JSON {@link #notify} posts for {@code event}: {@code {"text": "…"}}. */
  public static String body(RunEvent event) {
    String text = event.text().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    try {
      return JSON.writeValueAsString(Map.of("text", text));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a Slack message as JSON", e);
    }
  }

  private void post(SecretRef webhook, String body, RunEvent event) {
    String what = event.kind() + " for " + event.dagId() + taskSuffix(event);
    URI uri;
    try {
      uri = webhookUri(secrets.resolve(webhook));
    } catch (SecretResolutionException e) {
      // the resolver's message names the reference, never a value
      LOG.warn("{} not posted to Slack; the run goes on: {}", what, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "{} not posted to Slack; the run goes on: the secret behind {} is not an https URL"
              + " (store the incoming webhook's URL there)",
          what,
          webhook);
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() / 100 != 2) {
        LOG.warn(
            "{} not posted to Slack; the run goes on: webhook {} answered HTTP {}",
            what,
            webhook,
            response.statusCode());
      } else {
        LOG.debug("{} posted to Slack webhook {}", what, webhook);
      }
    } catch (HttpTimeoutException e) {
      LOG.warn(
          "{} not posted to Slack; the run goes on: webhook {} did not answer within {}",
          what,
          webhook,
          timeout);
    } catch (IOException e) {
      // the exception's message may hold the host or URL: name its type only
      LOG.warn(
          "{} not posted to Slack; the run goes on: webhook {} could not be reached ({})",
          what,
          webhook,
          e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{} not posted to Slack: interrupted while posting to webhook {}", what, webhook);
    }
  }

  /**
   * The webhook URL as a URI: https, or http to a loopback host.
   *
   * @throws IllegalArgumentException (without the value) when it is not such a URL
   */
  private static URI webhookUri(String value) {
    URI uri;
    try {
      uri = URI.create(value.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL");
    }
    String host = uri.getHost();
    boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
    if (host == null
        || !("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
      throw new IllegalArgumentException("not an https URL");
    }
    return uri;
  }

  private static String taskSuffix(RunEvent event) {
    return event.taskId() == null ? "" : "/" + event.taskId();
  }

  @Override
  public String toString() {
    return "SlackNotifier[timeout=" + timeout + "]";
  }
}
