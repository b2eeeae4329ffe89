package dev.opentier.curation.dedup;

import java.util.List;

/**
 * What de-duplication knows of one document (store {@code dedup-state}, keyed by document id): the
 * version it judged, the bands it registered in (and how many probe messages carried them), and its verdict, or while the verdict is open,
 * how many answers it has and expects and the best candidate so far.
 */
public record DedupState(
    String version,
    long order,
    List<String> bands,
    int expected,
    Status status,
    int answers,
    int displaced,
    int replies,
    DedupMessage.Candidate candidate,
    long probedAtMillis) {

  public enum Status { PENDING, UNIQUE, DUPLICATE }

  static DedupState pending(String version, long order, List<String> bands, int expected) {
    return new DedupState(version, order, List.copyOf(bands), expected, Status.PENDING, 0, 0, 0, null, System.currentTimeMillis());
  }

  boolean awaits(String version) {
    return status == Status.PENDING && this.version.equals(version);
  }

  DedupState answered(DedupMessage answer) {
    return new DedupState(version, order, bands, expected, status, answers + 1, displaced + answer.displaced(), replies,
        DedupMessage.Candidate.better(candidate, answer.candidateOrNull()), probedAtMillis);
  }

  DedupState replied(DedupMessage reply) {
    return new DedupState(version, order, bands, expected, status, answers, displaced, replies + 1,
        DedupMessage.Candidate.better(candidate, reply.candidateOrNull()), probedAtMillis);
  }

  DedupState displacedBy(DedupMessage.Candidate earlier) {
    return new DedupState(version, order, bands, expected, status, answers, displaced, replies, DedupMessage.Candidate.better(candidate, earlier), probedAtMillis);
  }

  boolean complete() {
    return answers >= expected && replies >= displaced;
  }

  DedupState concluded() {
    return new DedupState(version, order, bands, expected, candidate == null ? Status.UNIQUE : Status.DUPLICATE, answers, displaced, replies, candidate, probedAtMillis);
  }
}
