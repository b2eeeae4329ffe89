package dev.opentier.queryapi.edge;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Security headers on every answer the gateway gives (JSON, event streams, errors, the API's page),
 * not only on the web app's pages: no sniffing, no framing, no referrer to other sites, a content
 * security policy that lets a JSON answer load nothing, and no caching of API answers (they are
 * per user). Pages that need more (the web app, {@code /api/docs}) set their own policy after this.
 * HSTS when users reach OpenTier over HTTPS.
 */
public final class SecurityHeaders {
  static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final Map<String, String> always;
  private final Map<String, String> api;

  public SecurityHeaders(String publicUrl) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cross-Origin-Opener-Policy", "same-origin");
    headers.put("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    if (publicUrl.startsWith("https://")) headers.put("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    this.always = Map.copyOf(headers);
    // The web app's files and pages carry the same set with their own policy (WebApp.HEADERS); two
    // policies on one answer would both apply, so the API's is only set on the API's answers.
    Map<String, String> forApi = new LinkedHashMap<>(WebApp.HEADERS);
    forApi.put("Content-Security-Policy", API_POLICY);
    forApi.put("Cache-Control", "no-store");
    this.api = Map.copyOf(forApi);
  }

  /** Installed first, so every later answer (errors included) carries the headers. */
  public void install(JavalinConfig config) {
    config.routes.before(this::apply);
  }

  private void apply(Context ctx) {
    always.forEach(ctx::header);
    String path = ctx.path();
    if (ApiPaths.isApi(path) || path.equals("/metrics") || path.equals("/ready") || path.equals("/health")) api.forEach(ctx::header);
  }
}
