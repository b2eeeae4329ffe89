package dev.opentier.queryapi.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.queryapi.QueryApi;
import dev.opentier.queryapi.TestGateway;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-in is limited per client; a trusted proxy's X-Forwarded-For tells clients apart, anyone else's is ignored. */
class RateLimitIT {
  private static TestGateway app;

  @BeforeAll
  static void start() throws Exception {
    app = new TestGateway(Map.of("OPENTIER_RATE_AUTH_PER_MINUTE", "3", "OPENTIER_TRUSTED_PROXIES", "127.0.0.1/32"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void theFourthSignInAttemptInAMinuteIs429WithRetryAfterAndTwoClientsBehindAProxyDoNotShare() throws Exception {
    Map<String, String> alice = Map.of("X-Forwarded-For", "198.51.100.7");
    Map<String, String> bob = Map.of("X-Forwarded-For", "203.0.113.9");
    Map<String, String> attempt = Map.of("email", "someone@example.org", "password", "not the password");

    for (int i = 1; i <= 3; i++) {
      HttpResponse<String> response = app.send("POST", "/api/auth/login", attempt, null, alice);
      assertThat(response.statusCode()).as("attempt %d", i).isEqualTo(401);
      assertThat(response.headers().firstValue("RateLimit-Remaining")).hasValue(Integer.toString(3 - i));
    }
    HttpResponse<String> fourth = app.send("POST", "/api/auth/login", attempt, null, alice);

    assertThat(fourth.statusCode()).isEqualTo(429);
    assertThat(TestGateway.json(fourth).get("error").asText()).isEqualTo("rate_limited");
    assertThat(fourth.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
    assertThat(app.send("POST", "/api/auth/login", attempt, null, bob).statusCode()).as("another client behind the proxy").isEqualTo(401);
  }

  /** Security round, finding 2: another spelling of the sign-in path is the same route, on the same budget. */
  @Test
  void signInAttemptsUnderOtherSpellingsShareTheStrictBudget() throws Exception {
    Map<String, String> carol = Map.of("X-Forwarded-For", "192.0.2.44");
    Map<String, String> attempt = Map.of("email", "someone@example.org", "password", "not the password");
    int tried = 0;
    for (String spelling : new String[] {"/api/auth/login/", "//api/auth/login", "/api/auth/%6Cogin", "/api/auth/LOGIN"}) {
      HttpResponse<String> response = app.send("POST", spelling, attempt, null, carol);
      if (response.statusCode() == 404) continue; // not a route: no password was checked
      assertThat(response.statusCode()).as(spelling).isEqualTo(401);
      assertThat(response.headers().firstValue("RateLimit-Limit")).as(spelling).hasValue("3");
      tried++;
    }
    assertThat(tried).as("the trailing slash reaches the sign-in route").isPositive();
    for (; tried < 3; tried++) assertThat(app.send("POST", "/api/auth/login/", attempt, null, carol).statusCode()).isEqualTo(401);
    assertThat(app.send("POST", "/api/auth/login/", attempt, null, carol).statusCode()).isEqualTo(429);
    assertThat(app.send("POST", "/api/auth/password-reset/request/", Map.of("email", "someone@example.org"), null, carol).statusCode())
        .as("every sign-in route shares the client's budget").isEqualTo(429);
  }

  /** With two gateways, a client that alternates between them has one sign-in budget, not two. */
  @Test
  void twoGatewaysShareOneSignInBudget() throws Exception {
    Map<String, String> dave = Map.of("X-Forwarded-For", "192.0.2.77");
    Map<String, String> attempt = Map.of("email", "someone@example.org", "password", "not the password");
    try (QueryApi second = app.startAnother()) {
      String other = "http://127.0.0.1:" + second.port();
      assertThat(app.send("POST", "/api/auth/login", attempt, null, dave).statusCode()).isEqualTo(401);
      assertThat(sendTo(other, attempt, dave).statusCode()).isEqualTo(401);
      assertThat(app.send("POST", "/api/auth/login", attempt, null, dave).statusCode()).isEqualTo(401);
      HttpResponse<String> fourth = sendTo(other, attempt, dave);
      assertThat(fourth.statusCode()).as("the other gateway counts the first one's attempts").isEqualTo(429);
      assertThat(fourth.headers().firstValue("Retry-After")).isPresent();
    }
  }

  private static HttpResponse<String> sendTo(String base, Map<String, String> body, Map<String, String> headers) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/auth/login"))
        .header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body)));
    headers.forEach(request::header);
    return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUntrustedPeersForwardedForIsIgnored() {
    ClientAddress none = new ClientAddress("");
    ClientAddress proxy = new ClientAddress("10.0.0.0/8, ::1");

    assertThat(none.resolve("192.0.2.1", "198.51.100.7")).isEqualTo("192.0.2.1");
    assertThat(proxy.resolve("10.1.2.3", "198.51.100.7, 10.9.9.9")).isEqualTo("198.51.100.7");
    assertThat(proxy.resolve("192.0.2.1", "198.51.100.7")).isEqualTo("192.0.2.1");
    assertThat(proxy.resolve("10.1.2.3", "not-an-ip")).isEqualTo("10.1.2.3");
  }
}
