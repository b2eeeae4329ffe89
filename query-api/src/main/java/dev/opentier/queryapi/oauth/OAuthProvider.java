package dev.opentier.queryapi.oauth;

import dev.opentier.platform.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An OAuth2 / OpenID Connect provider OpenTier can sign users in with. Endpoints are settings so
 * tests (and self-hosted identity providers) can point elsewhere; a provider without a client id
 * is not offered.
 *
 * @param oidc true for OpenID Connect (Google): an id_token with a nonce comes back with the access token
 * @param issuer the OpenID provider's issuer identifier, which the id_token's {@code iss} must be
 * @param jwksUrl where the keys that sign its id_tokens are published
 */
public record OAuthProvider(String name, boolean oidc, String clientId, String clientSecret, String authorizationUrl,
                            String tokenUrl, String userInfoUrl, String emailsUrl, String scope, String issuer, String jwksUrl) {

  /** The configured providers, by name. */
  public static Map<String, OAuthProvider> configured(Settings settings) {
    Map<String, OAuthProvider> providers = new LinkedHashMap<>();
    google(settings).ifPresent(p -> providers.put(p.name(), p));
    github(settings).ifPresent(p -> providers.put(p.name(), p));
    return providers;
  }

  static Optional<OAuthProvider> google(Settings s) {
    return s.optional("OPENTIER_OAUTH_GOOGLE_CLIENT_ID").map(id -> new OAuthProvider("google", true, id, s.string("OPENTIER_OAUTH_GOOGLE_CLIENT_SECRET", ""),
        s.string("OPENTIER_OAUTH_GOOGLE_AUTHORIZATION_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
        s.string("OPENTIER_OAUTH_GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
        s.string("OPENTIER_OAUTH_GOOGLE_USERINFO_URL", "https://openidconnect.googleapis.com/v1/userinfo"),
        null, "openid email profile",
        s.string("OPENTIER_OAUTH_GOOGLE_ISSUER", "https://accounts.google.com"),
        s.string("OPENTIER_OAUTH_GOOGLE_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs")));
  }

  static Optional<OAuthProvider> github(Settings s) {
    return s.optional("OPENTIER_OAUTH_GITHUB_CLIENT_ID").map(id -> new OAuthProvider("github", false, id, s.string("OPENTIER_OAUTH_GITHUB_CLIENT_SECRET", ""),
        s.string("OPENTIER_OAUTH_GITHUB_AUTHORIZATION_URL", "https://github.com/login/oauth/authorize"),
        s.string("OPENTIER_OAUTH_GITHUB_TOKEN_URL", "https://github.com/login/oauth/access_token"),
        s.string("OPENTIER_OAUTH_GITHUB_USERINFO_URL", "https://api.github.com/user"),
        s.string("OPENTIER_OAUTH_GITHUB_EMAILS_URL", "https://api.github.com/user/emails"), "read:user user:email", null, null));
  }
}
