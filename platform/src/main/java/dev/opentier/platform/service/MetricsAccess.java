package dev.opentier.platform.service;

import dev.opentier.platform.config.Settings;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may read a service's Prometheus metrics (query-api's and curation-streams'): with
 * {@code OPENTIER_METRICS_TOKEN} set, whoever sends it as {@code Authorization: Bearer}; without
 * it, loopback clients only (the socket's peer, never a forwarded header).
 */
public final class MetricsAccess {
  public static final String TOKEN = "OPENTIER_METRICS_TOKEN";

  private final Optional<String> token;

  private MetricsAccess(Optional<String> token) {
    this.token = token;
  }

  public static MetricsAccess from(Settings settings) {
    return new MetricsAccess(settings.optional(TOKEN).map(String::strip).filter(t -> !t.isEmpty()));
  }

  public boolean allows(String authorization, InetAddress peer) {
    if (token.isPresent()) {
      String given = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).strip() : "";
      return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.get().getBytes(StandardCharsets.UTF_8));
    }
    return peer != null && peer.isLoopbackAddress();
  }

  /** The header a scraper of another service sends (none without a token). */
  public Optional<String> authorization() {
    return token.map(t -> "Bearer " + t);
  }
}
