package dev.opentier.queryapi;

import dev.opentier.platform.config.Settings;
import java.time.Duration;

/** The gateway's own settings (the database and Kafka have theirs in the platform module). */
public record QueryApiSettings(String host, int port, String intelligenceTarget, Duration readinessTimeout) {
  public static final String HOST = "OPENTIER_HTTP_HOST";
  public static final String PORT = "OPENTIER_HTTP_PORT";
  public static final String INTELLIGENCE = "OPENTIER_INTELLIGENCE_TARGET";
  public static final String READY_TIMEOUT = "OPENTIER_READY_TIMEOUT_SECONDS";

  public static QueryApiSettings from(Settings settings) {
    return new QueryApiSettings(
        settings.string(HOST, "127.0.0.1"),
        settings.port(PORT, 8080),
        settings.hostAndPort(INTELLIGENCE, "127.0.0.1:50051"),
        settings.seconds(READY_TIMEOUT, 2, 1, 30));
  }
}
