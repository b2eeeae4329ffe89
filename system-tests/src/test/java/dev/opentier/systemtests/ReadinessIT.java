package dev.opentier.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.intelligence.IntelligenceServer;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import dev.opentier.platform.testing.TestSecrets;
import dev.opentier.queryapi.QueryApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway and the real intelligence service, each started the way its main starts it. */
class ReadinessIT {
  private static final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private ScratchDatabase scratch;
  private Settings settings;
  private QueryApi gateway;
  private IntelligenceServer intelligence;

  @BeforeEach
  void startGatewayWithIntelligenceDown() {
    scratch = ScratchDatabase.create();
    var database = scratch.settings();
    Map<String, String> env = new HashMap<>();
    env.put("OPENTIER_DB_URL", database.url());
    env.put("OPENTIER_DB_USER", database.user());
    env.put("OPENTIER_DB_PASSWORD", database.password());
    env.put("OPENTIER_KAFKA_BOOTSTRAP", TestBroker.bootstrapServers());
    env.put("OPENTIER_HTTP_PORT", Integer.toString(FreePort.find()));
    env.putAll(TestSecrets.settings());
    int intelligencePort = FreePort.find();
    env.put("OPENTIER_INTELLIGENCE_PORT", Integer.toString(intelligencePort));
    env.put("OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:" + intelligencePort);
    env.put("OPENTIER_INTELLIGENCE_DB_CHECK_SECONDS", "1");
    settings = Settings.of(env);
    gateway = QueryApi.start(settings);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (intelligence != null) intelligence.close();
    gateway.close();
    scratch.close();
  }

  @Test
  void readyFollowsIntelligenceDownAndUpWithoutRestartingTheGateway() throws Exception {
    // Given the gateway booted while intelligence was not running
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> down = get("/ready");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(components(down)).containsEntry("database", "up").containsEntry("kafka", "up").containsEntry("intelligence", "down");

    // When intelligence starts, /ready turns green by itself
    intelligence = IntelligenceServer.start(settings);
    awaitReadyStatus(200);
    assertThat(components(get("/ready"))).containsEntry("intelligence", "up");

    // When it stops, /ready says so
    intelligence.close();
    intelligence = null;
    awaitReadyStatus(503);

    // And when it comes back on the same address, the same gateway sees it again
    intelligence = IntelligenceServer.start(settings);
    awaitReadyStatus(200);
  }

  @Test
  void everyResponseCarriesARequestIdAndUnknownRoutesAnswerJsonErrors() throws Exception {
    HttpResponse<String> echoed = http.send(HttpRequest.newBuilder(uri("/health")).header("X-Request-Id", "trace-42").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(echoed.headers().firstValue("X-Request-Id")).hasValue("trace-42");

    HttpResponse<String> missing = http.send(HttpRequest.newBuilder(uri("/no/such/route"))
        .header("X-Request-Id", "bad id with spaces").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    JsonNode body = json.readTree(missing.body());
    assertThat(body.get("error").asText()).isEqualTo("not_found");
    String generated = missing.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(generated).matches("[0-9a-f]{24}");
    assertThat(body.get("request_id").asText()).isEqualTo(generated);
  }

  private void awaitReadyStatus(int status) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .until(() -> get("/ready").statusCode() == status);
  }

  private Map<String, String> components(HttpResponse<String> response) throws Exception {
    Map<String, String> components = new HashMap<>();
    json.readTree(response.body()).get("components").properties()
        .forEach(entry -> components.put(entry.getKey(), entry.getValue().asText()));
    return components;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }
}
