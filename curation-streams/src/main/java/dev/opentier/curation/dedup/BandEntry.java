package dev.opentier.curation.dedup;

/** A document registered in a band (store {@code dedup-bands}, key: band key, NUL, document id). */
public record BandEntry(String documentId, String version, long order, String textHash, byte[] signature) {

  /** True when this document came first: it is the canonical one of the two. */
  boolean precedes(DedupMessage probe) {
    return order < probe.order() || (order == probe.order() && documentId.compareTo(probe.documentId()) < 0);
  }
}
