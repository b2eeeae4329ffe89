package dev.opentier.systemtests.pipeline;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opentier.ingest.job.DeadLetters;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.DocumentIds;
import dev.opentier.platform.pipeline.DeadLetter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders through the real pipeline: ingest library → Kafka → Kafka Streams → PostgreSQL + pgvector. */
class PipelineIT {
  private static PipelineHarness harness;
  private static DSLContext db;

  @TempDir Path folder;

  @BeforeAll
  static void startPipeline() throws Exception {
    harness = new PipelineHarness(Map.of()).startPipeline();
    db = harness.database.dsl();
  }

  @AfterAll
  static void stopPipeline() {
    harness.close();
  }

  @Test
  void aFolderOfMixedFilesIsFullyIndexedWithTitlesHeadingsAndPages() throws Exception {
    Fixtures.write(folder.resolve("notes.txt"), "Vitamin D helps the body absorb calcium.\n\nSunlight is a source of it.");
    Fixtures.write(folder.resolve("guide.md"), "# Guide\n\nOpenTier ingests documents.\n\n## Setup\n\nRun the launcher first.\n");
    Fixtures.write(folder.resolve("web/page.html"),
        "<html><head><title>Web Page</title></head><body><h1>Intro</h1><p>Hello from HTML.</p><h2>More</h2><p>Details.</p></body></html>");
    Fixtures.write(folder.resolve("report.pdf"), Fixtures.pdf("Annual Report",
        Fixtures.prose("page one", 60), Fixtures.prose("page two", 60)));
    Fixtures.write(folder.resolve("plan.docx"), Fixtures.docx("Quarterly Plan", "Hire two engineers.", "Ship the pipeline."));

    JobProgress done = harness.ingestFolder(folder, false);

    assertThat(done.indexed()).isEqualTo(5);
    assertThat(done.failed()).isZero();
    assertThat(titleAndChunks("notes.txt")).isEqualTo("notes:1");
    assertThat(titleAndChunks("guide.md")).isEqualTo("Guide:2");
    assertThat(titleAndChunks("web/page.html")).isEqualTo("Web Page:2");
    assertThat(titleAndChunks("report.pdf")).isEqualTo("Annual Report:2");
    assertThat(titleAndChunks("plan.docx")).isEqualTo("Quarterly Plan:1");

    assertThat(chunks("report.pdf").stream().map(r -> r.get(CHUNKS.PAGE)).toList()).containsExactly(1, 2);
    assertThat(chunks("report.pdf").getFirst().get(CHUNKS.TEXT)).contains("page one").doesNotContain("page two");
    assertThat(chunks("guide.md").stream().map(r -> List.of(r.get(CHUNKS.HEADING_PATH))).toList())
        .containsExactly(List.of("Guide"), List.of("Guide", "Setup"));
    assertThat(chunks("web/page.html").get(1).get(CHUNKS.HEADING_PATH)).containsExactly("Intro", "More");
    // Offsets point into the document's text, and every chunk fits the model's window.
    assertThat(db.fetchValue("select max(token_count) from chunks")).isNotNull();
    assertThat((Integer) db.fetchValue("select max(token_count) from chunks")).isLessThanOrEqualTo(256);
    assertThat((Integer) db.fetchValue("select min(vector_dims(embedding)) from chunks")).isEqualTo(384);
  }

  @Test
  void reingestingAnUnchangedFolderWritesNothing() throws Exception {
    Fixtures.write(folder.resolve("a.txt"), Fixtures.prose("apples", 300));
    Fixtures.write(folder.resolve("b.md"), "# B\n\n" + Fixtures.prose("bananas", 50));
    harness.ingestFolder(folder, false);
    Map<String, OffsetDateTime> updatedBefore = updatedAt();
    Set<UUID> chunkIdsBefore = chunkIds();

    JobProgress again = harness.ingestFolder(folder, false);

    assertThat(again.unchanged()).isEqualTo(2);
    assertThat(again.indexed()).isZero();
    assertThat(updatedAt()).isEqualTo(updatedBefore);
    assertThat(chunkIds()).isEqualTo(chunkIdsBefore);
  }

  @Test
  void changingAFileReplacesItsChunksWithoutAReaderEverSeeingAMixOrAGap() throws Exception {
    Path file = Fixtures.write(folder.resolve("changing.txt"), Fixtures.prose("the first version", 900));
    harness.ingestFolder(folder, false);
    String id = idOf("changing.txt");
    int before = chunks("changing.txt").size();
    assertThat(before).isGreaterThan(3);

    // A reader searching all the time, in its own transactions, as a search would.
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    Thread reader = Thread.ofPlatform().start(() -> {
      while (reading.get()) {
        List<String> rows = db.select(CHUNKS.DOCUMENT_VERSION).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq(id)).fetch(CHUNKS.DOCUMENT_VERSION);
        Set<String> versions = Set.copyOf(rows);
        if (versions.size() != 1) violations.add("saw " + versions.size() + " versions in " + rows.size() + " chunks");
        reads.incrementAndGet();
      }
    });
    Files.writeString(file, Fixtures.prose("the second version", 500));
    JobProgress changed = harness.ingestFolder(folder, false);
    reading.set(false);
    reader.join();

    assertThat(changed.indexed()).isEqualTo(1);
    assertThat(reads.get()).isGreaterThan(10);
    assertThat(violations).isEmpty();
    List<Record> after = chunks("changing.txt");
    assertThat(after).isNotEmpty().allSatisfy(r -> assertThat(r.get(CHUNKS.TEXT)).contains("second version"));
    assertThat(after.stream().map(r -> r.get(CHUNKS.DOCUMENT_VERSION)).distinct().toList())
        .containsExactly(DocumentIds.version(Files.readAllBytes(file)));
  }

  @Test
  void deletingAFileWithSyncOrByItsUriRemovesItAndItsChunks() throws Exception {
    Fixtures.write(folder.resolve("keep.txt"), "This document stays.");
    Path gone = Fixtures.write(folder.resolve("gone.txt"), "This document will be deleted from the folder.");
    Fixtures.write(folder.resolve("by-uri.txt"), "This document will be deleted by its URI.");
    harness.ingestFolder(folder, false);
    String goneId = idOf("gone.txt");
    assertThat(chunkCount(goneId)).isPositive();

    Files.delete(gone);
    JobProgress synced = harness.ingestFolder(folder, true);

    assertThat(synced.deleted()).isEqualTo(1);
    assertThat(synced.unchanged()).isEqualTo(2);
    assertThat(db.fetchExists(DOCUMENTS, DOCUMENTS.ID.eq(goneId))).isFalse();
    assertThat(chunkCount(goneId)).isZero();

    String uri = folder.resolve("by-uri.txt").toAbsolutePath().toUri().toString();
    JobProgress deleted = harness.await(harness.ingestion.delete(List.of(uri), null));

    assertThat(deleted.deleted()).isEqualTo(1);
    assertThat(db.fetchExists(DOCUMENTS, DOCUMENTS.URI.eq(uri))).isFalse();
    assertThat(chunkCount(idOf("keep.txt"))).isPositive();
  }

  @Test
  void badInputEndsInTheDeadLetterTopicWithAClearReasonWhileTheRestIsIndexed() throws Exception {
    Fixtures.write(folder.resolve("good.txt"), "A perfectly good document.");
    Fixtures.write(folder.resolve("corrupt.pdf"), "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage that is not a PDF");
    Fixtures.write(folder.resolve("empty.txt"), new byte[0]);
    Fixtures.write(folder.resolve("binary.txt"), new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 3});
    Fixtures.write(folder.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, ' ', 'a', 'u', ' ', 'l', 'a', 'i', 't'});
    Fixtures.write(folder.resolve("huge.txt"), Fixtures.prose("size", 2_000));

    JobProgress done = harness.ingestFolder(folder, false, 4_000);

    assertThat(done.indexed()).isEqualTo(1);
    assertThat(done.failed()).isEqualTo(5);
    // The oversized file never reached the parser; the other four failed in it.
    assertThat(done.stages()).isEqualTo(new JobProgress.Stages(6, 1, 1, 1));
    Map<String, String> reasons = done.problems().stream()
        .collect(Collectors.toMap(p -> nameOf(p.documentId()), p -> p.stage() + ": " + p.reason()));
    assertThat(reasons.get("corrupt.pdf")).startsWith("parse: cannot parse application/pdf");
    assertThat(reasons.get("empty.txt")).isEqualTo("parse: empty document (0 bytes)");
    assertThat(reasons.get("binary.txt")).isEqualTo("parse: binary content in a text file (NUL byte at offset 4)");
    assertThat(reasons.get("latin1.txt")).isEqualTo("parse: invalid UTF-8 at byte 3");
    assertThat(reasons.get("huge.txt")).matches("ingest: file is \\d+ bytes, over the ingest limit of 4000 bytes");

    // The outcomes are in PostgreSQL as each document concludes; the dead letters become visible
    // when the pipeline's Kafka transaction commits, moments later.
    List<DeadLetter> letters = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> DeadLetters.readAll(harness.kafka).stream().filter(l -> done.jobId().equals(l.jobId())).toList(),
            found -> found.size() >= 5);
    assertThat(letters).hasSize(5);
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.reason()).isNotBlank();
      assertThat(l.original()).as("replayable").isNotNull();
      assertThat(l.original().content() == null || l.original().content().length == 0).as("no unredacted bytes on the topic").isTrue();
      assertThat(l.uri()).startsWith("file:");
    });

    // Replaying the dead letters runs them through the pipeline again, as a job of their own (their
    // bytes come from where curation-streams kept them apart).
    DeadLetters.Replay replay = DeadLetters.replayable(letters, db);
    assertThat(replay.unreplayable()).isZero();
    assertThat(replay.events()).filteredOn(e -> e.uri().endsWith("binary.txt")).singleElement()
        .satisfies(e -> assertThat(e.content()).hasSize(9));
    JobProgress replayed = harness.await(harness.ingestion.replay(replay.events(), null));
    assertThat(replayed.expected()).isEqualTo(5);
    assertThat(replayed.failed()).isEqualTo(5);
    assertThat(replayed.problems()).extracting(JobProgress.Problem::documentId)
        .containsExactlyInAnyOrderElementsOf(letters.stream().map(DeadLetter::documentId).toList());
  }

  private String titleAndChunks(String relative) {
    Record row = db.select(DOCUMENTS.TITLE, DOCUMENTS.CHUNK_COUNT).from(DOCUMENTS).where(DOCUMENTS.ID.eq(idOf(relative))).fetchOne();
    assertThat(row).as("document %s", relative).isNotNull();
    return row.get(DOCUMENTS.TITLE) + ":" + row.get(DOCUMENTS.CHUNK_COUNT);
  }

  private List<Record> chunks(String relative) {
    return db.select(CHUNKS.fields()).from(CHUNKS).where(CHUNKS.DOCUMENT_ID.eq(idOf(relative))).orderBy(CHUNKS.POSITION).fetch();
  }

  private int chunkCount(String documentId) {
    return db.fetchCount(CHUNKS, CHUNKS.DOCUMENT_ID.eq(documentId));
  }

  private String idOf(String relative) {
    String uri = folder.resolve(relative).toAbsolutePath().normalize().toUri().toString();
    return DocumentIds.owned(null, uri, DocumentIds.forUri(uri));
  }

  private String nameOf(String documentId) {
    String uri = db.select(DOCUMENTS.URI).from(DOCUMENTS).where(DOCUMENTS.ID.eq(documentId)).fetchOne(DOCUMENTS.URI);
    return uri == null ? documentId : uri.substring(uri.lastIndexOf('/') + 1);
  }

  private Map<String, OffsetDateTime> updatedAt() {
    return db.select(DOCUMENTS.ID, DOCUMENTS.UPDATED_AT).from(DOCUMENTS)
        .where(DOCUMENTS.SOURCE.eq("folder:" + folder.toAbsolutePath().normalize()))
        .fetchMap(DOCUMENTS.ID, DOCUMENTS.UPDATED_AT);
  }

  private Set<UUID> chunkIds() {
    return Set.copyOf(db.select(CHUNKS.ID).from(CHUNKS).join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
        .where(DOCUMENTS.SOURCE.eq("folder:" + folder.toAbsolutePath().normalize())).fetch(CHUNKS.ID));
  }
}
