package dev.opentier.ingest.job;

import java.util.List;
import java.util.UUID;

/**
 * How far the pipeline got with a job: what was submitted, and what it concluded so far.
 *
 * @param expected outcomes to wait for: documents submitted plus deletes submitted
 * @param submitted true once the ingest side has produced everything
 * @param problems the documents that were rejected or failed, with the stage and reason
 */
public record JobProgress(
    UUID jobId,
    boolean submitted,
    int expected,
    long bytesSubmitted,
    int indexed,
    int unchanged,
    int rejected,
    int duplicate,
    int failed,
    int deleted,
    int chunks,
    Stages stages,
    List<Problem> problems) {

  /** How many of the job's concluded documents went through each stage. */
  public record Stages(int received, int parsed, int chunked, int embedded) {}

  public record Problem(String documentId, String outcome, String stage, String reason) {}

  public int concluded() {
    return indexed + unchanged + rejected + duplicate + failed + deleted;
  }

  /** Everything submitted has an outcome. */
  public boolean finished() {
    return submitted && concluded() >= expected;
  }

  public boolean anyFailed() {
    return failed > 0;
  }
}
