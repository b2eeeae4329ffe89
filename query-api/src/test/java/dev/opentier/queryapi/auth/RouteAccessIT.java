package dev.opentier.queryapi.auth;

import static dev.opentier.platform.db.schema.Tables.SESSIONS;
import static dev.opentier.platform.db.schema.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.queryapi.TestGateway;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every route the gateway serves, with every kind of bad credential. The table below must name
 * each route: a new route that is not added here fails the test.
 */
class RouteAccessIT {
  private static final Map<String, Access> ROUTES = new LinkedHashMap<>();

  static {
    ROUTES.put("GET /health", Access.PUBLIC);
    ROUTES.put("GET /ready", Access.PUBLIC);
    ROUTES.put("GET /api/openapi.json", Access.PUBLIC);
    ROUTES.put("GET /api/docs", Access.PUBLIC);
    ROUTES.put("POST /api/auth/register", Access.PUBLIC);
    ROUTES.put("POST /api/auth/login", Access.PUBLIC);
    ROUTES.put("POST /api/auth/logout", Access.USER);
    ROUTES.put("GET /api/auth/me", Access.USER);
    ROUTES.put("POST /api/auth/verify/request", Access.USER);
    ROUTES.put("POST /api/auth/verify", Access.PUBLIC);
    ROUTES.put("POST /api/auth/password-reset/request", Access.PUBLIC);
    ROUTES.put("POST /api/auth/password-reset", Access.PUBLIC);
    ROUTES.put("GET /api/auth/oauth/providers", Access.PUBLIC);
    ROUTES.put("GET /api/auth/oauth/{provider}/start", Access.PUBLIC);
    ROUTES.put("GET /api/auth/oauth/{provider}/callback", Access.PUBLIC);
    ROUTES.put("POST /api/account/password", Access.USER);
    ROUTES.put("GET /api/account/sessions", Access.USER);
    ROUTES.put("DELETE /api/account/sessions/{id}", Access.USER);
    ROUTES.put("DELETE /api/account", Access.USER);
    ROUTES.put("GET /api/admin/users", Access.ADMIN);
    ROUTES.put("GET /api/admin/users/{id}", Access.ADMIN);
    ROUTES.put("PATCH /api/admin/users/{id}", Access.ADMIN);
    ROUTES.put("DELETE /api/admin/users/{id}", Access.ADMIN);
    ROUTES.put("GET /api/admin/audit", Access.ADMIN);
    ROUTES.put("GET /api/admin/stats", Access.ADMIN);
    ROUTES.put("GET /metrics", Access.PUBLIC);
    ROUTES.put("POST /api/conversations", Access.USER);
    ROUTES.put("GET /api/conversations", Access.USER);
    ROUTES.put("GET /api/conversations/{id}", Access.USER);
    ROUTES.put("PATCH /api/conversations/{id}", Access.USER);
    ROUTES.put("DELETE /api/conversations/{id}", Access.USER);
    ROUTES.put("POST /api/conversations/{id}/messages", Access.USER);
    ROUTES.put("POST /api/search", Access.USER);
    ROUTES.put("POST /api/documents", Access.USER);
    ROUTES.put("POST /api/documents/urls", Access.USER);
    ROUTES.put("GET /api/documents", Access.USER);
    ROUTES.put("GET /api/documents/{id}", Access.USER);
    ROUTES.put("PATCH /api/documents/{id}", Access.USER);
    ROUTES.put("DELETE /api/documents/{id}", Access.USER);
    ROUTES.put("POST /api/documents/{id}/grants", Access.USER);
    ROUTES.put("POST /api/documents/{id}/index-anyway", Access.USER);
    ROUTES.put("DELETE /api/documents/{id}/grants/{email}", Access.USER);
    ROUTES.put("GET /api/ingestion/jobs", Access.USER);
    ROUTES.put("GET /api/ingestion/jobs/{id}", Access.USER);
    ROUTES.put("GET /api/ingestion/jobs/{id}/events", Access.USER);
    ROUTES.put("GET /api/ops/overview", Access.ADMIN);
    ROUTES.put("GET /api/ops/events", Access.ADMIN);
    ROUTES.put("GET /api/ops/dlq", Access.ADMIN);
    ROUTES.put("POST /api/ops/dlq/replay", Access.ADMIN);
  }

  private static TestGateway app;

  @BeforeAll
  static void start() throws Exception {
    app = new TestGateway();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void theTableNamesEveryRouteTheAppServes() {
    assertThat(app.gateway.httpRoutes()).containsExactlyInAnyOrderElementsOf(ROUTES.keySet());
  }

  @Test
  void theOpenApiDescriptionDocumentsEveryRouteWithTheRightAccess() throws Exception {
    var spec = TestGateway.json(app.get("/api/openapi.json", null));
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    for (var route : ROUTES.entrySet()) {
      String method = route.getKey().substring(0, route.getKey().indexOf(' ')).toLowerCase();
      String path = route.getKey().substring(route.getKey().indexOf(' ') + 1);
      var operation = spec.path("paths").path(path).path(method);
      assertThat(operation.isMissingNode()).as("%s is in openapi.json", route.getKey()).isFalse();
      boolean documentedPublic = operation.has("security") && operation.get("security").isEmpty();
      assertThat(documentedPublic).as("%s documented as public", route.getKey()).isEqualTo(route.getValue() == Access.PUBLIC);
    }
    var docs = app.get("/api/docs", null);
    assertThat(docs.statusCode()).isEqualTo(200);
    assertThat(docs.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
  }

  @Test
  void everyProtectedRouteRefusesEveryKindOfBadCredential() throws Exception {
    Map<String, String> badTokens = new LinkedHashMap<>();
    badTokens.put("none", null);
    badTokens.put("malformed", "not-a-token");
    badTokens.put("unknown", "f".repeat(64));
    badTokens.put("expired", tokenThen("expired@example.org", t -> app.database.dsl().update(SESSIONS)
        .set(SESSIONS.EXPIRES_AT, OffsetDateTime.now().minusSeconds(1)).where(SESSIONS.TOKEN_HASH.eq(SessionToken.hash(t))).execute()));
    badTokens.put("idle", tokenThen("idle@example.org", t -> app.database.dsl().update(SESSIONS)
        .set(SESSIONS.LAST_SEEN_AT, OffsetDateTime.now().minusDays(2)).where(SESSIONS.TOKEN_HASH.eq(SessionToken.hash(t))).execute()));
    badTokens.put("revoked", tokenThen("revoked@example.org", t -> app.database.dsl().deleteFrom(SESSIONS)
        .where(SESSIONS.TOKEN_HASH.eq(SessionToken.hash(t))).execute()));
    badTokens.put("disabled", tokenThen("disabled@example.org", t -> app.database.dsl().update(USERS)
        .set(USERS.DISABLED_AT, OffsetDateTime.now()).where(USERS.EMAIL.eq("disabled@example.org")).execute()));
    String userToken = app.signIn("plain-user@example.org", "an ordinary password");

    for (var route : ROUTES.entrySet()) {
      if (route.getValue() == Access.PUBLIC) continue;
      String method = route.getKey().substring(0, route.getKey().indexOf(' '));
      String path = route.getKey().substring(route.getKey().indexOf(' ') + 1).replace("{id}", UUID.randomUUID().toString())
          .replace("{email}", "someone%40example.org");
      for (var bad : badTokens.entrySet()) {
        HttpResponse<String> response = app.send(method, path, Map.of(), bad.getValue());
        assertThat(response.statusCode()).as("%s with %s credentials", route.getKey(), bad.getKey()).isEqualTo(401);
        assertThat(TestGateway.json(response).get("error").asText()).isEqualTo("unauthenticated");
        assertThat(TestGateway.json(response).get("request_id").asText()).isNotBlank();
      }
      if (route.getValue() == Access.ADMIN) {
        HttpResponse<String> response = app.send(method, path, Map.of(), userToken);
        assertThat(response.statusCode()).as("%s with a user's token", route.getKey()).isEqualTo(403);
        assertThat(TestGateway.json(response).get("error").asText()).isEqualTo("forbidden");
      }
    }
  }

  /**
   * Security round, finding 2: the same route spelt another way (a trailing slash, a doubled slash,
   * other letter case, a percent-encoded letter) is limited on the same tier and guarded by the same
   * rule as the plain path, or is not a route at all (a JSON 404, never the web app's page).
   */
  @Test
  void everySpellingOfARouteHasThePlainPathsRateLimitTierAndAccessRule() throws Exception {
    String userToken = app.signIn("spelling@example.org", "an ordinary password");
    for (var route : ROUTES.entrySet()) {
      String method = route.getKey().substring(0, route.getKey().indexOf(' '));
      String path = route.getKey().substring(route.getKey().indexOf(' ') + 1).replace("{id}", UUID.randomUUID().toString())
          .replace("{email}", "someone%40example.org").replace("{provider}", "nowhere");
      String token = route.getValue() == Access.ADMIN ? userToken : null;
      HttpResponse<String> plain = app.send(method, path, Map.of(), token);
      for (String variant : spellings(path)) {
        HttpResponse<String> other = app.send(method, variant, Map.of(), token);
        String what = route.getKey() + " spelt " + variant;
        if (other.statusCode() == 404 && plain.statusCode() != 404) {
          assertThat(TestGateway.json(other).get("error").asText()).as(what).isEqualTo("not_found");
          continue;
        }
        assertThat(other.statusCode()).as(what).isEqualTo(plain.statusCode());
        assertThat(other.headers().firstValue("RateLimit-Limit")).as(what).isEqualTo(plain.headers().firstValue("RateLimit-Limit"));
      }
    }
  }

  private static java.util.List<String> spellings(String path) {
    int last = path.lastIndexOf('/');
    String letter = path.substring(last + 1).chars().filter(Character::isLetter).mapToObj(c -> String.valueOf((char) c)).findFirst().orElse("");
    String encoded = letter.isEmpty() ? path + "/" : path.substring(0, last + 1)
        + path.substring(last + 1).replaceFirst(letter, String.format("%%%02X", (int) letter.charAt(0)));
    return java.util.List.of(path + "/", path.replaceFirst("/", "//"), path.replace("/api/", "/api//"),
        path.toUpperCase(java.util.Locale.ROOT), encoded);
  }

  private interface TokenAction {
    void apply(String token) throws Exception;
  }

  private static String tokenThen(String email, TokenAction action) throws Exception {
    String token = app.signIn(email, "a password of some length");
    action.apply(token);
    return token;
  }
}
