package dev.opentier.queryapi.edge;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.MetricsAccess;
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
import java.time.Duration;

/**
 * The gateway's Prometheus metrics: every request timed by method, route (the template, never the
 * raw path) and status; event streams and JVM memory. {@code GET /metrics} serves them to loopback
 * clients, or to anyone presenting {@code OPENTIER_METRICS_TOKEN} as a Bearer token when that is set
 * ({@link MetricsAccess}).
 */
public final class HttpMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MetricsAccess access;
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public HttpMetrics(Settings settings) {
    this.access = MetricsAccess.from(settings);
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
    try {
      return access.allows(ctx.header("Authorization"), InetAddress.getByName(ctx.req().getRemoteAddr()));
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
