package dev.opentier.ingest.source;

import java.util.Map;
import java.util.Objects;

/**
 * One document as a source found it: its stable id, where it came from, and its raw bytes. A
 * document a source could not take (too large, unreadable) carries a {@code refusal} instead of
 * content; it still travels through the pipeline so the job records why it failed.
 *
 * @param documentId stable for the source: a caller-given id, or {@link DocumentIds#forUri} of the URI
 * @param uri canonical location (file:// URI, http(s) URL, or jsonl:FILE#id)
 * @param title the title the source knows (JSONL title, HTML title is found later by the parser); may be null
 * @param mediaType the media type the source knows (e.g. from HTTP Content-Type); may be null
 * @param content the raw bytes; null exactly when {@code refusal} is set
 * @param metadata source metadata (JSONL metadata, file size, modification time); never null
 * @param refusal why the source could not take this document; null when content is present
 */
public record SourceDocument(
    String documentId, String uri, String title, String mediaType, byte[] content,
    Map<String, Object> metadata, String refusal) {

  public SourceDocument {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(uri, "uri");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    if ((content == null) == (refusal == null)) {
      throw new IllegalArgumentException("exactly one of content and refusal must be set");
    }
  }

  public static SourceDocument of(String documentId, String uri, String title, String mediaType, byte[] content,
                                  Map<String, Object> metadata) {
    return new SourceDocument(documentId, uri, title, mediaType, content, metadata, null);
  }

  public static SourceDocument refused(String documentId, String uri, Map<String, Object> metadata, String refusal) {
    return new SourceDocument(documentId, uri, null, null, null, metadata, refusal);
  }

  public long size() {
    return content == null ? 0 : content.length;
  }
}
