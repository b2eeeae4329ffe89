package dev.opentier.platform.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A record on {@code opentier.documents}, keyed by document id: put this version of a document,
 * or delete it. Written by the ingest library, read by curation-streams.
 *
 * @param content the raw bytes (JSON base64); null for deletes and for documents the source refused
 * @param refusal why the source could not take the document (e.g. over the size limit); the pipeline
 *     records it as failed and sends it to the dead-letter topic
 */
public record DocumentEvent(
    Operation op,
    String documentId,
    UUID jobId,
    String source,
    String uri,
    String title,
    String mediaType,
    Visibility visibility,
    UUID ownerId,
    Map<String, Object> metadata,
    String contentHash,
    byte[] content,
    String refusal,
    Instant submittedAt) {

  public enum Operation { UPSERT, DELETE }

  public enum Visibility { PRIVATE, PUBLIC }

  public DocumentEvent {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(documentId, "documentId");
    if (documentId.isBlank() || documentId.length() > 512) throw new IllegalArgumentException("documentId must be 1 to 512 characters");
    metadata = metadata == null ? Map.of() : metadata;
    visibility = visibility == null ? Visibility.PRIVATE : visibility;
    if (op == Operation.UPSERT && content == null && refusal == null) {
      throw new IllegalArgumentException("an upsert carries content or a refusal");
    }
  }

  public static DocumentEvent delete(String documentId, UUID jobId, String source, String uri) {
    return new DocumentEvent(Operation.DELETE, documentId, jobId, source, uri, null, null, null, null, null, null, null, null, Instant.now());
  }

  public boolean isDelete() {
    return op == Operation.DELETE;
  }
}
