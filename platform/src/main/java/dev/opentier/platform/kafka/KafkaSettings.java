package dev.opentier.platform.kafka;

import dev.opentier.platform.config.Settings;

/** Where the Kafka cluster is, and how OpenTier's topics are laid out on it. */
public record KafkaSettings(String bootstrapServers, int partitions, short replicationFactor, String topicPrefix, int minInsyncReplicas) {
  public static final String BOOTSTRAP = "OPENTIER_KAFKA_BOOTSTRAP";
  public static final String PARTITIONS = "OPENTIER_KAFKA_PARTITIONS";
  public static final String REPLICATION_FACTOR = "OPENTIER_KAFKA_REPLICATION_FACTOR";
  public static final String TOPIC_PREFIX = "OPENTIER_KAFKA_TOPIC_PREFIX";
  /** Replicas that must have a write before it counts (topics OpenTier and Kafka Streams create); default: 2 from 3 replicas, else 1. */
  public static final String MIN_INSYNC_REPLICAS = "OPENTIER_KAFKA_MIN_INSYNC_REPLICAS";

  public KafkaSettings {
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new dev.opentier.platform.config.SettingException(MIN_INSYNC_REPLICAS, "must be between 1 and the replication factor (" + replicationFactor + ")");
    }
    if (!topicPrefix.matches("[A-Za-z0-9._-]*")) {
      throw new dev.opentier.platform.config.SettingException(TOPIC_PREFIX, "may hold only letters, digits, '.', '_' and '-'");
    }
  }

  public KafkaSettings(String bootstrapServers, int partitions, short replicationFactor) {
    this(bootstrapServers, partitions, replicationFactor, "", 1);
  }

  public static KafkaSettings from(Settings settings) {
    short replication = (short) settings.integer(REPLICATION_FACTOR, 1, 1, 7);
    return new KafkaSettings(
        settings.hostAndPort(BOOTSTRAP, "127.0.0.1:9092"),
        settings.integer(PARTITIONS, 6, 1, 1_000),
        replication,
        settings.string(TOPIC_PREFIX, ""),
        settings.integer(MIN_INSYNC_REPLICAS, replication >= 3 ? 2 : 1, 1, replication));
  }
}
