package dev.opentier.queryapi.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.queryapi.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Browsers on the configured origins may call the API; others get no CORS permission. */
class CorsIT {
  private static TestGateway app;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    app = new TestGateway(Map.of("OPENTIER_CORS_ORIGINS", "https://ui.example.org"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void onlyTheConfiguredOriginIsAllowed() throws Exception {
    HttpResponse<String> allowed = preflight("https://ui.example.org");
    HttpResponse<String> other = preflight("https://evil.example");

    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ui.example.org");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  private static HttpResponse<String> preflight(String origin) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/me"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin).header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.ofString());
  }
}
