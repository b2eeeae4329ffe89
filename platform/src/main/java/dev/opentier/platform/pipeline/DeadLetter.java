package dev.opentier.platform.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * A record on {@code opentier.dlq}: a document the pipeline could not process, with the stage and
 * the reason, and the original event so it can be replayed onto {@code opentier.documents}.
 * A record that was not even a valid event keeps its raw bytes instead (and cannot be replayed).
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
    byte[] rawValue) {}
