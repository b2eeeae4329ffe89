package dev.opentier.ingest.source;

import dev.opentier.platform.pipeline.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Document identity and version, as ARCHITECTURE.md describes. */
public final class DocumentIds {
  private DocumentIds() {}

  /** A stable id for a document known by its canonical URI: 32 hex characters of its SHA-256. */
  public static String forUri(String canonicalUri) {
    return sha256Hex(canonicalUri.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  /**
   * The id a document is stored under: its source's own id, namespaced by its owner and by where it
   * came from, so that no one's ingest can overwrite, take over or change another user's document
   * (two users crawling the same URL get a document each), and two JSONL files that reuse the same
   * ids stay apart (their URIs name the file). 32 hex characters of a SHA-256.
   *
   * @param ownerId the owner; null for documents an operator ingests without one
   * @param uri the document's canonical URI ({@link SourceDocument#uri()})
   * @param sourceId the source's own id for it ({@link SourceDocument#documentId()})
   */
  public static String owned(UUID ownerId, String uri, String sourceId) {
    String namespace = ownerId == null ? "-" : ownerId.toString();
    return sha256Hex((namespace + "\n" + uri + "\n" + sourceId).getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  /** A document's version: the SHA-256 of its raw bytes. */
  public static String version(byte[] content) {
    return sha256Hex(content);
  }

  public static String sha256Hex(byte[] bytes) {
    return Hashes.sha256Hex(bytes);
  }
}
