package dev.opentier.queryapi.edge;

import dev.opentier.platform.config.Settings;
import dev.opentier.queryapi.auth.AuthGuard;
import dev.opentier.queryapi.auth.Principal;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits in tiers (Bucket4j token buckets): sign-in and sign-up strict, chat messages (each
 * starts a model's answer) their own, everything else a default; by signed-in user, else by client address ({@link ClientAddress}). Answers carry
 * {@code RateLimit-*} headers; a refusal is 429 with {@code Retry-After}. Only {@code /health} is exempt.
 */
public final class RateLimits {
  public static final String AUTH_PER_MINUTE = "OPENTIER_RATE_AUTH_PER_MINUTE";
  public static final String DEFAULT_PER_MINUTE = "OPENTIER_RATE_DEFAULT_PER_MINUTE";
  public static final String CHAT_PER_MINUTE = "OPENTIER_RATE_CHAT_PER_MINUTE";
  /** Routes that start expensive work (a model's answer), limited on their own tier. */
  private static final Set<String> CHAT_ROUTES = Set.of("POST /api/conversations/{id}/messages");
  /** Routes that check a secret (password, link token) or start a sign-in: the strict tier, always by client address. */
  private static final Set<String> AUTH_ROUTES = Set.of("POST /api/auth/login", "POST /api/auth/register", "POST /api/auth/verify",
      "POST /api/auth/password-reset/request", "POST /api/auth/password-reset", "GET /api/auth/oauth/{provider}/start",
      "GET /api/auth/oauth/{provider}/callback");
  /** Liveness only: it touches nothing. /ready is limited like any route (its answer is cached, see Readiness). */
  private static final Set<String> EXEMPT = Set.of("GET /health");
  private static final int MAX_BUCKETS = 100_000;

  private record Tier(String name, long perMinute) {}

  private final Tier auth;
  private final Tier standard;
  private final Tier chat;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimits(Settings settings) {
    this.auth = new Tier("auth", settings.integer(AUTH_PER_MINUTE, 10, 1, 100_000));
    this.standard = new Tier("default", settings.integer(DEFAULT_PER_MINUTE, 600, 1, 1_000_000));
    this.chat = new Tier("chat", settings.integer(CHAT_PER_MINUTE, 60, 1, 1_000_000));
  }

  /** Installed after the auth guard, so a signed-in caller is limited as themselves. */
  public void install(JavalinConfig config) {
    config.routes.beforeMatched(this::check);
  }

  /**
   * The tier comes from the route that matched (its method and template), never from the path as
   * sent: {@code /api/auth/login/}, {@code //api/auth/login} or an encoded letter reach the same
   * route, so they are limited as that route.
   */
  private void check(Context ctx) {
    String route = ctx.method().name() + " " + ApiPaths.matchedRoute(ctx);
    if (EXEMPT.contains(route)) return;
    Tier tier = AUTH_ROUTES.contains(route) ? auth : CHAT_ROUTES.contains(route) ? chat : standard;
    Principal principal = AuthGuard.principalIfAny(ctx).orElse(null);
    String who = tier == auth || principal == null ? "ip:" + ClientAddress.of(ctx) : "user:" + principal.userId();
    if (buckets.size() > MAX_BUCKETS) buckets.clear(); // bounded memory under address churn; limits restart
    Bucket bucket = buckets.computeIfAbsent(tier.name() + "|" + who, key -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(tier.perMinute()).refillGreedy(tier.perMinute(), Duration.ofMinutes(1)).build())
        .build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    ctx.header("RateLimit-Limit", Long.toString(tier.perMinute()));
    ctx.header("RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    long resetSeconds = Math.max(1, (probe.getNanosToWaitForReset() + 999_999_999L) / 1_000_000_000L);
    ctx.header("RateLimit-Reset", Long.toString(resetSeconds));
    if (!probe.isConsumed()) {
      long retry = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
      ctx.header("Retry-After", Long.toString(retry));
      throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "too many requests; try again in " + retry + " s");
    }
  }
}
