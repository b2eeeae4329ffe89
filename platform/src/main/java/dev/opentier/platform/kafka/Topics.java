package dev.opentier.platform.kafka;

import java.time.Duration;
import java.util.List;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent;
import dev.opentier.platform.pipeline.Rejection;
import org.apache.kafka.common.serialization.Serdes;

/** OpenTier's topics, with the serdes of their records. Keys are document ids, or job ids for progress. */
public final class Topics {
  private static final int MIB = 1024 * 1024;

  /** Upserts and deletes of documents, keyed by document id: the only way documents enter the pipeline. */
  public static final Topic<String, DocumentEvent> DOCUMENTS = new Topic<>(
      "opentier.documents", Serdes.String(), new JsonSerde<>(DocumentEvent.class), true, Duration.ofDays(7), 32 * MIB);

  /** Documents the curation stages rejected or found to be duplicates, with the reason and their curation record. */
  public static final Topic<String, Rejection> DOCUMENTS_REJECTED = new Topic<>(
      "opentier.documents.rejected", Serdes.String(), new JsonSerde<>(Rejection.class), true, Duration.ofDays(30), 1 * MIB);

  /** Records that could not be processed (parse errors, poison records), kept for replay. */
  public static final Topic<String, DeadLetter> DEAD_LETTERS = new Topic<>(
      "opentier.dlq", Serdes.String(), new JsonSerde<>(DeadLetter.class), true, Duration.ofDays(30), 32 * MIB);

  /** Per-stage progress of each ingestion job, keyed by job id. */
  public static final Topic<String, ProgressEvent> INGEST_EVENTS = new Topic<>(
      "opentier.ingest.events", Serdes.String(), new JsonSerde<>(ProgressEvent.class), false, Duration.ofDays(3), 1 * MIB);

  /**
   * De-duplication's probes of LSH bands, keyed by band (curation-streams writes and reads it).
   * Partitioned like documents: the band stores scale with the partitions.
   */
  public static final Topic<String, byte[]> DEDUP_BANDS = new Topic<>(
      "opentier.curation.bands", Serdes.String(), Serdes.ByteArray(), true, Duration.ofDays(1), 1 * MIB);

  /** De-duplication's answers, keyed by document id: co-partitioned with opentier.documents. */
  public static final Topic<String, byte[]> DEDUP_VERDICTS = new Topic<>(
      "opentier.curation.verdicts", Serdes.String(), Serdes.ByteArray(), true, Duration.ofDays(1), 1 * MIB);

  public static final List<Topic<?, ?>> ALL = List.of(DOCUMENTS, DOCUMENTS_REJECTED, DEAD_LETTERS, INGEST_EVENTS, DEDUP_BANDS, DEDUP_VERDICTS);

  private Topics() {}
}
