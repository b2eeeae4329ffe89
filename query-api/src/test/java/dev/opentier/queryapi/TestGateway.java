package dev.opentier.queryapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.testing.ScratchDatabase;
import dev.opentier.platform.testing.TestBroker;
import dev.opentier.platform.testing.TestSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
  private final Map<String, String> settings;
  /** Where mail goes without an SMTP server (unless a test sets OPENTIER_MAIL_DIR itself). */
  public final Path mailDrop;

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
    mailDrop = Files.createTempDirectory("opentier-mail-drop");
    env.put("OPENTIER_MAIL_DIR", mailDrop.toString());
    env.putAll(extra);
    settings = Map.copyOf(env);
    gateway = QueryApi.start(Settings.of(env));
    base = "http://127.0.0.1:" + gateway.port();
    database = scratch.connect();
  }

  /** The settings this gateway was started with. */
  public Map<String, String> settings() {
    return settings;
  }

  /** A second gateway instance over the same database and settings, on a port of its own (the caller closes it). */
  public QueryApi startAnother() throws IOException {
    return startAnother(Map.of());
  }

  /** Another gateway instance with some settings of its own. */
  public QueryApi startAnother(Map<String, String> overrides) throws IOException {
    Map<String, String> env = new java.util.HashMap<>(settings);
    env.putAll(overrides);
    try (ServerSocket socket = new ServerSocket(0)) {
      env.put("OPENTIER_HTTP_PORT", Integer.toString(socket.getLocalPort()));
    }
    return QueryApi.start(Settings.of(env));
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

  /** The token of the newest link in the mail drop for {@code email} whose page is {@code page} ("verify", "reset-password"). */
  public String linkToken(String email, String page) throws IOException {
    Pattern link = Pattern.compile("/" + page + "\\?token=([0-9a-f]{64})");
    try (Stream<Path> files = Files.list(mailDrop)) {
      return files.sorted(Comparator.reverseOrder()).map(file -> {
        try {
          return Files.readString(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).filter(text -> text.contains("\nTo: " + email + "\n")).map(link::matcher).filter(Matcher::find).map(m -> m.group(1))
          .findFirst().orElseThrow(() -> new AssertionError("no " + page + " link for " + email + " in " + mailDrop));
    }
  }

  public static JsonNode json(HttpResponse<String> response) throws IOException {
    return JSON.readTree(response.body());
  }

  @Override
  public void close() {
    gateway.close();
    database.close();
    scratch.close();
    try (Stream<Path> files = Files.walk(mailDrop)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
