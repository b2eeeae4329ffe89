package dev.opentier.platform.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * A record on {@code opentier.dlq}: a document the pipeline could not process, with the stage and
 * the reason, and the original event so it can be replayed onto {@code opentier.documents}.
 * A record that was not even a valid event keeps its raw bytes instead (and cannot be replayed).
 *
 * <p>Bytes that nothing has redacted (a document that failed before its text could be read, a
 * record that was not an event) are not carried: the letter has the event without its content and
 * {@code contentRef} names where they are kept until {@code contentExpiresAt}
 * ({@code dead_letter_contents}); after that the letter cannot be replayed.
 */
public record DeadLetter(
    String documentId,
    UUID jobId,
    String stage,
    String reason,
    String source,
    String uri,
    Instant failedAt,
    DocumentEvent original,
    byte[] rawValue,
    String contentRef,
    Instant contentExpiresAt) {

  public DeadLetter(String documentId, UUID jobId, String stage, String reason, String source, String uri, Instant failedAt,
      DocumentEvent original, byte[] rawValue) {
    this(documentId, jobId, stage, reason, source, uri, failedAt, original, rawValue, null, null);
  }

  /** This letter without the bytes it carried: they are kept under {@code ref} until {@code expires} (null: not kept at all). */
  public DeadLetter withContentKept(String ref, Instant expires) {
    return new DeadLetter(documentId, jobId, stage, reason, source, uri, failedAt, original == null ? null : original.withoutContent(), null,
        ref, expires);
  }

  /** Whether a replay can submit this letter's document again (as of {@code now}). */
  public boolean replayable(Instant now) {
    return original != null && (contentRef == null || contentExpiresAt != null && contentExpiresAt.isAfter(now));
  }
}
