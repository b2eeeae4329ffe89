package dev.opentier.curation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.service.MetricsAccess;
import dev.opentier.platform.service.RequestId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code GET /health} (200 while the streams application runs, else 503) and {@code GET /metrics}
 * (Prometheus text format, to loopback clients or with the metrics token: {@link MetricsAccess}). A JDK
 * HTTP server is enough here; the public HTTP edge is query-api's.
 */
final class HealthEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("http");

  private final HttpServer server;

  private HealthEndpoint(HttpServer server) {
    this.server = server;
  }

  static HealthEndpoint start(String host, int port, String portSetting, BooleanSupplier running, Supplier<String> metrics,
                              MetricsAccess access) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (BindException e) {
      throw new SettingException(portSetting, "port " + port + " on " + host + " is already in use");
    }
    server.createContext("/health", exchange -> respond(exchange, () -> running.getAsBoolean()
        ? new Reply(200, "application/json", "{\"status\":\"up\"}")
        : new Reply(503, "application/json", "{\"status\":\"down\"}")));
    server.createContext("/metrics", exchange -> respond(exchange,
        () -> access.allows(exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRemoteAddress().getAddress())
            ? new Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.get())
            : new Reply(403, "application/json", "{\"error\":\"forbidden\",\"message\":\"metrics are served to loopback clients, or with the metrics token\"}")));
    server.start();
    return new HealthEndpoint(server);
  }

  private record Reply(int status, String contentType, String body) {}

  private static void respond(HttpExchange exchange, Supplier<Reply> handler) throws IOException {
    String requestId = RequestId.acceptOrGenerate(exchange.getRequestHeaders().getFirst("X-Request-Id"));
    long started = System.nanoTime();
    try (exchange) {
      Reply reply = "GET".equals(exchange.getRequestMethod())
          ? handler.get()
          : new Reply(405, "application/json", "{\"error\":\"method_not_allowed\",\"message\":\"only GET\",\"request_id\":\"" + requestId + "\"}");
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.getResponseHeaders().set("X-Request-Id", requestId);
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      MDC.put(RequestId.MDC_KEY, requestId);
      log.info("{} {} {} {}ms", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          reply.status(), (System.nanoTime() - started) / 1_000_000);
    } finally {
      MDC.remove(RequestId.MDC_KEY);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
