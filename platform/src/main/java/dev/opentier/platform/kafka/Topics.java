package dev.opentier.platform.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * OpenTier's topics. Keys are document ids (or job ids for progress events). Values are raw bytes
 * until the pipeline defines its record types; the ingestion pipeline replaces these serdes.
 */
public final class Topics {
  private static final int MIB = 1024 * 1024;

  /** Upserts and deletes of documents, keyed by document id: the only way documents enter the pipeline. */
  public static final Topic<String, byte[]> DOCUMENTS = new Topic<>(
      "opentier.documents", Serdes.String(), Serdes.ByteArray(), true, Duration.ofDays(7), 32 * MIB);

  /** Documents the curation stages rejected or found to be duplicates, with the reason. */
  public static final Topic<String, byte[]> DOCUMENTS_REJECTED = new Topic<>(
      "opentier.documents.rejected", Serdes.String(), Serdes.ByteArray(), true, Duration.ofDays(30), 1 * MIB);

  /** Records that could not be processed (parse errors, poison records), kept for replay. */
  public static final Topic<String, byte[]> DEAD_LETTERS = new Topic<>(
      "opentier.dlq", Serdes.String(), Serdes.ByteArray(), true, Duration.ofDays(30), 32 * MIB);

  /** Per-stage progress of each ingestion job, keyed by job id. */
  public static final Topic<String, byte[]> INGEST_EVENTS = new Topic<>(
      "opentier.ingest.events", Serdes.String(), Serdes.ByteArray(), false, Duration.ofDays(3), 1 * MIB);

  public static final List<Topic<?, ?>> ALL = List.of(DOCUMENTS, DOCUMENTS_REJECTED, DEAD_LETTERS, INGEST_EVENTS);

  private Topics() {}
}
