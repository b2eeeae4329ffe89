package dev.opentier.queryapi.edge;

import dev.opentier.platform.config.Settings;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's Prometheus metrics: every request timed by method, route (the template, never the
 * raw path) and status; event streams and JVM memory. {@code GET /metrics} serves them to loopback
 * clients, or to anyone presenting {@value #TOKEN} as a Bearer token when that is set.
 */
public final class HttpMetrics implements AutoCloseable {
  public static final String TOKEN = "OPENTIER_METRICS_TOKEN";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Optional<String> token;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public HttpMetrics(Settings settings) {
    this.token = settings.optional(TOKEN);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void install(JavalinConfig config) {
    config.requestLogger.http(this::record);
  }

  /** {@code GET /metrics}. */
  public void scrape(Context ctx) {
    if (!allowed(ctx)) {
      throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "metrics are served to loopback clients, or with the metrics token");
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
  }

  private void record(Context ctx, Float millis) {
    String matched = ApiPaths.matchedRoute(ctx);
    String route = matched == null ? "unmatched" : matched;
    Timer.builder("opentier_http_requests")
        .description("HTTP requests by method, route template and status (event streams: until they end)")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram(false)
        .register(registry)
        .record(Duration.ofNanos((long) (millis * 1_000_000)));
  }

  private boolean allowed(Context ctx) {
    if (token.isPresent()) {
      String header = ctx.header("Authorization");
      String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
      return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    }
    try {
      // The socket's peer, not a forwarded header: a proxy in front must not make everyone local.
      return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
