package dev.opentier.ingest.job;

import static dev.opentier.platform.db.schema.Tables.DEAD_LETTER_CONTENTS;

import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jooq.DSLContext;

/** Reads the dead-letter topic (for listing and replay); it is never consumed as a group. */
public final class DeadLetters {
  private DeadLetters() {}

  /** What a replay submits: the newest original event of each document, and how many letters cannot be replayed. */
  public record Replay(List<DocumentEvent> events, int unreplayable) {}

  /**
   * The letters to submit again: the newest dead letter of each document is the version to try
   * again. Its event is in the letter, or (bytes nothing had redacted) kept apart in
   * {@code dead_letter_contents} until they expire; a letter that was not a valid event, or whose
   * kept bytes are gone, is counted, not replayed.
   */
  public static Replay replayable(List<DeadLetter> letters, DSLContext db) {
    return replayable(letters, ref -> kept(db, ref));
  }

  static Replay replayable(List<DeadLetter> letters, Function<String, Optional<DocumentEvent>> kept) {
    Map<String, DocumentEvent> latest = new LinkedHashMap<>();
    int unreplayable = 0;
    Instant now = Instant.now();
    for (DeadLetter letter : letters) {
      Optional<DocumentEvent> event = !letter.replayable(now) ? Optional.empty()
          : letter.contentRef() == null ? Optional.of(letter.original()) : kept.apply(letter.contentRef());
      if (event.isEmpty()) unreplayable++;
      else latest.put(letter.documentId(), event.get());
    }
    return new Replay(new ArrayList<>(latest.values()), unreplayable);
  }

  /** The event a dead letter refers to (its bytes kept apart by curation-streams), while it has not expired. */
  private static Optional<DocumentEvent> kept(DSLContext db, String ref) {
    return db.select(DEAD_LETTER_CONTENTS.CONTENT).from(DEAD_LETTER_CONTENTS)
        .where(DEAD_LETTER_CONTENTS.ID.eq(ref).and(DEAD_LETTER_CONTENTS.EXPIRES_AT.gt(OffsetDateTime.now())))
        .fetchOptional(DEAD_LETTER_CONTENTS.CONTENT)
        .map(bytes -> Topics.DOCUMENTS.valueSerde().deserializer().deserialize(Topics.DOCUMENTS.baseName(), bytes));
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
