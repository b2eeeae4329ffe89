package dev.opentier.systemtests.pipeline;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curation-streams as its own process, killed with SIGKILL in the middle of a 2,000-document job
 * and started again: afterwards every document is there exactly once with exactly its chunks, and
 * the job counted each document once.
 */
class KillRecoveryIT {
  private static final int DOCUMENTS_IN_JOB = 2_000;

  @TempDir Path temp;
  private PipelineHarness harness;
  private Process pipeline;

  @BeforeEach
  void setUp() throws Exception {
    // A short transaction timeout: the killed process's open transaction must expire before its
    // partitions move on (see the README's known limits).
    harness = new PipelineHarness(Map.of("OPENTIER_STREAMS_SESSION_TIMEOUT_MS", "6000", "OPENTIER_STREAMS_THREADS", "2",
        "OPENTIER_STREAMS_TRANSACTION_TIMEOUT_SECONDS", "15", "OPENTIER_PARSE_TIMEOUT_SECONDS", "5"));
  }

  @AfterEach
  void tearDown() {
    if (pipeline != null) pipeline.destroyForcibly();
    harness.close();
  }

  @Test
  void killingThePipelineMidJobLosesNothingAndDuplicatesNothing() throws Exception {
    pipeline = startPipelineProcess("first");
    UUID job = harness.ingestion.submit(Fixtures.generated("kill-recovery", DOCUMENTS_IN_JOB),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false), (documents, bytes) -> {});
    DSLContext db = harness.database.dsl();

    // When a good part, but not all, is indexed: kill -9.
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
        .until(() -> db.fetchCount(DOCUMENTS) >= DOCUMENTS_IN_JOB / 4);
    pipeline.destroyForcibly().waitFor();
    int indexedAtKill = db.fetchCount(DOCUMENTS);
    assertThat(indexedAtKill).isLessThan(DOCUMENTS_IN_JOB);

    pipeline = startPipelineProcess("second");
    JobProgress done = harness.await(job);

    assertThat(done.indexed()).isEqualTo(DOCUMENTS_IN_JOB);
    assertThat(done.failed()).isZero();
    assertThat(db.fetchCount(DOCUMENTS, DOCUMENTS.STATUS.eq("indexed"))).isEqualTo(DOCUMENTS_IN_JOB);
    // Exactly its chunks: one version per document, positions 0..n-1 once each, as many as it says.
    assertThat(db.fetchValue(DSL.selectCount().from(DSL.select(CHUNKS.DOCUMENT_ID).from(CHUNKS)
        .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
        .groupBy(CHUNKS.DOCUMENT_ID, DOCUMENTS.CHUNK_COUNT)
        .having(DSL.count().ne(DOCUMENTS.CHUNK_COUNT)
            .or(DSL.countDistinct(CHUNKS.POSITION).ne(DOCUMENTS.CHUNK_COUNT))
            .or(DSL.max(CHUNKS.POSITION).ne(DOCUMENTS.CHUNK_COUNT.minus(1)))
            .or(DSL.countDistinct(CHUNKS.DOCUMENT_VERSION).ne(1))))))
        .isZero();
    assertThat(db.fetchCount(CHUNKS)).isEqualTo(
        db.select(DSL.sum(DOCUMENTS.CHUNK_COUNT)).from(DOCUMENTS).fetchOne(0, Integer.class));
    assertThat(db.fetchCount(CHUNKS)).isGreaterThan(DOCUMENTS_IN_JOB);
  }


  private Process startPipelineProcess(String name) throws IOException {
    return harness.startPipelineProcess(name, temp);
  }
}
