package dev.opentier.queryapi.oauth;

import static dev.opentier.platform.db.schema.Tables.OAUTH_ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.queryapi.TestGateway;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sign-in with an OpenID Connect provider, against a local OAuth server that speaks the real protocol. */
class OAuthIT {
  private static final String CLIENT_ID = "opentier-test-client";
  private static MockOAuth2Server provider;
  private static TestGateway app;
  private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    provider = new MockOAuth2Server();
    provider.start();
    app = new TestGateway(Map.of(
        "OPENTIER_OAUTH_GOOGLE_CLIENT_ID", CLIENT_ID,
        "OPENTIER_OAUTH_GOOGLE_CLIENT_SECRET", "test-secret",
        "OPENTIER_OAUTH_GOOGLE_AUTHORIZATION_URL", provider.authorizationEndpointUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_TOKEN_URL", provider.tokenEndpointUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_USERINFO_URL", provider.userInfoUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_ISSUER", provider.issuerUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_JWKS_URL", provider.jwksUrl("google").toString()));
  }

  @AfterAll
  static void stop() {
    app.close();
    provider.shutdown();
  }

  @Test
  void aFullSignInWithPkceSetsTheSessionAndRedirectsToTheUi() throws Exception {
    drainRecordedRequests();
    identity("sub-ada", "ada.oauth@example.org", true);

    Flow flow = startAndAuthorize();
    HttpResponse<String> back = callback(flow.callbackUrl(), flow.stateCookie());

    assertThat(back.statusCode()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location")).hasValue(app.base + "/");
    String session = cookie(back, "opentier_session");
    assertThat(session).matches("[0-9a-f]{64}");
    HttpResponse<String> me = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/me"))
        .header("Cookie", "opentier_session=" + session).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(TestGateway.json(me).get("email").asText()).isEqualTo("ada.oauth@example.org");
    assertThat(TestGateway.json(me).get("email_verified").asBoolean()).isTrue();

    // What crossed the wire: an S256 challenge in the authorization request, its verifier in the token request.
    RecordedRequest authorize = provider.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest token = provider.takeRequest(5, TimeUnit.SECONDS);
    assertThat(authorize.getRequestUrl().queryParameter("code_challenge_method")).isEqualTo("S256");
    assertThat(authorize.getRequestUrl().queryParameter("nonce")).isNotBlank();
    Map<String, String> tokenForm = form(token.getBody().readUtf8());
    assertThat(tokenForm.get("code_verifier")).isNotBlank();
    assertThat(OAuthRoutes.challenge(tokenForm.get("code_verifier"))).isEqualTo(authorize.getRequestUrl().queryParameter("code_challenge"));
  }

  @Test
  void aWrongStateIsRefused() throws Exception {
    // No identity is queued: the callback must refuse before it ever asks the provider for a token.
    Flow flow = startAndAuthorize();

    HttpResponse<String> back = callback(flow.callbackUrl(), "0".repeat(64));

    assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/login?error=invalid_state"));
    assertThat(back.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("opentier_session=") && c.length() > 30);
  }

  @Test
  void aReplayedCodeIsRefused() throws Exception {
    identity("sub-replay", "replay.oauth@example.org", true);
    Flow flow = startAndAuthorize();
    assertThat(callback(flow.callbackUrl(), flow.stateCookie()).headers().firstValue("Location")).hasValue(app.base + "/");

    HttpResponse<String> replay = callback(flow.callbackUrl(), flow.stateCookie());

    assertThat(replay.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=invalid_state"));
  }

  @Test
  void anUnverifiedEmailDoesNotTakeOverAnExistingAccount() throws Exception {
    app.signIn("victim@example.org", "the victim's password");
    identity("sub-attacker", "victim@example.org", false);
    Flow flow = startAndAuthorize();

    HttpResponse<String> back = callback(flow.callbackUrl(), flow.stateCookie());

    assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=email_not_verified"));
    assertThat(app.database.dsl().fetchCount(OAUTH_ACCOUNTS, OAUTH_ACCOUNTS.PROVIDER_USER_ID.eq("sub-attacker"))).isZero();
  }

  /**
   * Security round, finding 6, the pre-account takeover: an attacker registers the victim's address
   * with a password and never verifies it; the victim later signs in with a provider that verified
   * the address. The provider account is not linked (the attacker's password would keep a way in);
   * once the victim proves the address with a reset link, the attacker's password is gone and the
   * provider sign-in links.
   */
  @Test
  void aProviderSignInDoesNotLinkToAnAccountThatNeverVerifiedItsAddress() throws Exception {
    app.signIn("early.bird@example.org", "the attacker's password");
    identity("sub-real-owner", "early.bird@example.org", true);
    HttpResponse<String> refused = callback(startAndAuthorize());
    assertThat(refused.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=account_not_verified"));
    assertThat(refused.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("opentier_session=") && c.length() > 30);
    assertThat(app.database.dsl().fetchCount(OAUTH_ACCOUNTS, OAUTH_ACCOUNTS.PROVIDER_USER_ID.eq("sub-real-owner"))).isZero();

    assertThat(app.post("/api/auth/password-reset/request", Map.of("email", "early.bird@example.org"), null).statusCode()).isEqualTo(202);
    String reset = app.linkToken("early.bird@example.org", "reset-password");
    assertThat(app.post("/api/auth/password-reset", Map.of("token", reset, "new_password", "the owner's own password"), null).statusCode())
        .isEqualTo(204);
    assertThat(app.post("/api/auth/login", Map.of("email", "early.bird@example.org", "password", "the attacker's password"), null).statusCode())
        .isEqualTo(401);

    identity("sub-real-owner", "early.bird@example.org", true);
    HttpResponse<String> linked = callback(startAndAuthorize());
    assertThat(linked.headers().firstValue("Location")).hasValue(app.base + "/");
    assertThat(app.database.dsl().fetchCount(OAUTH_ACCOUNTS, OAUTH_ACCOUNTS.PROVIDER_USER_ID.eq("sub-real-owner"))).isOne();
  }

  /**
   * The id_token is validated as OIDC Core says (Nimbus): a gateway that expects another issuer
   * refuses the provider's otherwise valid token, and signs nobody in.
   */
  @Test
  void anIdTokenFromAnotherIssuerIsRefused() throws Exception {
    try (TestGateway strict = new TestGateway(Map.of(
        "OPENTIER_OAUTH_GOOGLE_CLIENT_ID", CLIENT_ID,
        "OPENTIER_OAUTH_GOOGLE_CLIENT_SECRET", "test-secret",
        "OPENTIER_OAUTH_GOOGLE_AUTHORIZATION_URL", provider.authorizationEndpointUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_TOKEN_URL", provider.tokenEndpointUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_USERINFO_URL", provider.userInfoUrl("google").toString(),
        "OPENTIER_OAUTH_GOOGLE_ISSUER", provider.issuerUrl("the-real-google").toString(),
        "OPENTIER_OAUTH_GOOGLE_JWKS_URL", provider.jwksUrl("google").toString()))) {
      identity("sub-elsewhere", "elsewhere@example.org", true);
      HttpResponse<String> start = browser.send(HttpRequest.newBuilder(URI.create(strict.base + "/api/auth/oauth/google/start")).build(),
          HttpResponse.BodyHandlers.ofString());
      String state = cookie(start, "opentier_oauth");
      HttpResponse<String> authorize = browser.send(HttpRequest.newBuilder(URI.create(start.headers().firstValue("Location").orElseThrow()))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> back = callback(authorize.headers().firstValue("Location").orElseThrow(), state);
      assertThat(back.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=provider_error"));
      assertThat(strict.database.dsl().fetchCount(OAUTH_ACCOUNTS)).isZero();
    }
  }

  private static HttpResponse<String> callback(Flow flow) throws Exception {
    return callback(flow.callbackUrl(), flow.stateCookie());
  }

  @Test
  void theConfiguredProvidersAreListedAndAnUnknownOneIsRefused() throws Exception {
    assertThat(TestGateway.json(app.get("/api/auth/oauth/providers", null)).get("providers").get(0).asText()).isEqualTo("google");
    HttpResponse<String> github = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/oauth/github/start")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(github.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("error=unknown_provider"));
  }

  private record Flow(String callbackUrl, String stateCookie) {}

  /** The browser's part: our start route, then the provider's authorize endpoint, which redirects back. */
  private static Flow startAndAuthorize() throws Exception {
    HttpResponse<String> start = browser.send(HttpRequest.newBuilder(URI.create(app.base + "/api/auth/oauth/google/start")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(start.statusCode()).isEqualTo(302);
    String state = cookie(start, "opentier_oauth");
    HttpResponse<String> authorize = browser.send(HttpRequest.newBuilder(URI.create(start.headers().firstValue("Location").orElseThrow())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(authorize.statusCode()).isEqualTo(302);
    String back = authorize.headers().firstValue("Location").orElseThrow();
    assertThat(back).startsWith(app.base + "/api/auth/oauth/google/callback?");
    return new Flow(back, state);
  }

  private static HttpResponse<String> callback(String url, String stateCookie) throws Exception {
    return browser.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", "opentier_oauth=" + stateCookie).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void identity(String subject, String email, boolean verified) {
    provider.enqueueCallback(new DefaultOAuth2TokenCallback("google", subject, "JWT", List.of(CLIENT_ID),
        Map.of("email", email, "email_verified", verified, "name", "Test " + subject), 3600));
  }

  private static String cookie(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
        .filter(v -> !v.isEmpty())
        .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers().allValues("Set-Cookie")));
  }

  private static Map<String, String> form(String body) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static void drainRecordedRequests() {
    try {
      while (provider.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
        // requests of earlier tests
      }
    } catch (RuntimeException noneLeft) {
      // the mock server throws when its queue is empty
    }
  }
}
