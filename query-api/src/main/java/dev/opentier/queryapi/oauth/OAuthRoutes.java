package dev.opentier.queryapi.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opentier.platform.db.schema.tables.records.UsersRecord;
import dev.opentier.queryapi.auth.Accounts;
import dev.opentier.queryapi.auth.AuthGuard;
import dev.opentier.queryapi.auth.SessionToken;
import dev.opentier.queryapi.auth.Sessions;
import dev.opentier.queryapi.edge.ClientAddress;
import dev.opentier.queryapi.edge.Cookies;
import dev.opentier.queryapi.edge.RequestIds;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with Google (OpenID Connect) and GitHub (OAuth2): authorization code with PKCE (S256),
 * a single-use {@code state} bound to the browser by a short-lived cookie, and for OIDC a nonce
 * checked in the id_token. A provider's account links to an existing OpenTier account only when
 * both the provider and that account have verified the e-mail address ({@link Accounts#signInWithProvider}). Success and failure both redirect to the UI.
 */
public final class OAuthRoutes {
  static final String STATE_COOKIE = "opentier_oauth";
  private static final Duration STATE_VALIDITY = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(OAuthRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, OAuthProvider> providers;
  private final OAuthFlows flows;
  private final Accounts accounts;
  private final Sessions sessions;
  private final String publicUrl;
  private final Duration sessionLifetime;
  private final Cookies cookies;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, IDTokenValidator> validators = new ConcurrentHashMap<>();

  public OAuthRoutes(Map<String, OAuthProvider> providers, OAuthFlows flows, Accounts accounts, Sessions sessions,
                     String publicUrl, Duration sessionLifetime, Cookies cookies) {
    this.providers = providers;
    this.flows = flows;
    this.accounts = accounts;
    this.sessions = sessions;
    this.publicUrl = publicUrl.replaceAll("/+$", "");
    this.sessionLifetime = sessionLifetime;
    this.cookies = cookies;
  }

  /** {@code GET /api/auth/oauth/providers}: which buttons the UI shows. */
  public void list(Context ctx) {
    ctx.json(Map.of("providers", List.copyOf(providers.keySet())));
  }

  /** {@code GET /api/auth/oauth/{provider}/start}: to the provider, with state, PKCE and nonce. */
  public void start(Context ctx) {
    OAuthProvider provider = provider(ctx);
    if (provider == null) return;
    String state = SessionToken.generate();
    String verifier = SessionToken.generate() + SessionToken.generate(); // 128 characters, as RFC 7636 allows
    String nonce = SessionToken.generate();
    flows.begin(state, provider.name(), verifier, nonce, STATE_VALIDITY);
    cookie(ctx, STATE_COOKIE, state, STATE_VALIDITY);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", provider.clientId());
    query.put("redirect_uri", callbackUrl(provider));
    query.put("scope", provider.scope());
    query.put("state", state);
    query.put("code_challenge", challenge(verifier));
    query.put("code_challenge_method", "S256");
    if (provider.oidc()) query.put("nonce", nonce);
    ctx.redirect(provider.authorizationUrl() + (provider.authorizationUrl().contains("?") ? "&" : "?") + form(query));
  }

  /** {@code GET /api/auth/oauth/{provider}/callback}: back from the provider. */
  public void callback(Context ctx) {
    OAuthProvider provider = provider(ctx);
    if (provider == null) return;
    String state = ctx.queryParam("state");
    String code = ctx.queryParam("code");
    String bound = ctx.cookie(STATE_COOKIE);
    cookie(ctx, STATE_COOKIE, "", Duration.ZERO);
    if (ctx.queryParam("error") != null) {
      fail(ctx, "provider_refused", "the provider did not sign you in (" + ctx.queryParam("error") + ")");
      return;
    }
    if (state == null || code == null || bound == null || !bound.equals(state) || !SessionToken.wellFormed(state)) {
      fail(ctx, "invalid_state", "the sign-in could not be matched to this browser; start again");
      return;
    }
    Optional<OAuthFlows.Flow> flow = flows.take(state, provider.name());
    if (flow.isEmpty()) {
      fail(ctx, "invalid_state", "this sign-in link was already used or has expired; start again");
      return;
    }
    try {
      Identity identity = identify(provider, code, flow.get().codeVerifier(), flow.get().nonce());
      Accounts.ProviderSignIn outcome = accounts.signInWithProvider(
          new Accounts.ProviderIdentity(provider.name(), identity.subject(), identity.email(), identity.emailVerified(), identity.name()));
      Optional<UsersRecord> user = Optional.empty();
      switch (outcome) {
        case Accounts.ProviderSignIn.SignedIn signedIn -> user = Optional.of(signedIn.user());
        case Accounts.ProviderSignIn.ProviderUnverified unverified -> fail(ctx, "email_not_verified", provider.name() + " has not verified "
            + identity.email() + ", which already has an OpenTier account: sign in with your password, or verify the address with " + provider.name());
        case Accounts.ProviderSignIn.AccountUnverified unverified -> fail(ctx, "account_not_verified", "an OpenTier account already has "
            + identity.email() + " but has never confirmed it, so it is not linked to " + provider.name()
            + ": sign in with its password and confirm the address, or reset the password (the reset link confirms it too)");
        case Accounts.ProviderSignIn.NoEmail none -> fail(ctx, "no_email", provider.name() + " did not tell us an e-mail address");
      }
      if (user.isEmpty()) return;
      if (user.get().getDisabledAt() != null) {
        fail(ctx, "account_disabled", "this account is disabled");
        return;
      }
      Sessions.Issued issued = sessions.create(user.get().getId(), user.get().getRole(), ClientAddress.of(ctx), ctx.userAgent());
      accounts.audit(user.get().getId(), "session.login.oauth:" + provider.name(), "session", issued.sessionId().toString(),
          ClientAddress.of(ctx), RequestIds.of(ctx));
      cookie(ctx, AuthGuard.COOKIE, issued.token(), sessionLifetime);
      ctx.redirect(publicUrl + "/");
    } catch (OAuthFailure e) {
      log.warn("{} sign-in failed: {}", provider.name(), e.getMessage());
      fail(ctx, "provider_error", "signing in with " + provider.name() + " failed; try again");
    }
  }

  /** Who the provider says the user is. */
  record Identity(String subject, String email, boolean emailVerified, String name) {}

  /**
   * The code exchanged for tokens (Nimbus OAuth 2.0 SDK: the authorization-code grant with the PKCE
   * verifier, client secret in the body), then who the user is. For OpenID Connect the id_token is
   * validated as OIDC Core 3.1.3.7 describes (Nimbus {@link IDTokenValidator}): its signature by the
   * provider's published keys, issuer, audience (us), expiry and issue time, and the nonce of this
   * browser's sign-in; userinfo must be about the same subject.
   */
  private Identity identify(OAuthProvider provider, String code, String verifier, String nonce) throws OAuthFailure {
    TokenRequest exchange = new TokenRequest(URI.create(provider.tokenUrl()),
        new ClientSecretPost(new ClientID(provider.clientId()), new Secret(provider.clientSecret())),
        new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(callbackUrl(provider)), new CodeVerifier(verifier)));
    HTTPResponse tokenResponse;
    try {
      HTTPRequest request = exchange.toHTTPRequest();
      request.setAccept("application/json");
      request.setConnectTimeout(10_000);
      request.setReadTimeout(15_000);
      tokenResponse = request.send();
    } catch (IOException e) {
      throw new OAuthFailure("cannot reach the provider: " + e.getMessage());
    }
    String accessToken;
    try {
      if (provider.oidc()) {
        var parsed = OIDCTokenResponseParser.parse(tokenResponse);
        if (!parsed.indicatesSuccess()) throw new OAuthFailure("the token endpoint refused: " + parsed.toErrorResponse().getErrorObject());
        OIDCTokens tokens = ((OIDCTokenResponse) parsed.toSuccessResponse()).getOIDCTokens();
        if (tokens.getIDToken() == null) throw new OAuthFailure("no id_token in the token response");
        IDTokenClaimsSet claims = validator(provider).validate(tokens.getIDToken(), new Nonce(nonce));
        accessToken = tokens.getAccessToken().getValue();
        JsonNode info = call(HttpRequest.newBuilder(URI.create(provider.userInfoUrl())).header("Authorization", "Bearer " + accessToken).GET());
        String subject = claims.getSubject().getValue();
        if (!subject.equals(info.path("sub").asText(subject))) throw new OAuthFailure("userinfo is about another subject");
        JsonNode idClaims = JSON.readTree(claims.toJSONObject().toString());
        return new Identity(subject, text(info, "email", idClaims), bool(info, "email_verified", idClaims), text(info, "name", idClaims));
      }
      TokenResponse parsed = TokenResponse.parse(tokenResponse);
      if (!parsed.indicatesSuccess()) throw new OAuthFailure("the token endpoint refused: " + parsed.toErrorResponse().getErrorObject());
      accessToken = parsed.toSuccessResponse().getTokens().getAccessToken().getValue();
    } catch (ParseException e) {
      throw new OAuthFailure("the token response cannot be read: " + e.getMessage());
    } catch (BadJOSEException | JOSEException e) {
      throw new OAuthFailure("the id_token is not valid: " + e.getMessage());
    } catch (IOException e) {
      throw new OAuthFailure("the id_token's claims cannot be read: " + e.getMessage());
    }
    JsonNode user = call(HttpRequest.newBuilder(URI.create(provider.userInfoUrl())).header("Authorization", "Bearer " + accessToken)
        .header("Accept", "application/vnd.github+json").GET());
    JsonNode emails = call(HttpRequest.newBuilder(URI.create(provider.emailsUrl())).header("Authorization", "Bearer " + accessToken)
        .header("Accept", "application/vnd.github+json").GET());
    for (JsonNode email : emails) {
      if (email.path("primary").asBoolean()) {
        return new Identity(user.path("id").asText(), email.path("email").asText(), email.path("verified").asBoolean(), user.path("name").asText(null));
      }
    }
    throw new OAuthFailure("GitHub returned no primary e-mail address");
  }

  private OAuthProvider provider(Context ctx) {
    OAuthProvider provider = providers.get(ctx.pathParam("provider"));
    if (provider == null) fail(ctx, "unknown_provider", "sign-in with " + ctx.pathParam("provider") + " is not configured");
    return provider;
  }

  private void fail(Context ctx, String code, String message) {
    ctx.redirect(publicUrl + "/login?error=" + URLEncoder.encode(code, StandardCharsets.UTF_8)
        + "&message=" + URLEncoder.encode(message, StandardCharsets.UTF_8));
  }

  private String callbackUrl(OAuthProvider provider) {
    return publicUrl + "/api/auth/oauth/" + provider.name() + "/callback";
  }

  private JsonNode call(HttpRequest.Builder request) throws OAuthFailure {
    try {
      HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) throw new OAuthFailure(request.build().uri().getPath() + " answered " + response.statusCode());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new OAuthFailure("cannot reach the provider: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthFailure("interrupted");
    }
  }

  /** One validator per provider: it keeps the provider's signing keys and fetches them again when a new key appears. */
  private IDTokenValidator validator(OAuthProvider provider) throws OAuthFailure {
    try {
      return validators.computeIfAbsent(provider.name(), name -> {
        try {
          return new IDTokenValidator(new Issuer(provider.issuer()), new ClientID(provider.clientId()), JWSAlgorithm.RS256,
              URI.create(provider.jwksUrl()).toURL(), new DefaultResourceRetriever(10_000, 15_000));
        } catch (java.net.MalformedURLException e) {
          throw new IllegalArgumentException(e);
        }
      });
    } catch (IllegalArgumentException e) {
      throw new OAuthFailure("the provider's key set URL is not a URL: " + provider.jwksUrl());
    }
  }

  private static String text(JsonNode primary, String field, JsonNode fallback) {
    JsonNode value = primary.hasNonNull(field) ? primary.get(field) : fallback.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static boolean bool(JsonNode primary, String field, JsonNode fallback) {
    JsonNode value = primary.hasNonNull(field) ? primary.get(field) : fallback.get(field);
    return value != null && (value.isBoolean() ? value.asBoolean() : "true".equalsIgnoreCase(value.asText()));
  }

  static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private void cookie(Context ctx, String name, String value, Duration maxAge) {
    cookies.set(ctx, name, value, maxAge);
  }

  /** The provider misbehaved or refused; the user sees a general message, operators the detail. */
  static final class OAuthFailure extends Exception {
    OAuthFailure(String message) {
      super(message);
    }
  }
}
