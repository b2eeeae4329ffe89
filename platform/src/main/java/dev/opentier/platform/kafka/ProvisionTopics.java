package dev.opentier.platform.kafka;

import dev.opentier.platform.config.Settings;
import dev.opentier.platform.service.ServiceMain;
import java.time.Duration;

/** {@code ./opentier up} runs this once the broker is up: creates OpenTier's topics that are missing. */
public final class ProvisionTopics {
  private ProvisionTopics() {}

  public static void main(String[] args) {
    ServiceMain.runCommand("topics", () -> {
      KafkaSettings settings = KafkaSettings.from(Settings.fromEnvironment());
      try (KafkaCluster cluster = new KafkaCluster(settings)) {
        cluster.requireReachable(Duration.ofSeconds(15));
        var created = cluster.createMissingTopics();
        System.out.println(created.isEmpty() ? "topics: all present" : "topics: created " + String.join(", ", created));
      }
      return () -> {};
    });
  }
}
