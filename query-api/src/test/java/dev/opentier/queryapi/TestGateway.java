package dev.opentier.queryapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import dev.opentier.platform.testing.TestSecrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** The real gateway on a free port over a scratch database, and an HTTP client for it. */
public final class TestGateway implements AutoCloseable {
  public static final String ADMIN_EMAIL = "root@example.org";
  public static final String ADMIN_PASSWORD = "correct horse battery";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final ScratchDatabase scratch;
  public final Database database;
  public final QueryApi gateway;
  public final String base;

  public TestGateway() throws IOException {
    this(Map.of());
  }

  public TestGateway(Map<String, String> extra) throws IOException {
    scratch = ScratchDatabase.create();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "OPENTIER_DB_URL", scratch.settings().url(),
        "OPENTIER_DB_USER", scratch.settings().user(),
        "OPENTIER_DB_PASSWORD", scratch.settings().password(),
        "OPENTIER_KAFKA_BOOTSTRAP", TestBroker.bootstrapServers(),
        "OPENTIER_HTTP_PORT", Integer.toString(port),
        "OPENTIER_INTELLIGENCE_TARGET", "127.0.0.1:1",
        "OPENTIER_ADMIN_EMAIL", ADMIN_EMAIL,
        "OPENTIER_ADMIN_PASSWORD", ADMIN_PASSWORD,
        "OPENTIER_RATE_AUTH_PER_MINUTE", "1000"));
    env.putAll(TestSecrets.settings());
    env.putAll(extra);
    gateway = QueryApi.start(Settings.of(env));
    base = "http://127.0.0.1:" + gateway.port();
    database = scratch.connect();
  }

  public HttpResponse<String> send(String method, String path, Object body, String token) throws Exception {
    return send(method, path, body, token, Map.of());
  }

  public HttpResponse<String> send(String method, String path, Object body, String token, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) request.header("Content-Type", "application/json");
    if (token != null) request.header("Authorization", "Bearer " + token);
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, Map<String, ?> body, String token) throws Exception {
    return send("POST", path, body, token);
  }

  public HttpResponse<String> get(String path, String token) throws Exception {
    return send("GET", path, null, token);
  }

  /** Registers (if needed) and signs in; returns the token. */
  public String signIn(String email, String password) throws Exception {
    post("/api/auth/register", Map.of("email", email, "password", password), null);
    HttpResponse<String> login = post("/api/auth/login", Map.of("email", email, "password", password), null);
    if (login.statusCode() != 200) throw new AssertionError("sign-in of " + email + " failed: " + login.body());
    return json(login).get("token").asText();
  }

  public static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    gateway.close();
    database.close();
    scratch.close();
  }
}
