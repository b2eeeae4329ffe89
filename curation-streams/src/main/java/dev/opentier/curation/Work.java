package dev.opentier.curation;

import dev.opentier.curation.chunk.Chunk;
import dev.opentier.curation.curate.CurationRecord;
import dev.opentier.curation.parse.ParsedDocument;
import dev.opentier.platform.kafka.JsonSerde;
import dev.opentier.platform.kafka.Topics;
import dev.opentier.platform.pipeline.DeadLetter;
import dev.opentier.platform.pipeline.DocumentEvent;
import dev.opentier.platform.pipeline.ProgressEvent;
import dev.opentier.platform.pipeline.ProgressEvent.Outcome;
import dev.opentier.platform.pipeline.Rejection;
import java.time.Instant;
import java.util.List;

/**
 * One document on its way through the topology: the event, what each stage made of it, its
 * curation record, and, once known, the outcome. Stages pass a concluded document through
 * untouched. Serialised only while it waits for de-duplication ({@link #pending()}).
 *
 * @param promotions duplicates to submit again because their canonical document went away
 */
public record Work(
    DocumentEvent event,
    byte[] raw,
    ParsedDocument parsed,
    List<Chunk> chunks,
    List<float[]> vectors,
    Outcome outcome,
    String stage,
    String reason,
    CurationRecord curation,
    List<DocumentEvent> promotions) {

  /** A stage's work on a document that is still in progress. */
  @FunctionalInterface
  public interface Stage {
    Work apply(Work work) throws Exception;
  }

  /**
   * What the de-duplication stores keep of a document while its verdict is open: the parsed (and,
   * when the PII stage runs, redacted) document, and the event without its raw bytes.
   */
  public record Pending(DocumentEvent event, ParsedDocument parsed, CurationRecord curation) {
    public Work work() {
      return new Work(event, null, parsed, null, null, null, null, null, curation, List.of());
    }
  }

  /** Decodes a record of opentier.documents; one that is not a valid event concludes as failed at "receive". */
  public static Work received(byte[] raw) {
    DocumentEvent event;
    try {
      event = EVENTS.deserializer().deserialize(Topics.DOCUMENTS.baseName(), raw);
    } catch (RuntimeException e) {
      return new Work(null, raw, null, null, null, Outcome.FAILED, "receive", e.getMessage(), CurationRecord.empty(), List.of());
    }
    Work work = new Work(event, null, null, null, null, null, null, null, CurationRecord.empty(), List.of());
    return event.refusal() != null ? work.conclude(Outcome.FAILED, "ingest", event.refusal()) : work;
  }

  private static final JsonSerde<DocumentEvent> EVENTS = new JsonSerde<>(DocumentEvent.class);

  public boolean concluded() {
    return outcome != null;
  }

  public boolean failed() {
    return outcome == Outcome.FAILED;
  }

  public Pending pending() {
    return new Pending(event.withoutContent(), parsed, curation.bytes() != null ? curation : curation.withBytes(contentBytes()));
  }

  /** The size of the document's raw content, also once the raw bytes were dropped ({@link #pending()}). */
  public long contentBytes() {
    if (curation != null && curation.bytes() != null) return curation.bytes();
    return event == null || event.content() == null ? 0 : event.content().length;
  }

  public Work withParsed(ParsedDocument parsed) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation, promotions);
  }

  public Work withChunks(List<Chunk> chunks) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation.withChunks(chunks.size()), promotions);
  }

  public Work withVectors(List<float[]> vectors) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation, promotions);
  }

  public Work withCuration(CurationRecord curation) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation, promotions);
  }

  public Work withPromotions(List<DocumentEvent> promotions) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation, List.copyOf(promotions));
  }

  public Work conclude(Outcome outcome, String stage, String reason) {
    return new Work(event, raw, parsed, chunks, vectors, outcome, stage, reason, curation, promotions);
  }

  public ProgressEvent progress() {
    return new ProgressEvent(event.jobId(), event.documentId(), outcome, stage, reason,
        chunks == null || outcome != Outcome.INDEXED ? 0 : chunks.size(),
        contentBytes(), Instant.now());
  }

  /**
   * A dead letter carries what a replay needs: once the PII stage has run, the document as held
   * (parsed and redacted, {@link #held()}), never its raw bytes; before that (a document that could
   * not even be parsed), the original event.
   */
  public DeadLetter deadLetter() {
    if (event == null) return new DeadLetter(null, null, stage, reason, null, null, Instant.now(), null, raw);
    // (a parsed document's raw bytes may be gone already: see pending())
    DocumentEvent original = parsed != null && (redacted() || event.content().length == 0) ? held() : event;
    return new DeadLetter(event.documentId(), event.jobId(), stage, reason, event.source(), event.uri(), Instant.now(), original, null);
  }

  /** Whether the text went through the PII stage (held forms of it are safe to keep). */
  public boolean redacted() {
    return parsed != null && (curation.stages().stream().anyMatch(s -> s.stage().equals("pii"))
        || ParsedDocument.MEDIA_TYPE.equals(event.mediaType()));
  }

  /** The event as curation holds it: the same document and version, its content the parsed text as it is now. */
  public DocumentEvent held() {
    return event.withContent(parsed.title(), ParsedDocument.MEDIA_TYPE, parsed.toHeld());
  }

  public boolean rejectedOrDuplicate() {
    return outcome == Outcome.REJECTED || outcome == Outcome.DUPLICATE;
  }

  public Rejection rejection() {
    return new Rejection(event.documentId(), event.jobId(), event.source(), event.uri(), outcome, stage, reason,
        curation.duplicateOf(), JsonSerde.MAPPER.valueToTree(curation), Instant.now());
  }
}
