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
  /** The PKCE challenge each issued code was bound to, as a real provider keeps it. */
  private static final Map<String, String> challenges = new java.util.concurrent.ConcurrentHashMap<>();
  private static final AtomicBoolean primaryVerified = new AtomicBoolean(true);
  private static final java.util.concurrent.atomic.AtomicReference<String> primaryEmail = new java.util.concurrent.atomic.AtomicReference<>();
  private static final java.util.concurrent.atomic.AtomicLong userId = new java.util.concurrent.atomic.AtomicLong();
  private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    github = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    github.createContext("/login/oauth/authorize", GitHubOAuthIT::authorize);
    github.createContext("/login/oauth/access_token", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      tokenRequests.add(body);
      Map<String, String> form = form(body);
      String challenge = challenges.remove(form.get("code"));
      String verifier = form.get("code_verifier");
      if (challenge == null || verifier == null || !challenge.equals(OAuthRoutes.challenge(verifier))) {
        reply(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE verification failed\"}");
        return;
      }
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

  @Test
  void anInjectedCodeFailsPkceAndTheSignInFailsCleanly() throws Exception {
    primaryVerified.set(true);
    primaryEmail.set("injected@example.org");
    userId.set(424242);
    // The attacker runs a flow of their own and keeps the code the provider gives them…
    Flow attacker = startAndAuthorize();
    // …and plants it in the victim's browser, whose own flow holds a different PKCE verifier.
    Flow victim = startAndAuthorize();
    String planted = victim.callbackUrl().replaceFirst("code=[^&]+", "code=" + codeOf(attacker.callbackUrl()));

    HttpResponse<String> back = browser.send(HttpRequest.newBuilder(URI.create(planted))
        .header("Cookie", "opentier_oauth=" + victim.state()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=provider_error"));
    assertThat(back.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("opentier_session=") && c.length() > 30);
  }

  private record Flow(String callbackUrl, String state) {}

  private static Flow startAndAuthorize() throws Exception {
    HttpResponse<String> start = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/oauth/github/start")).build(),
        HttpResponse.BodyHandlers.ofString());
    String state = start.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("opentier_oauth="))
        .map(c -> c.substring(15, c.indexOf(';'))).findFirst().orElseThrow();
    HttpResponse<String> authorize = browser.send(HttpRequest.newBuilder(URI.create(start.headers().firstValue("Location").orElseThrow())).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Flow(authorize.headers().firstValue("Location").orElseThrow(), state);
  }

  private static String codeOf(String callbackUrl) {
    return form(URI.create(callbackUrl).getRawQuery()).get("code");
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
    String code = "gh-code-" + System.nanoTime();
    challenges.put(code, query.get("code_challenge"));
    String location = query.get("redirect_uri") + "?code=" + code + "&state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private static boolean bearer(HttpExchange exchange) {
    return "Bearer gho_test".equals(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  private static void reply(HttpExchange exchange, String json) throws IOException {
    reply(exchange, json == null ? 401 : 200, json == null ? "{\"message\":\"Bad credentials\"}" : json);
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
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
