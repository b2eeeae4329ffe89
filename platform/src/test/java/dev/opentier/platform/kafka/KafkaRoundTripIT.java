package dev.opentier.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opentier.platform.config.SettingException;
import dev.opentier.platform.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class KafkaRoundTripIT {
  private final KafkaSettings settings = new KafkaSettings(TestBroker.bootstrapServers(), 3, (short) 1);

  @Test
  void topicsAreCreatedWithExplicitPartitionsRetentionAndMaximumMessageSize() throws Exception {
    try (KafkaCluster cluster = new KafkaCluster(settings)) {
      cluster.createMissingTopics();
      assertThat(cluster.createMissingTopics()).as("a second run creates nothing").isEmpty();

      var described = cluster.describe(Topics.ALL.stream().map(t -> t.name(settings)).toList());
      assertThat(described.get("opentier.documents").partitions()).hasSize(3);
      assertThat(described.get("opentier.ingest.events").partitions()).hasSize(1);

      var resource = new ConfigResource(ConfigResource.Type.TOPIC, "opentier.documents");
      var config = cluster.admin().describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)).extracting(ConfigEntry::value)
          .isEqualTo(Integer.toString(32 * 1024 * 1024));
      assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG)).extracting(ConfigEntry::value)
          .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    }
  }

  @Test
  void aDocumentEventProducedToTheDocumentsTopicIsConsumedBackIntact() throws Exception {
    try (KafkaCluster cluster = new KafkaCluster(settings)) {
      cluster.createMissingTopics();
    }
    String key = "doc-" + UUID.randomUUID();
    byte[] content = "hello, pipeline".getBytes(StandardCharsets.UTF_8);
    DocumentEvent value = new DocumentEvent(DocumentEvent.Operation.UPSERT, key, UUID.randomUUID(), "folder:/tmp",
        "file:///tmp/hello.txt", "Hello", "text/plain", DocumentEvent.Visibility.PUBLIC, null,
        Map.of("size", 15), "hash", content, null, Instant.parse("2026-11-26T10:00:00Z"));

    RecordMetadata sent;
    try (var producer = new KafkaProducer<>(producerProps(), Topics.DOCUMENTS.keySerde().serializer(),
        Topics.DOCUMENTS.valueSerde().serializer())) {
      sent = producer.send(new ProducerRecord<>(Topics.DOCUMENTS.name(settings), key, value)).get();
    }

    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, DocumentEvent>> received = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(props, Topics.DOCUMENTS.keySerde().deserializer(),
        Topics.DOCUMENTS.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.DOCUMENTS.name(settings)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.stream().noneMatch(r -> r.key().equals(key)) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertThat(received).filteredOn(r -> r.key().equals(key)).singleElement().satisfies(record -> {
      assertThat(record.value().content()).isEqualTo(content);
      assertThat(record.value()).usingRecursiveComparison().isEqualTo(value);
      assertThat(record.partition()).isEqualTo(sent.partition());
      assertThat(record.offset()).isEqualTo(sent.offset());
    });
  }

  @Test
  void anUnreachableBrokerFailsFastNamingTheSetting() {
    try (KafkaCluster cluster = new KafkaCluster(new KafkaSettings("127.0.0.1:1", 1, (short) 1))) {
      assertThatThrownBy(() -> cluster.requireReachable(Duration.ofSeconds(2)))
          .isInstanceOf(SettingException.class)
          .hasMessage("OPENTIER_KAFKA_BOOTSTRAP: no Kafka broker answered at 127.0.0.1:1 within 2 s");
    }
  }

  private Map<String, Object> producerProps() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }
}
