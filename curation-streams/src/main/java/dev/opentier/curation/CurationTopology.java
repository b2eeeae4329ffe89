package dev.opentier.curation;

import static dev.opentier.platform.kafka.Topics.DEAD_LETTERS;
import static dev.opentier.platform.kafka.Topics.DEDUP_BANDS;
import static dev.opentier.platform.kafka.Topics.DEDUP_VERDICTS;
import static dev.opentier.platform.kafka.Topics.DOCUMENTS;
import static dev.opentier.platform.kafka.Topics.DOCUMENTS_REJECTED;
import static dev.opentier.platform.kafka.Topics.INGEST_EVENTS;

import dev.opentier.curation.dedup.Deduplication;
import dev.opentier.curation.dedup.Routed;
import dev.opentier.platform.kafka.KafkaSettings;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The pipeline, top to bottom. Production and the topology tests build it with this one method. */
public final class CurationTopology {
  private CurationTopology() {}

  public static Topology build(PipelineStages stages, Deduplication dedup, KafkaSettings kafka) {
    StreamsBuilder builder = new StreamsBuilder();
    Deduplication.stores().forEach(builder::addStateStore);

    KStream<String, Work> curated = builder
        // Read as bytes and decoded in "receive": a record that is not a valid event becomes a
        // dead letter like any other failure instead of stopping the application.
        .stream(DOCUMENTS.name(kafka), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("documents"))
        .filter((documentId, bytes) -> bytes != null, Named.as("drop-tombstones"))
        .mapValues(Work::received, Named.as("receive"))
        // Reads the stored version: an unchanged document stops here, before any parsing.
        .mapValues(stages::checkVersion, Named.as("check-version"))
        .mapValues(stages::parse, Named.as("parse"))
        .mapValues(stages::normalize, Named.as("normalize"))
        // Before anything is judged, chunked, embedded or stored: what curation keeps of a document
        // it rejects or finds a duplicate (to index anyway, or to promote) is redacted too.
        .mapValues(stages::pii, Named.as("pii"))
        .mapValues(stages::language, Named.as("language"))
        .mapValues(stages::quality, Named.as("quality"));

    // De-duplication against everything indexed (see Deduplication): a document waits in a store
    // while its bands answer, then goes on as unique or concludes as a duplicate.
    Map<String, KStream<String, Routed>> dedupOut = curated
        .process(dedup.probe(), Named.as("dedup-probe"), Deduplication.PENDING_STORE, Deduplication.STATE_STORE)
        .merge(builder
            .stream(DEDUP_VERDICTS.name(kafka), Consumed.with(Serdes.String(), Deduplication.MESSAGES).withName("dedup-verdicts"))
            .process(dedup.verdicts(), Named.as("dedup-verdict"), Deduplication.PENDING_STORE, Deduplication.STATE_STORE),
            Named.as("dedup-merge"))
        .split(Named.as("dedup-"))
        .branch((key, routed) -> routed.isWork(), Branched.as("documents"))
        .branch((key, routed) -> routed.toBand(), Branched.as("to-bands"))
        .defaultBranch(Branched.as("to-verdicts"));
    dedupOut.get("dedup-to-bands")
        .mapValues(Routed::message, Named.as("band-messages"))
        .to(DEDUP_BANDS.name(kafka), Produced.with(Serdes.String(), Deduplication.MESSAGES).withName("to-bands"));
    builder
        .stream(DEDUP_BANDS.name(kafka), Consumed.with(Serdes.String(), Deduplication.MESSAGES).withName("dedup-bands-in"))
        .process(dedup.bands(), Named.as("dedup-bands"), Deduplication.BANDS_STORE)
        .merge(dedupOut.get("dedup-to-verdicts"), Named.as("document-messages"))
        .mapValues(Routed::message, Named.as("verdict-messages"))
        .to(DEDUP_VERDICTS.name(kafka), Produced.with(Serdes.String(), Deduplication.MESSAGES).withName("to-verdicts"));

    KStream<String, Work> concluded = dedupOut.get("dedup-documents")
        .mapValues(Routed::work, Named.as("deduplicated"))
        .mapValues(stages::chunk, Named.as("chunk"))
        .mapValues(stages::embed, Named.as("embed"))
        // One PostgreSQL transaction per document version; idempotent, so replays are harmless.
        .mapValues(stages::index, Named.as("index"));

    concluded
        .filter((documentId, work) -> work.failed(), Named.as("failures"))
        .mapValues(stages::deadLetter, Named.as("dead-letter"))
        .to(DEAD_LETTERS.name(kafka), Produced.with(DEAD_LETTERS.keySerde(), DEAD_LETTERS.valueSerde()).withName("to-dlq"));

    concluded
        .filter((documentId, work) -> work.rejectedOrDuplicate(), Named.as("rejections"))
        .mapValues(Work::rejection, Named.as("rejection"))
        .to(DOCUMENTS_REJECTED.name(kafka), Produced.with(DOCUMENTS_REJECTED.keySerde(), DOCUMENTS_REJECTED.valueSerde()).withName("to-rejected"));

    concluded
        // Duplicates whose canonical document was deleted or changed are judged again.
        .flatMap((documentId, work) -> work.promotions().stream().map(event -> KeyValue.pair(event.documentId(), event)).toList(),
            Named.as("promotions"))
        .to(DOCUMENTS.name(kafka), Produced.with(DOCUMENTS.keySerde(), DOCUMENTS.valueSerde()).withName("to-documents"));

    concluded
        .filter((documentId, work) -> work.event() != null && work.event().jobId() != null, Named.as("in-a-job"))
        // Keyed by job so a job's progress is one ordered stream; no stateful step follows, so no repartition.
        .map((documentId, work) -> KeyValue.pair(work.event().jobId().toString(), work.progress()),
            Named.as("progress"))
        .to(INGEST_EVENTS.name(kafka), Produced.with(INGEST_EVENTS.keySerde(), INGEST_EVENTS.valueSerde()).withName("to-ingest-events"));

    return builder.build();
  }
}
