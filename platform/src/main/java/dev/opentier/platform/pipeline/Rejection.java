package dev.opentier.platform.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A record on {@code opentier.documents.rejected}, keyed by document id: a document the curation
 * stages did not index (a quality, language or PII rejection, or a duplicate), with the reason and
 * its whole curation record.
 *
 * @param outcome REJECTED or DUPLICATE
 * @param duplicateOf the canonical document, for duplicates
 */
public record Rejection(
    String documentId,
    UUID jobId,
    String source,
    String uri,
    ProgressEvent.Outcome outcome,
    String stage,
    String reason,
    String duplicateOf,
    JsonNode curation,
    Instant at) {}
