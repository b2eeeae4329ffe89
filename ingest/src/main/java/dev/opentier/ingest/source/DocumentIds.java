package dev.opentier.ingest.source;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Document identity and version, as ARCHITECTURE.md describes. */
public final class DocumentIds {
  private DocumentIds() {}

  /** A stable id for a document known by its canonical URI: 32 hex characters of its SHA-256. */
  public static String forUri(String canonicalUri) {
    return sha256Hex(canonicalUri.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  /** A document's version: the SHA-256 of its raw bytes. */
  public static String version(byte[] content) {
    return sha256Hex(content);
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
