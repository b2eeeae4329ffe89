package dev.opentier.queryapi.auth;

import dev.opentier.platform.config.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Accounts and sessions: session lifetimes, how long an authenticated session is remembered, the
 * origins allowed to send cookie-authenticated unsafe requests (CSRF), and the first admin.
 */
public record AuthSettings(Duration idleTimeout, Duration absoluteTimeout, Duration sessionCache, List<String> allowedOrigins,
                           Optional<String> adminEmail, Optional<String> adminPassword) {
  public static final String IDLE_MINUTES = "OPENTIER_SESSION_IDLE_MINUTES";
  public static final String CACHE_SECONDS = "OPENTIER_SESSION_CACHE_SECONDS";
  public static final String ABSOLUTE_DAYS = "OPENTIER_SESSION_ABSOLUTE_DAYS";
  public static final String ORIGINS = "OPENTIER_ALLOWED_ORIGINS";
  public static final String ADMIN_EMAIL = "OPENTIER_ADMIN_EMAIL";
  public static final String ADMIN_PASSWORD = "OPENTIER_ADMIN_PASSWORD";

  public static AuthSettings from(Settings settings, int httpPort) {
    String defaultOrigins = "http://127.0.0.1:" + httpPort + ",http://localhost:" + httpPort;
    return new AuthSettings(
        Duration.ofMinutes(settings.integer(IDLE_MINUTES, 24 * 60, 5, 365 * 24 * 60)),
        Duration.ofDays(settings.integer(ABSOLUTE_DAYS, 30, 1, 365)),
        Duration.ofSeconds(settings.integer(CACHE_SECONDS, 2, 0, 60)),
        Arrays.stream(settings.string(ORIGINS, defaultOrigins).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
        settings.optional(ADMIN_EMAIL),
        settings.optional(ADMIN_PASSWORD));
  }
}
