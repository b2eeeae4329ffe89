package dev.opentier.curation;

import static dev.opentier.platform.kafka.Topics.DEAD_LETTERS;
import static dev.opentier.platform.kafka.Topics.DOCUMENTS;
import static dev.opentier.platform.kafka.Topics.INGEST_EVENTS;

import dev.opentier.platform.kafka.KafkaSettings;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The pipeline, top to bottom. Production and the topology tests build it with this one method. */
public final class CurationTopology {
  private CurationTopology() {}

  public static Topology build(PipelineStages stages, KafkaSettings kafka) {
    StreamsBuilder builder = new StreamsBuilder();

    KStream<String, Work> concluded = builder
        // Read as bytes and decoded in "receive": a record that is not a valid event becomes a
        // dead letter like any other failure instead of stopping the application.
        .stream(DOCUMENTS.name(kafka), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("documents"))
        .filter((documentId, bytes) -> bytes != null, Named.as("drop-tombstones"))
        .mapValues(Work::received, Named.as("receive"))
        // Reads the stored version: an unchanged document stops here, before any parsing.
        .mapValues(stages::checkVersion, Named.as("check-version"))
        .mapValues(stages::parse, Named.as("parse"))
        // The curation stages (normalise, language, quality, PII, dedup) plug in here.
        .mapValues(stages::chunk, Named.as("chunk"))
        .mapValues(stages::embed, Named.as("embed"))
        // One PostgreSQL transaction per document version; idempotent, so replays are harmless.
        .mapValues(stages::index, Named.as("index"));

    concluded
        .filter((documentId, work) -> work.failed(), Named.as("failures"))
        .mapValues(Work::deadLetter, Named.as("dead-letter"))
        .to(DEAD_LETTERS.name(kafka), Produced.with(DEAD_LETTERS.keySerde(), DEAD_LETTERS.valueSerde()).withName("to-dlq"));

    concluded
        .filter((documentId, work) -> work.event() != null && work.event().jobId() != null, Named.as("in-a-job"))
        // Keyed by job so a job's progress is one ordered stream; no stateful step follows, so no repartition.
        .map((documentId, work) -> KeyValue.pair(work.event().jobId().toString(), work.progress()),
            Named.as("progress"))
        .to(INGEST_EVENTS.name(kafka), Produced.with(INGEST_EVENTS.keySerde(), INGEST_EVENTS.valueSerde()).withName("to-ingest-events"));

    return builder.build();
  }
}
