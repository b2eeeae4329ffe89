package dev.opentier.platform.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * A record on {@code opentier.ingest.events}, keyed by job id: what the pipeline concluded for one
 * document of a job. Emitted inside the pipeline's Kafka transaction, so exactly once.
 */
public record ProgressEvent(
    UUID jobId,
    String documentId,
    Outcome outcome,
    String stage,
    String reason,
    int chunks,
    long bytes,
    Instant at) {

  public enum Outcome { INDEXED, UNCHANGED, REJECTED, DUPLICATE, FAILED, DELETED }
}
