package dev.opentier.curation.dedup;

import dev.opentier.curation.Work;

/** What a de-duplication processor emits: a document that goes on down the pipeline, or a protocol message. */
public record Routed(Work work, DedupMessage message) {
  static Routed work(Work work) {
    return new Routed(work, null);
  }

  static Routed message(DedupMessage message) {
    return new Routed(null, message);
  }

  public boolean isWork() {
    return work != null;
  }

  public boolean toBand() {
    return message != null && message.toBand();
  }
}
