package dev.opentier.queryapi.edge;

import dev.opentier.platform.service.Daemons;
import dev.opentier.platform.config.Settings;
import dev.opentier.queryapi.auth.AuthGuard;
import dev.opentier.queryapi.auth.Principal;
import io.github.bucket4j.Bandwidth;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Rate limits in tiers (Bucket4j token buckets): sign-in and sign-up strict, chat messages (each
 * starts a model's answer) their own, everything else a default; by signed-in user, else by client address ({@link ClientAddress}). Answers carry
 * {@code RateLimit-*} headers; a refusal is 429 with {@code Retry-After}. Only {@code /health} is exempt.
 *
 * <p>The strict and chat tiers are one budget for every gateway instance: their buckets live in
 * PostgreSQL ({@code rate_limit_buckets}, Bucket4j's select-for-update proxy manager), so a client
 * that alternates between gateways, or a restarted gateway, gets no fresh allowance; expired buckets
 * are removed every minute. The default tier is counted in each gateway's memory (a bounded cache
 * that forgets the least recently used clients, never all at once): with N gateways a client may
 * make up to N times its default budget, which protects each instance without a database write on
 * every request.
 */
public final class RateLimits implements AutoCloseable {
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
  private static final int MAX_LOCAL_BUCKETS = 100_000;

  private record Tier(String name, long perMinute, boolean shared) {
    BucketConfiguration configuration() {
      return BucketConfiguration.builder()
          .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
          .build();
    }
  }

  private final Tier auth;
  private final Tier standard;
  private final Tier chat;
  private final Cache<String, Bucket> local;
  private final PostgreSQLSelectForUpdateBasedProxyManager<String> shared;
  private final ScheduledExecutorService cleaner;

  public RateLimits(Settings settings, DataSource database) {
    this.auth = new Tier("auth", settings.integer(AUTH_PER_MINUTE, 10, 1, 100_000), true);
    this.standard = new Tier("default", settings.integer(DEFAULT_PER_MINUTE, 600, 1, 1_000_000), false);
    this.chat = new Tier("chat", settings.integer(CHAT_PER_MINUTE, 60, 1, 1_000_000), true);
    this.local = Caffeine.newBuilder().maximumSize(MAX_LOCAL_BUCKETS).expireAfterAccess(Duration.ofMinutes(2)).build();
    this.shared = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(database)
        .primaryKeyMapper(PrimaryKeyMapper.STRING)
        .table("rate_limit_buckets").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
        .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
        .build();
    this.cleaner = Daemons.scheduler("rate-limit-cleaner");
    cleaner.scheduleWithFixedDelay(this::removeExpired, 1, 1, TimeUnit.MINUTES);
  }

  private void removeExpired() {
    try {
      while (shared.removeExpired(1000) == 1000) {
        // a large backlog goes in batches
      }
    } catch (RuntimeException e) {
      // the database may be down for a moment; the next round removes them
    }
  }

  @Override
  public void close() {
    cleaner.shutdownNow();
  }

  /**
   * A shared bucket is read and written in PostgreSQL; when the database cannot be reached the
   * request is refused as unavailable (fail closed: these routes check secrets or start paid work,
   * and would need the database anyway).
   */
  private ConsumptionProbe consumeShared(String key, Tier tier) {
    try {
      return shared.builder().build(key, tier::configuration).tryConsumeAndReturnRemaining(1);
    } catch (RuntimeException e) {
      throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the service is unavailable; try again shortly");
    }
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
    String key = tier.name() + "|" + who;
    ConsumptionProbe probe = tier.shared() ? consumeShared(key, tier)
        : local.get(key, k -> Bucket.builder().addLimit(tier.configuration().getBandwidths()[0]).build()).tryConsumeAndReturnRemaining(1);
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
