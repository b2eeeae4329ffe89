package dev.opentier.curation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.MetricsAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Security round, finding 8: curation-streams' metrics are not for anyone who can reach the port. */
class HealthEndpointTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void metricsAskForTheTokenWhenOneIsSetAndHealthStaysOpen() throws Exception {
    MetricsAccess access = MetricsAccess.from(Settings.of(Map.of(MetricsAccess.TOKEN, "a metrics token")));
    try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", 0, "OPENTIER_STREAMS_PORT", () -> true, () -> "opentier_up 1\n", access)) {
      String base = "http://127.0.0.1:" + endpoint.port();
      assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(403);
      assertThat(get(base + "/metrics", "Bearer a wrong token").statusCode()).isEqualTo(403);
      HttpResponse<String> allowed = get(base + "/metrics", "Bearer a metrics token");
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.body()).contains("opentier_up 1");
      assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenLoopbackClientsReadThem() throws Exception {
    MetricsAccess access = MetricsAccess.from(Settings.of(Map.of()));
    try (HealthEndpoint endpoint = HealthEndpoint.start("127.0.0.1", 0, "OPENTIER_STREAMS_PORT", () -> true, () -> "opentier_up 1\n", access)) {
      assertThat(get("http://127.0.0.1:" + endpoint.port() + "/metrics", null).statusCode()).isEqualTo(200);
    }
    assertThat(access.allows(null, java.net.InetAddress.getByName("192.0.2.10"))).isFalse();
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) request.header("Authorization", authorization);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
