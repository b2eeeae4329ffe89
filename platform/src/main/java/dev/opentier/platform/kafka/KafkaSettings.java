package dev.opentier.platform.kafka;

import dev.opentier.platform.config.Settings;

/** Where the Kafka cluster is, and how OpenTier's topics are laid out on it. */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, String topicPrefix) {
  public static final String BOOTSTRAP = "OPENTIER_KAFKA_BOOTSTRAP";
  public static final String PARTITIONS = "OPENTIER_KAFKA_PARTITIONS";
  public static final String REPLICATION_FACTOR = "OPENTIER_KAFKA_REPLICATION_FACTOR";
  public static final String TOPIC_PREFIX = "OPENTIER_KAFKA_TOPIC_PREFIX";

  public KafkaSettings {
    if (!topicPrefix.matches("[A-Za-z0-9._-]*")) {
      throw new dev.opentier.platform.config.SettingException(TOPIC_PREFIX, "may hold only letters, digits, '.', '_' and '-'");
    }
  }

  public KafkaSettings(String bootstrapServers, int partitions, short replicationFactor) {
    this(bootstrapServers, partitions, replicationFactor, "");
  }

  public static KafkaSettings from(Settings settings) {
    return new KafkaSettings(
        settings.hostAndPort(BOOTSTRAP, "127.0.0.1:9092"),
        settings.integer(PARTITIONS, 6, 1, 1_000),
        (short) settings.integer(REPLICATION_FACTOR, 1, 1, 7),
        settings.string(TOPIC_PREFIX, ""));
  }
}
