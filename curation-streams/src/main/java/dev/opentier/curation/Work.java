package dev.opentier.curation;

import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import java.time.Instant;
import java.util.List;

/**
 * One document on its way through the topology: the event, what each stage made of it, and, once
 * known, the outcome. Stages pass a concluded document through untouched. Lives only between the
 * processors of one sub-topology (never serialised).
 */
public record Work(
    DocumentEvent event,
    byte[] raw,
    ParsedDocument parsed,
    List<Chunk> chunks,
    List<float[]> vectors,
    Outcome outcome,
    String stage,
    String reason) {

  /** A stage's work on a document that is still in progress. */
  @FunctionalInterface
  public interface Stage {
    Work apply(Work work) throws Exception;
  }

  /** Decodes a record of opentier.documents; one that is not a valid event concludes as failed at "receive". */
  public static Work received(byte[] raw) {
    DocumentEvent event;
    try {
      event = EVENTS.deserializer().deserialize(Topics.DOCUMENTS.baseName(), raw);
    } catch (RuntimeException e) {
      return new Work(null, raw, null, null, null, Outcome.FAILED, "receive", e.getMessage());
    }
    Work work = new Work(event, null, null, null, null, null, null, null);
    return event.refusal() != null ? work.conclude(Outcome.FAILED, "ingest", event.refusal()) : work;
  }

  private static final JsonSerde<DocumentEvent> EVENTS = new JsonSerde<>(DocumentEvent.class);

  public boolean concluded() {
    return outcome != null;
  }

  public boolean failed() {
    return outcome == Outcome.FAILED;
  }

  public Work withParsed(ParsedDocument parsed) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason);
  }

  public Work withChunks(List<Chunk> chunks) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason);
  }

  public Work withVectors(List<float[]> vectors) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason);
  }

  public Work conclude(Outcome outcome, String stage, String reason) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason);
  }

  public ProgressEvent progress() {
    return new ProgressEvent(event.jobId(), event.documentId(), outcome, stage, reason,
        chunks == null || outcome != Outcome.INDEXED ? 0 : chunks.size(),
        event.content() == null ? 0 : event.content().length, Instant.now());
  }

  public DeadLetter deadLetter() {
    if (event == null) return new DeadLetter(null, null, stage, reason, null, null, Instant.now(), null, raw);
    return new DeadLetter(event.documentId(), event.jobId(), stage, reason, event.source(), event.uri(), Instant.now(), event, null);
  }
}
