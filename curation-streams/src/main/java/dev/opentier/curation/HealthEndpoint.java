package dev.opentier.curation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.service.RequestId;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code GET /health} for the launcher and orchestrators: the process is alive. A JDK HTTP server
 * is enough here; the public HTTP edge is query-api's.
 */
final class HealthEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("http");
  private static final byte[] BODY =
      "{\"status\":\"up\",\"topology\":\"not built yet\"}".getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;

  private HealthEndpoint(HttpServer server) {
    this.server = server;
  }

  static HealthEndpoint start(String host, int port, String portSetting) throws IOException {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (BindException e) {
      throw new SettingException(portSetting, "port " + port + " on " + host + " is already in use");
    }
    server.createContext("/health", HealthEndpoint::respond);
    server.start();
    return new HealthEndpoint(server);
  }

  private static void respond(HttpExchange exchange) throws IOException {
    String requestId = RequestId.acceptOrGenerate(exchange.getRequestHeaders().getFirst("X-Request-Id"));
    long started = System.nanoTime();
    try (exchange) {
      boolean get = "GET".equals(exchange.getRequestMethod());
      exchange.getResponseHeaders().set("X-Request-Id", requestId);
      byte[] body = get ? BODY : "{\"error\":\"method_not_allowed\"}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(get ? 200 : 405, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      MDC.put(RequestId.MDC_KEY, requestId);
      log.info("{} {} {} {}ms", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getResponseCode(), (System.nanoTime() - started) / 1_000_000);
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
