package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.platform.db.Database;
import dev.opentier.queryapi.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accounts and sessions through HTTP on the real gateway, with a real PostgreSQL. */
class AuthIT {
  private static final ObjectMapper json = new ObjectMapper();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static TestGateway app;
  private static Database database;
  private static String base;

  @BeforeAll
  static void start() throws IOException {
    app = new TestGateway();
    database = app.database;
    base = app.base;
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void theAccountLifecycleThroughHttp() throws Exception {
    assertThat(post("/api/auth/register", Map.of("email", "ada@example.org", "password", "analytical engine", "name", "Ada"), null).statusCode())
        .isEqualTo(201);
    assertThat(post("/api/auth/register", Map.of("email", "ADA@example.org", "password", "another password"), null).statusCode())
        .as("e-mail addresses are unique regardless of case").isEqualTo(409);

    HttpResponse<String> login = post("/api/auth/login", Map.of("email", "ada@example.org", "password", "analytical engine"), null);
    assertThat(login.statusCode()).isEqualTo(200);
    String token = body(login).get("token").asText();
    assertThat(token).matches("[0-9a-f]{64}");
    assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
        assertThat(cookie).contains("opentier_session=" + token).contains("HttpOnly").containsIgnoringCase("SameSite=Lax"));

    HttpResponse<String> me = get("/api/auth/me", token);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(body(me).get("email").asText()).isEqualTo("ada@example.org");
    assertThat(body(me).get("role").asText()).isEqualTo("user");

    // A second session, then a password change from the first ends the second.
    String other = body(post("/api/auth/login", Map.of("email", "ada@example.org", "password", "analytical engine"), null)).get("token").asText();
    assertThat(body(get("/api/account/sessions", token))).hasSize(2);
    assertThat(post("/api/account/password", Map.of("current_password", "analytical engine", "new_password", "difference engine"), token).statusCode())
        .isEqualTo(204);
    assertThat(get("/api/auth/me", other).statusCode()).isEqualTo(401);
    assertThat(get("/api/auth/me", token).statusCode()).isEqualTo(200);
    assertThat(post("/api/auth/login", Map.of("email", "ada@example.org", "password", "analytical engine"), null).statusCode()).isEqualTo(401);

    assertThat(post("/api/auth/logout", Map.of(), token).statusCode()).isEqualTo(204);
    assertThat(get("/api/auth/me", token).statusCode()).isEqualTo(401);
  }

  @Test
  void theDatabaseNeverHoldsARawToken() throws Exception {
    post("/api/auth/register", Map.of("email", "grace@example.org", "password", "compiler first"), null);
    String token = body(post("/api/auth/login", Map.of("email", "grace@example.org", "password", "compiler first"), null)).get("token").asText();

    List<byte[]> hashes = database.dsl().select(SESSIONS.TOKEN_HASH).from(SESSIONS).fetch(SESSIONS.TOKEN_HASH);
    assertThat(hashes).allSatisfy(hash -> {
      assertThat(hash).hasSize(32);
      assertThat(HexFormat.of().formatHex(hash)).isNotEqualTo(token);
      assertThat(new String(hash, StandardCharsets.ISO_8859_1)).doesNotContain(token);
    });
    String dump = database.dsl().fetch("select s.*::text from sessions s").formatCSV();
    assertThat(dump).doesNotContain(token);
  }

  @Test
  void signInDoesNotRevealWhetherAnAccountExists() throws Exception {
    post("/api/auth/register", Map.of("email", "linus@example.org", "password", "a kernel of truth"), null);

    HttpResponse<String> wrongPassword = post("/api/auth/login", Map.of("email", "linus@example.org", "password", "wrong password!"), null);
    HttpResponse<String> noAccount = post("/api/auth/login", Map.of("email", "nobody@example.org", "password", "wrong password!"), null);

    assertThat(wrongPassword.statusCode()).isEqualTo(401).isEqualTo(noAccount.statusCode());
    assertThat(body(wrongPassword).get("message")).isEqualTo(body(noAccount).get("message"));
  }

  @Test
  void badTokensAndExpiredOrDisabledSessionsAre401WithTheErrorShape() throws Exception {
    post("/api/auth/register", Map.of("email", "tim@example.org", "password", "world wide web"), null);
    String token = body(post("/api/auth/login", Map.of("email", "tim@example.org", "password", "world wide web"), null)).get("token").asText();

    for (String bad : new String[] {null, "not-a-token", "0".repeat(64), token.toUpperCase()}) {
      HttpResponse<String> response = get("/api/auth/me", bad);
      assertThat(response.statusCode()).as("token %s", bad).isEqualTo(401);
      assertThat(body(response).get("error").asText()).isEqualTo("unauthenticated");
      assertThat(body(response).get("request_id").asText()).isNotBlank();
    }
    database.dsl().update(SESSIONS).set(SESSIONS.EXPIRES_AT, OffsetDateTime.now().minusMinutes(1))
        .where(SESSIONS.TOKEN_HASH.eq(SessionToken.hash(token))).execute();
    assertThat(get("/api/auth/me", token).statusCode()).as("expired").isEqualTo(401);

    String fresh = body(post("/api/auth/login", Map.of("email", "tim@example.org", "password", "world wide web"), null)).get("token").asText();
    database.dsl().execute("update users set disabled_at = now() where email = 'tim@example.org'");
    assertThat(get("/api/auth/me", fresh).statusCode()).as("disabled user").isEqualTo(401);
  }

  @Test
  void cookieAuthenticatedUnsafeRequestsFromAnotherSiteAreRefused() throws Exception {
    post("/api/auth/register", Map.of("email", "eve@example.org", "password", "cross site forgery"), null);
    String token = body(post("/api/auth/login", Map.of("email", "eve@example.org", "password", "cross site forgery"), null)).get("token").asText();

    HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/logout"))
        .header("Cookie", "opentier_session=" + token).header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(body(forged).get("error").asText()).isEqualTo("csrf");
    assertThat(get("/api/auth/me", token).statusCode()).as("the session survived").isEqualTo(200);

    HttpResponse<String> sameOrigin = http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/logout"))
        .header("Cookie", "opentier_session=" + token).header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(sameOrigin.statusCode()).isEqualTo(204);
  }

  @Test
  void badInputGetsAClear400AndNothingIsStored() throws Exception {
    assertThat(raw("/api/auth/register", "{not json").statusCode()).isEqualTo(400);
    assertThat(body(raw("/api/auth/register", "{\"email\": [1], \"password\": \"long enough pass\"}")).get("error").asText()).isEqualTo("invalid_json");
    assertThat(body(post("/api/auth/register", Map.of("email", "x@y", "password", "long enough pass"), null)).get("message").asText())
        .isEqualTo("email is not a valid e-mail address");
    assertThat(post("/api/auth/register", Map.of("email", "short@example.org", "password", "short"), null).statusCode()).isEqualTo(400);
    assertThat(post("/api/auth/register", Map.of("email", "'; drop table users; --@example.org", "password", "long enough pass"), null).statusCode())
        .isEqualTo(400);
    assertThat(raw("/api/auth/register", "{\"email\":\"" + "a".repeat(2_000_000) + "\"}").statusCode()).isEqualTo(413);
    assertThat(database.dsl().fetchCount(dev.opentier.platform.db.schema.Tables.USERS,
        dev.opentier.platform.db.schema.Tables.USERS.EMAIL.in("x@y", "short@example.org"))).isZero();
  }

  @Test
  void passwordsAndSessionTokensNeverReachTheLog() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured = new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      post("/api/auth/register", Map.of("email", "quiet@example.org", "password", "a very secret passphrase"), null);
      HttpResponse<String> login = post("/api/auth/login", Map.of("email", "quiet@example.org", "password", "a very secret passphrase"), null);
      String token = body(login).get("token").asText();
      get("/api/auth/me", token);
      post("/api/auth/login", Map.of("email", "quiet@example.org", "password", "a wrong secret passphrase"), null);

      assertThat(captured.list).isNotEmpty();
      assertThat(captured.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
          .doesNotContain("a very secret passphrase").doesNotContain("a wrong secret passphrase").doesNotContain(token));
    } finally {
      root.detachAppender(captured);
    }
  }

  @Test
  void aSessionEndedBehindTheGatewaysBackStopsWorkingWithinTheCacheTime() throws Exception {
    post("/api/auth/register", Map.of("email", "mallet@example.org", "password", "two seconds at most"), null);
    String token = body(post("/api/auth/login", Map.of("email", "mallet@example.org", "password", "two seconds at most"), null)).get("token").asText();
    assertThat(get("/api/auth/me", token).statusCode()).isEqualTo(200);

    // Another writer (a second gateway instance, an operator's SQL) ends the session.
    database.dsl().deleteFrom(SESSIONS).where(SESSIONS.TOKEN_HASH.eq(SessionToken.hash(token))).execute();

    // OPENTIER_SESSION_CACHE_SECONDS is 2 by default: the gateway may remember it that long, no longer.
    await().atMost(Duration.ofSeconds(6)).until(() -> get("/api/auth/me", token).statusCode() == 401);
  }

  @Test
  void theFirstAdminComesFromTheEnvironment() throws Exception {
    String token = body(post("/api/auth/login", Map.of("email", "root@example.org", "password", "correct horse battery"), null)).get("token").asText();

    assertThat(body(get("/api/auth/me", token)).get("role").asText()).isEqualTo("admin");
  }

  private static HttpResponse<String> post(String path, Map<String, ?> body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> raw(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) request.header("Authorization", "Bearer " + token);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode body(HttpResponse<String> response) throws IOException {
    return json.readTree(response.body());
  }
}
