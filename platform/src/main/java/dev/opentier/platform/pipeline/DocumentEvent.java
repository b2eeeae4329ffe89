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
 * @param curation which curation rules may reject it (null: {@link CurationProfile#KNOWLEDGE_BASE})
 * @param override who asked for this version to be indexed although curation rejected it (an
 *     "index anyway"): its rules then flag instead of rejecting, and the override is recorded in its
 *     lineage; null for an ordinary submission
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
    Instant submittedAt,
    CurationProfile curation,
    Override override) {

  public enum Operation { UPSERT, DELETE }

  public enum Visibility { PRIVATE, PUBLIC }

  /** An "index anyway": who asked for it, when, and the rejection it overrides. */
  public record Override(UUID by, Instant at, String rejection) {}

  /** An event as sources make it: no curation profile of its own, no override. */
  public DocumentEvent(Operation op, String documentId, UUID jobId, String source, String uri, String title, String mediaType,
      Visibility visibility, UUID ownerId, Map<String, Object> metadata, String contentHash, byte[] content, String refusal,
      Instant submittedAt) {
    this(op, documentId, jobId, source, uri, title, mediaType, visibility, ownerId, metadata, contentHash, content, refusal,
        submittedAt, null, null);
  }

  public DocumentEvent {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(documentId, "documentId");
    if (documentId.isBlank() || documentId.length() > 512) throw new IllegalArgumentException("documentId must be 1 to 512 characters");
    metadata = metadata == null ? Map.of() : metadata;
    visibility = visibility == null ? Visibility.PRIVATE : visibility;
    curation = curation == null ? CurationProfile.KNOWLEDGE_BASE : curation;
    if (op == Operation.UPSERT && content == null && refusal == null) {
      throw new IllegalArgumentException("an upsert carries content or a refusal");
    }
  }

  public static DocumentEvent delete(String documentId, UUID jobId, String source, String uri) {
    return new DocumentEvent(Operation.DELETE, documentId, jobId, source, uri, null, null, null, null, null, null, null, null, Instant.now());
  }

  /** The same event in another job, with another curation profile or override. */
  public DocumentEvent resubmitted(UUID jobId, CurationProfile curation, Override override) {
    return new DocumentEvent(op, documentId, jobId, source, uri, title, mediaType, visibility, ownerId, metadata, contentHash,
        content, refusal, Instant.now(), curation, override);
  }

  /** The same event in another job (null: outside any job), submitted when it was. */
  public DocumentEvent inJob(UUID jobId) {
    return new DocumentEvent(op, documentId, jobId, source, uri, title, mediaType, visibility, ownerId, metadata, contentHash,
        content, refusal, submittedAt, curation, override);
  }

  /**
   * The same document and version with other content: its parsed form as curation holds it, or
   * none at all ({@link #withoutContent()}).
   */
  public DocumentEvent withContent(String title, String mediaType, byte[] content) {
    return new DocumentEvent(op, documentId, jobId, source, uri, title, mediaType, visibility, ownerId, metadata, contentHash,
        content, null, submittedAt, curation, override);
  }

  /**
   * The same event without its raw bytes (an empty content): what the pipeline keeps of a document
   * once it is parsed, so that its raw bytes, personal data included, are not stored again in a
   * state store or its changelog, and a large document does not make a record near the topic's limit.
   */
  public DocumentEvent withoutContent() {
    return content == null ? this : withContent(title, mediaType, new byte[0]);
  }

  public boolean isDelete() {
    return op == Operation.DELETE;
  }
}
