package dev.opentier.queryapi.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opentier.queryapi.TestGateway;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-in with GitHub (plain OAuth2: no id_token; the user and e-mails APIs) against a local
 * server that speaks GitHub's wire protocol for those four endpoints.
 */
class GitHubOAuthIT {
  private static HttpServer github;
  private static TestGateway app;
  private static final List<String> tokenRequests = new CopyOnWriteArrayList<>();
  private static final AtomicBoolean primaryVerified = new AtomicBoolean(true);
  private static final java.util.concurrent.atomic.AtomicReference<String> primaryEmail = new java.util.concurrent.atomic.AtomicReference<>();
  private static final java.util.concurrent.atomic.AtomicLong userId = new java.util.concurrent.atomic.AtomicLong();
  private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    github = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    github.createContext("/login/oauth/authorize", GitHubOAuthIT::authorize);
    github.createContext("/login/oauth/access_token", exchange -> {
      tokenRequests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      reply(exchange, "{\"access_token\":\"gho_test\",\"token_type\":\"bearer\",\"scope\":\"read:user,user:email\"}");
    });
    github.createContext("/user/emails", exchange -> reply(exchange, bearer(exchange)
        ? "[{\"email\":\"other@example.org\",\"primary\":false,\"verified\":true},"
          + "{\"email\":\"" + primaryEmail.get() + "\",\"primary\":true,\"verified\":" + primaryVerified.get() + "}]" : null));
    github.createContext("/user", exchange -> reply(exchange, bearer(exchange)
        ? "{\"id\":" + userId.get() + ",\"login\":\"octocat\",\"name\":\"The Octocat\"}" : null));
    github.start();
    String base = "http://127.0.0.1:" + github.getAddress().getPort();
    app = new TestGateway(Map.of(
        "OPENTIER_OAUTH_GITHUB_CLIENT_ID", "gh-client",
        "OPENTIER_OAUTH_GITHUB_CLIENT_SECRET", "gh-secret",
        "OPENTIER_OAUTH_GITHUB_AUTHORIZATION_URL", base + "/login/oauth/authorize",
        "OPENTIER_OAUTH_GITHUB_TOKEN_URL", base + "/login/oauth/access_token",
        "OPENTIER_OAUTH_GITHUB_USERINFO_URL", base + "/user",
        "OPENTIER_OAUTH_GITHUB_EMAILS_URL", base + "/user/emails"));
  }

  @AfterAll
  static void stop() {
    app.close();
    github.stop(0);
  }

  @Test
  void aGitHubSignInCreatesTheAccountFromTheVerifiedPrimaryAddress() throws Exception {
    primaryVerified.set(true);
    primaryEmail.set("octo@example.org");
    userId.set(583231);
    HttpResponse<String> back = signIn();

    assertThat(back.headers().firstValue("Location")).hasValue(app.base + "/");
    String session = back.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("opentier_session="))
        .map(c -> c.substring(17, c.indexOf(';'))).findFirst().orElseThrow();
    HttpResponse<String> me = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/me"))
        .header("Authorization", "Bearer " + session).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(TestGateway.json(me).get("email").asText()).isEqualTo("octo@example.org");
    assertThat(TestGateway.json(me).get("name").asText()).isEqualTo("The Octocat");
    Map<String, String> form = form(tokenRequests.getLast());
    assertThat(form).containsEntry("client_id", "gh-client").containsEntry("grant_type", "authorization_code").containsKey("code_verifier");
  }

  @Test
  void anUnverifiedGitHubAddressDoesNotLinkToAnExistingAccount() throws Exception {
    app.signIn("octo-victim@example.org", "the real owner's password");
    primaryVerified.set(false);
    primaryEmail.set("octo-victim@example.org");
    userId.set(999001);

    HttpResponse<String> back = signIn();

    assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=email_not_verified"));
  }

  private static HttpResponse<String> signIn() throws Exception {
    HttpResponse<String> start = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/oauth/github/start")).build(),
        HttpResponse.BodyHandlers.ofString());
    String state = start.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("opentier_oauth="))
        .map(c -> c.substring(15, c.indexOf(';'))).findFirst().orElseThrow();
    HttpResponse<String> authorize = browser.send(HttpRequest.newBuilder(URI.create(start.headers().firstValue("Location").orElseThrow())).build(),
        HttpResponse.BodyHandlers.ofString());
    return browser.send(HttpRequest.newBuilder(URI.create(authorize.headers().firstValue("Location").orElseThrow()))
        .header("Cookie", "opentier_oauth=" + state).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** GitHub's authorize page, with the user already consenting: back to redirect_uri with a code and the state. */
  private static void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
    String location = query.get("redirect_uri") + "?code=gh-code-" + System.nanoTime() + "&state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private static boolean bearer(HttpExchange exchange) {
    return "Bearer gho_test".equals(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  private static void reply(HttpExchange exchange, String json) throws IOException {
    byte[] body = (json == null ? "{\"message\":\"Bad credentials\"}" : json).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(json == null ? 401 : 200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> form(String encoded) {
    return java.util.Arrays.stream(encoded.split("&")).map(p -> p.split("=", 2))
        .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "", (a, b) -> b));
  }
}
