package dev.opentier.ingest.job;

import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the dead-letter topic (for listing and replay); it is never consumed as a group. */
public final class DeadLetters {
  private DeadLetters() {}

  /** What a replay submits: the newest original event of each document, and how many letters cannot be replayed. */
  public record Replay(List<DocumentEvent> events, int unreplayable) {}

  /**
   * The letters to submit again: the newest dead letter of each document is the version to try
   * again; a letter that was not a valid event keeps only its bytes and is counted, not replayed.
   */
  public static Replay replayable(List<DeadLetter> letters) {
    Map<String, DocumentEvent> latest = new LinkedHashMap<>();
    int unreplayable = 0;
    for (DeadLetter letter : letters) {
      if (letter.original() == null) unreplayable++;
      else latest.put(letter.documentId(), letter.original());
    }
    return new Replay(new ArrayList<>(latest.values()), unreplayable);
  }

  /** Every record of the dead-letter topic, from the beginning to the current end. */
  public static List<DeadLetter> readAll(KafkaSettings kafka) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 33 * 1024 * 1024);
    List<DeadLetter> letters = new ArrayList<>();
    try (KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(props,
        Topics.DEAD_LETTERS.keySerde().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTERS.name(kafka), Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(record -> {
          if (record.value() != null) letters.add(record.value());
        });
      }
    }
    return letters;
  }
}
