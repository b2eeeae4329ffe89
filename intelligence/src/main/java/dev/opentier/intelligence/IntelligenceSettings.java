package dev.opentier.intelligence;

import dev.opentier.platform.config.Settings;
import java.time.Duration;

/** intelligence's own settings. */
public record IntelligenceSettings(String host, int port, Duration databaseCheckInterval) {
  public static final String HOST = "OPENTIER_INTELLIGENCE_HOST";
  public static final String PORT = "OPENTIER_INTELLIGENCE_PORT";
  public static final String DB_CHECK_INTERVAL = "OPENTIER_INTELLIGENCE_DB_CHECK_SECONDS";

  public static IntelligenceSettings from(Settings settings) {
    return new IntelligenceSettings(
        settings.string(HOST, "127.0.0.1"),
        settings.port(PORT, 50051),
        settings.seconds(DB_CHECK_INTERVAL, 5, 1, 300));
  }
}
