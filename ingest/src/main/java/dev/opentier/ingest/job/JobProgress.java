package dev.opentier.ingest.job;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * How far the pipeline got with a job: what was submitted, and what it concluded so far.
 *
 * @param expected outcomes to wait for: documents submitted plus deletes submitted
 * @param status submitting, submitted (the ingest side has produced everything) or failed
 * @param submittedAt when the ingest side finished producing; null before
 * @param submitErrors what could not even be read or submitted, as the JSON array stored with the job
 * @param problems the documents that were rejected or failed, with the stage and reason
 */
public record JobProgress(
    UUID jobId,
    String status,
    OffsetDateTime submittedAt,
    String submitErrors,
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

  public boolean submitted() {
    return "submitted".equals(status);
  }

  /** Everything submitted has an outcome. */
  public boolean finished() {
    return finished(status, concluded(), expected);
  }

  /** The rule for a job of this status whose outcomes so far number {@code concluded}. */
  public static boolean finished(String status, int concluded, int expected) {
    return "submitted".equals(status) && concluded >= expected;
  }

  public boolean anyFailed() {
    return failed > 0;
  }
}
