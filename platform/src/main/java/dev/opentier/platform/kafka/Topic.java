package dev.opentier.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka topic of OpenTier's: its name, the serdes of its keys and values, and how it is laid out
 * (partitions relative to the cluster's setting, retention, largest message).
 */
public record Topic<K, V>(
    String baseName,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    boolean partitionedLikeDocuments,
    Duration retention,
    int maxMessageBytes) {

  public Topic {
    Objects.requireNonNull(baseName, "baseName");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    if (!baseName.startsWith("opentier.")) throw new IllegalArgumentException("topic name must start with 'opentier.'");
    if (retention.isNegative() || retention.isZero()) throw new IllegalArgumentException("retention must be positive");
    if (maxMessageBytes < 1024) throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
  }

  /** The topic's name on a cluster: the settings' prefix (empty by default, e.g. {@code staging.}) and the base name. */
  public String name(KafkaSettings settings) {
    return settings.topicPrefix() + baseName;
  }

  /** Document topics share the cluster's partition count so a document keeps its partition; the rest use one. */
  public int partitions(KafkaSettings settings) {
    return partitionedLikeDocuments ? settings.partitions() : 1;
  }

  /** The topic-level configuration OpenTier sets explicitly when it creates the topic. */
  public Map<String, String> configs() {
    return Map.of(
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes),
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
  }
}
