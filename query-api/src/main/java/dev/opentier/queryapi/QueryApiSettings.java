package dev.opentier.queryapi;

import dev.opentier.platform.config.Settings;
import java.time.Duration;

/** The gateway's own settings (the database and Kafka have theirs in the platform module). */
public record QueryApiSettings(String host, int port, String intelligenceTarget, Duration readinessTimeout, boolean migrate) {
  public static final String HOST = "OPENTIER_HTTP_HOST";
  public static final String PORT = "OPENTIER_HTTP_PORT";
  public static final String INTELLIGENCE = "OPENTIER_INTELLIGENCE_TARGET";
  public static final String READY_TIMEOUT = "OPENTIER_READY_TIMEOUT_SECONDS";
  /** Whether the gateway migrates the schema at start-up (one instance, `up`) or only checks it (a deployment's migrate step did it). */
  public static final String MIGRATE = "OPENTIER_DB_MIGRATE";

  public static QueryApiSettings from(Settings settings) {
    return new QueryApiSettings(
        settings.string(HOST, "127.0.0.1"),
        settings.port(PORT, 8080),
        settings.hostAndPort(INTELLIGENCE, "127.0.0.1:50051"),
        settings.seconds(READY_TIMEOUT, 2, 1, 30),
        settings.flag(MIGRATE, true));
  }
}
