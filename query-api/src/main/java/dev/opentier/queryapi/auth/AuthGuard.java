package dev.opentier.queryapi.auth;

import dev.opentier.queryapi.edge.ApiException;
import dev.opentier.queryapi.edge.ApiPaths;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.security.RouteRole;
import java.util.Optional;
import java.util.Set;

/**
 * Authentication, authorisation and CSRF for every route, in one place. A route without an
 * {@link Access} role is refused (fail closed). Tokens come as {@code Authorization: Bearer} (API
 * clients) or the session cookie (browsers); cookie-authenticated unsafe requests must come from an
 * allowed origin (Origin or Sec-Fetch-Site), so another site cannot act with a user's cookie.
 */
public final class AuthGuard {
  public static final String COOKIE = "opentier_session";
  private static final String PRINCIPAL = "opentier.principal";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final Sessions sessions;
  private final AuthSettings settings;

  public AuthGuard(Sessions sessions, AuthSettings settings) {
    this.sessions = sessions;
    this.settings = settings;
  }

  public void install(JavalinConfig config) {
    config.routes.beforeMatched(this::check);
  }

  /** The caller of a USER or ADMIN route (the guard has already refused anyone else). */
  public static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) throw new IllegalStateException("no principal: the route is not declared USER or ADMIN");
    return principal;
  }

  /** The caller when the route authenticated one. */
  public static Optional<Principal> principalIfAny(Context ctx) {
    return Optional.ofNullable(ctx.attribute(PRINCIPAL));
  }

  private void check(Context ctx) {
    Set<RouteRole> roles = ctx.routeRoles();
    if (roles.isEmpty()) {
      // Static files, the web app's pages and error pages carry no role. An API path reaching a
      // handler without one (the web app's fallback, or a route declared without Access) is refused.
      if (ApiPaths.isApi(ctx.path())) throw new ApiException(HttpStatus.NOT_FOUND, "not_found", "No such route: " + ctx.method() + " " + ctx.path());
      return;
    }
    boolean unsafe = !SAFE_METHODS.contains(ctx.method().name());
    if (roles.contains(Access.PUBLIC)) {
      // Public unsafe routes (sign-in) still refuse foreign origins: no login CSRF.
      if (unsafe) requireAllowedOriginIfGiven(ctx);
      return;
    }
    Optional<Principal> principal = authenticate(ctx);
    if (principal.isEmpty()) throw new ApiException(HttpStatus.UNAUTHORIZED, "unauthenticated", "sign in first: the session is missing, invalid or expired");
    if (principal.get().viaCookie() && unsafe) requireAllowedOrigin(ctx);
    if (roles.contains(Access.ADMIN) && !principal.get().isAdmin()) {
      throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "this needs an administrator");
    }
    ctx.attribute(PRINCIPAL, principal.get());
  }

  private Optional<Principal> authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    boolean viaCookie = header == null;
    String token;
    if (header != null) {
      if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
      token = header.substring(7).strip();
    } else {
      token = ctx.cookie(COOKIE);
    }
    return sessions.authenticate(token).map(live -> new Principal(live.session().getUserId(), live.session().getRole(),
        live.session().getId(), viaCookie, live.user()));
  }

  private void requireAllowedOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    String origin = ctx.header("Origin");
    boolean sameSite = "same-origin".equals(site);
    boolean allowedOrigin = origin != null && settings.allowedOrigins().contains(origin);
    if (!sameSite && !allowedOrigin) {
      throw new ApiException(HttpStatus.FORBIDDEN, "csrf", "cross-site request refused: send it from an allowed origin, or use a Bearer token");
    }
  }

  private void requireAllowedOriginIfGiven(Context ctx) {
    String origin = ctx.header("Origin");
    String site = ctx.header("Sec-Fetch-Site");
    if ("cross-site".equals(site) || (origin != null && !settings.allowedOrigins().contains(origin) && !"same-origin".equals(site))) {
      throw new ApiException(HttpStatus.FORBIDDEN, "csrf", "cross-site request refused");
    }
  }
}
