package dev.opentier.systemtests.pipeline;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_CURATION_SUMMARY;
import static dev.opentier.platform.db.schema.Tables.INGESTION_JOB_DOCUMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.DocumentIds;
import dev.opentier.ingest.source.SourceDocument;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Curation on the real broker and PostgreSQL: duplicates across jobs and restarts, detection rates, job summaries. */
class CurationIT {
  @TempDir Path folder;
  private PipelineHarness harness;
  private DSLContext db;

  @BeforeEach
  void start() throws Exception {
    harness = new PipelineHarness(Map.of()).startPipeline();
    db = harness.database.dsl();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void exactAndNearDuplicatesInLaterJobsAreLinkedToTheOriginalEvenAfterARestartWithItsStateWiped() throws Exception {
    String article = Fixtures.prose("the harbour report", 400);
    Fixtures.write(folder.resolve("first/report.txt"), article);
    assertThat(harness.ingestFolder(folder.resolve("first"), false).indexed()).isEqualTo(1);

    // Given a restart on an empty state folder: the stores come back from their changelogs.
    harness.stopPipeline();
    harness.env.put("OPENTIER_STREAMS_STATE_DIR", Files.createTempDirectory("opentier-streams-fresh").toString());
    harness.startPipeline();

    Fixtures.write(folder.resolve("second/copy-of-report.txt"), article);
    JobProgress second = harness.ingestFolder(folder.resolve("second"), false);
    String[] sentences = article.split("(?<=\\.) ");
    sentences[7] = "A completely different sentence was written here by the editor.";
    Fixtures.write(folder.resolve("third/report-edited.txt"), String.join("  \n", sentences));
    Fixtures.write(folder.resolve("third/unrelated.txt"), Fixtures.prose("another harbour", 400));
    JobProgress third = harness.ingestFolder(folder.resolve("third"), false);

    String original = idOf("first/report.txt");
    assertThat(second.duplicate()).isEqualTo(1);
    assertThat(third.duplicate()).isEqualTo(1);
    assertThat(third.indexed()).isEqualTo(1);
    assertThat(row("second/copy-of-report.txt")).isEqualTo("duplicate " + original + " exact-dedup: exact duplicate of " + original);
    assertThat(row("third/report-edited.txt")).startsWith("duplicate " + original + " near-dedup: near duplicate of " + original);
    assertThat(row("third/unrelated.txt")).isEqualTo("indexed null null");
  }

  @Test
  void plantedNearDuplicatesAreFoundAndTheJobSummaryMatchesTheRecords() throws Exception {
    int originals = 1_800;
    int planted = 200;
    Random random = new Random(42);
    List<SourceDocument> corpus = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < originals; i++) {
      String text = Fixtures.prose("article " + i, 300);
      texts.add(text);
      corpus.add(document("original-" + i, text));
    }
    Map<String, Integer> group = new HashMap<>(); // a planted duplicate belongs to its original's group
    for (int i = 0; i < originals; i++) group.put(stored("original-" + i), i);
    for (int i = 0; i < planted; i++) {
      int of = random.nextInt(originals);
      String[] sentences = texts.get(of).split("(?<=\\.) ");
      sentences[1 + random.nextInt(sentences.length - 2)] = "This sentence number " + i + " replaced one of the original ones.";
      String id = "planted-" + i;
      group.put(stored(id), of);
      // Somewhere after its original (often close enough to be judged at the same time), with different whitespace.
      int after = corpus.indexOf(corpus.stream().filter(d -> d.documentId().equals("original-" + of)).findFirst().orElseThrow());
      corpus.add(after + 1 + random.nextInt(Math.min(50, corpus.size() - after)), document(id, String.join(i % 2 == 0 ? "\n" : "   ", sentences)));
    }

    UUID job = harness.ingestion.submit(Fixtures.source("planted-duplicates", corpus),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false),
        (documents, bytes) -> {});
    JobProgress done = harness.await(job);

    // Of each original and its planted copies, one stays indexed (whichever the pipeline indexed
    // first) and the others are duplicates linked to it: each such link is a detection. A link
    // between documents of different groups is a false positive.
    long found = 0;
    long falsePositives = 0;
    for (var r : db.select(DOCUMENTS.ID, DOCUMENTS.DUPLICATE_OF).from(DOCUMENTS).where(DOCUMENTS.STATUS.eq("duplicate")).fetch()) {
      if (group.get(r.value1()).equals(group.get(r.value2()))) found++;
      else falsePositives++;
    }
    double recall = (double) found / planted;
    double falsePositiveRate = (double) falsePositives / originals;
    System.out.printf("near-duplicate detection: found %d of %d planted (%.1f%%), %d false positives among %d originals (%.2f%%)%n",
        found, planted, 100 * recall, falsePositives, originals, 100 * falsePositiveRate);
    assertThat(recall).isGreaterThanOrEqualTo(0.95);
    assertThat(falsePositiveRate).isLessThanOrEqualTo(0.01);

    // The job's counters, its per-document records, the documents' own status and the summary agree.
    assertThat(done.indexed() + done.duplicate() + done.rejected()).isEqualTo(originals + planted);
    assertThat(done.duplicate()).isEqualTo(db.fetchCount(INGESTION_JOB_DOCUMENTS,
        INGESTION_JOB_DOCUMENTS.JOB_ID.eq(job).and(INGESTION_JOB_DOCUMENTS.OUTCOME.eq("duplicate"))));
    assertThat(done.duplicate()).isEqualTo(db.fetchCount(DOCUMENTS, DOCUMENTS.LAST_JOB_ID.eq(job).and(DOCUMENTS.STATUS.eq("duplicate"))));
    assertThat(done.indexed()).isEqualTo(db.fetchCount(DOCUMENTS, DOCUMENTS.LAST_JOB_ID.eq(job).and(DOCUMENTS.STATUS.eq("indexed"))));
    Integer summarised = db.select(org.jooq.impl.DSL.sum(INGESTION_JOB_CURATION_SUMMARY.DOCUMENTS).cast(Integer.class))
        .from(INGESTION_JOB_CURATION_SUMMARY)
        .where(INGESTION_JOB_CURATION_SUMMARY.JOB_ID.eq(job).and(INGESTION_JOB_CURATION_SUMMARY.OUTCOME.eq("duplicate")))
        .fetchOne(0, Integer.class);
    assertThat(summarised).isEqualTo(done.duplicate());
    // Every document of the job has its curation record.
    assertThat(db.fetchCount(DOCUMENTS, DOCUMENTS.LAST_JOB_ID.eq(job).and(DOCUMENTS.CURATION.cast(String.class).eq("{}")))).isZero();
  }

  private String idOf(String relative) {
    return db.select(DOCUMENTS.ID).from(DOCUMENTS).where(DOCUMENTS.URI.endsWith(relative)).fetchOne(DOCUMENTS.ID);
  }

  private String row(String relative) {
    var r = db.select(DOCUMENTS.STATUS, DOCUMENTS.DUPLICATE_OF, DOCUMENTS.STATUS_REASON).from(DOCUMENTS)
        .where(DOCUMENTS.URI.endsWith(relative)).fetchOne();
    return r.value1() + " " + r.value2() + " " + r.value3();
  }

  /** The id a generated document is stored under (namespaced: no owner, its URI). */
  private static String stored(String id) {
    return DocumentIds.owned(null, "generated:" + id, id);
  }

  private static SourceDocument document(String id, String text) {
    return SourceDocument.of(id, "generated:" + id, id, "text/plain", text.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
