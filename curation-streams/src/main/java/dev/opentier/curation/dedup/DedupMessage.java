package dev.opentier.curation.dedup;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The de-duplication protocol's records. To a band (key: band key): PROBE registers a document in
 * the band and asks for similar ones; REMOVE takes it out. To a document (key: document id):
 * ANSWER is a band's reply to a probe; DISPLACE tells a document that an earlier one resembles it;
 * REPLY answers a DISPLACE ("I am already indexed: you are my duplicate", or nothing).
 *
 * @param bands the band keys a PROBE or REMOVE is for: all of a document's keys that live on one
 *     partition travel in one message (the message's key is the first of them)
 * @param version the content hash of the addressed document's version (stale messages are ignored)
 * @param order when the addressed document was submitted: the earlier of two similar documents is
 *     the canonical one
 * @param candidate the document the addressed one may duplicate
 * @param displaced how many DISPLACE messages the band sent for this probe (each will be answered)
 * @param from the document that sent a DISPLACE, and its version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DedupMessage(
    Type type,
    String documentId,
    String version,
    Long order,
    String textHash,
    byte[] signature,
    List<String> bands,
    String candidate,
    Double similarity,
    Boolean exact,
    Integer displaced,
    String from,
    String fromVersion) {

  public enum Type { PROBE, REMOVE, ANSWER, DISPLACE, REPLY }

  static DedupMessage probe(String documentId, String version, long order, String textHash, byte[] signature, List<String> bands) {
    return new DedupMessage(Type.PROBE, documentId, version, order, textHash, signature, bands, null, null, null, null, null, null);
  }

  static DedupMessage remove(String documentId, String version, List<String> bands) {
    return new DedupMessage(Type.REMOVE, documentId, version, null, null, null, bands, null, null, null, null, null, null);
  }

  static DedupMessage answer(String documentId, String version, Candidate best, int displaced) {
    return new DedupMessage(Type.ANSWER, documentId, version, null, null, null, null,
        best == null ? null : best.documentId(), best == null ? null : best.similarity(), best == null ? null : best.exact(), displaced, null, null);
  }

  static DedupMessage displace(String documentId, String version, String from, String fromVersion, double similarity, boolean exact) {
    return new DedupMessage(Type.DISPLACE, documentId, version, null, null, null, null, null, similarity, exact, null, from, fromVersion);
  }

  static DedupMessage reply(String documentId, String version, Candidate candidate) {
    return new DedupMessage(Type.REPLY, documentId, version, null, null, null, null,
        candidate == null ? null : candidate.documentId(), candidate == null ? null : candidate.similarity(),
        candidate == null ? null : candidate.exact(), null, null, null);
  }

  boolean toBand() {
    return type == Type.PROBE || type == Type.REMOVE;
  }

  Candidate candidateOrNull() {
    return candidate == null ? null : new Candidate(candidate, similarity, Boolean.TRUE.equals(exact));
  }

  /** A document the addressed one may duplicate, with their estimated similarity. */
  public record Candidate(String documentId, double similarity, boolean exact) {
    /** The better of two: an exact duplicate, then the more similar, then the smaller id (so every replay picks the same). */
    static Candidate better(Candidate a, Candidate b) {
      if (a == null) return b;
      if (b == null) return a;
      if (a.exact() != b.exact()) return a.exact() ? a : b;
      int bySimilarity = Double.compare(a.similarity(), b.similarity());
      if (bySimilarity != 0) return bySimilarity > 0 ? a : b;
      return a.documentId().compareTo(b.documentId()) <= 0 ? a : b;
    }
  }
}
