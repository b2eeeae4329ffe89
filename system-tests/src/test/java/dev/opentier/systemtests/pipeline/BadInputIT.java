package dev.opentier.systemtests.pipeline;

import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opentier.curation.parse.MisbehavingParser;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.SourceDocument;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile documents in one batch with ordinary ones, against curation-streams as a process of its
 * own with a small heap (its parse workers are processes of their own): each is refused with the
 * limit it crossed, the process keeps running with its heap under its limit, a parse that never
 * returns is stopped with its worker, and the rest of the batch is indexed.
 */
class BadInputIT {
  private static final int ORDINARY = 20;

  @TempDir Path temp;
  private PipelineHarness harness;
  private Process pipeline;

  @BeforeEach
  void setUp() throws Exception {
    harness = new PipelineHarness(Map.of("OPENTIER_STREAMS_THREADS", "2", "OPENTIER_PARSE_TIMEOUT_SECONDS", "15"));
  }

  @AfterEach
  void tearDown() {
    if (pipeline != null) pipeline.destroyForcibly();
    harness.close();
  }

  @Test
  void bombsAndDeepArchivesAreRefusedWithTheirLimitWhileTheProcessAndTheBatchGoOn() throws Exception {
    pipeline = harness.startPipelineProcess("bad-input", temp);
    List<SourceDocument> batch = new ArrayList<>();
    // about 2 GB of text on one line, in a gzip of about 2 MB
    batch.add(file("one-line.txt.gz", gzip("no newline in this text at all, ", 2_000_000_000L, false)));
    // about 1 GB of lines
    batch.add(file("many-lines.txt.gz", gzip("the same line of text, again and again and again\n", 1_000_000_000L, true)));
    byte[] archive = zip("inner.txt", "The innermost file.".getBytes(StandardCharsets.UTF_8));
    for (int level = 0; level < 20; level++) archive = zip("level-" + level + ".zip", archive);
    batch.add(file("nested.zip", archive));
    // a Word file whose text expands to about 2 GB
    batch.add(file("huge.docx", docx(2_000_000_000L)));
    // a parser that never returns (a test parser for a test-only type; real parsers have had such bugs)
    batch.add(file("stuck.never", MisbehavingParser.CONTENT));
    for (int i = 0; i < ORDINARY; i++) {
      batch.add(file("ordinary-" + i + ".txt", Fixtures.prose("ordinary " + i, 150).getBytes(StandardCharsets.UTF_8)));
    }
    UUID job = harness.ingestion.submit(Fixtures.source("bad-input", batch),
        new Ingestion.Options(DocumentEvent.Visibility.PUBLIC, null, null, false),
        (documents, bytes) -> {});
    JobProgress done = harness.await(job);

    assertThat(pipeline.isAlive()).isTrue();
    assertThat(done.indexed()).isEqualTo(ORDINARY);
    assertThat(done.failed() + done.rejected()).isEqualTo(5);
    DSLContext db = harness.database.dsl();
    assertThat(reason(db, "one-line.txt.gz")).contains("over the limit of 2000000 characters");
    assertThat(reason(db, "many-lines.txt.gz")).contains("over the limit of 2000000 characters");
    assertThat(reason(db, "nested.zip")).contains("nested more than 8 levels deep");
    // (POI reads a part of the file into memory, up to its own bound, before the text reaches ours)
    assertThat(reason(db, "huge.docx")).contains("maximum length for this record type is 100,000,000");
    assertThat(reason(db, "stuck.never")).contains("took longer than 15 s");
    // Its heap stayed under its limit, by its own metrics.
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + harness.env.get("OPENTIER_STREAMS_PORT") + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double used = sum(metrics, "jvm_memory_used_bytes{area=\"heap\"");
    double max = sum(metrics, "jvm_memory_max_bytes{area=\"heap\"");
    assertThat(used).isPositive().isLessThan(max);
    assertThat(sum(metrics, "opentier_parse_workers_stopped_total")).as("the worker with the stuck parse was ended").isGreaterThanOrEqualTo(1);
  }

  private static String reason(DSLContext db, String name) {
    return db.select(DOCUMENTS.STATUS_REASON).from(DOCUMENTS).where(DOCUMENTS.URI.endsWith(name)).fetchOne(DOCUMENTS.STATUS_REASON);
  }

  /** The sum of a metric's samples whose line starts with {@code prefix} (positive values only: -1 means "no maximum"). */
  private static double sum(String metrics, String prefix) {
    return metrics.lines().filter(line -> line.startsWith(prefix)).mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .filter(value -> value > 0).sum();
  }

  private static SourceDocument file(String name, byte[] content) {
    return SourceDocument.of(name, "generated:" + name, null, null, content, Map.of());
  }

  private static byte[] gzip(String text, long bytes, boolean lines) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] piece = text.getBytes(StandardCharsets.UTF_8);
    byte[] block = new byte[piece.length * 4096];
    for (int i = 0; i < 4096; i++) System.arraycopy(piece, 0, block, i * piece.length, piece.length);
    try (GZIPOutputStream out = new GZIPOutputStream(compressed, 1 << 16)) {
      for (long written = 0; written < bytes; written += block.length) out.write(block);
      if (!lines) out.write('.');
    }
    return compressed.toByteArray();
  }

  /** A minimal Word document whose one paragraph repeats a sentence until the XML is {@code bytes} long. */
  private static byte[] docx(long bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(9);
      entry(zip, "[Content_Types].xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
          <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
          <Default Extension="xml" ContentType="application/xml"/>
          <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
          </Types>""");
      entry(zip, "_rels/.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
          </Relationships>""");
      zip.putNextEntry(new ZipEntry("word/document.xml"));
      zip.write(("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
          + "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>").getBytes(StandardCharsets.UTF_8));
      byte[] piece = "Every sentence of this paragraph is the same as the one before it. ".getBytes(StandardCharsets.UTF_8);
      byte[] block = new byte[piece.length * 4096];
      for (int i = 0; i < 4096; i++) System.arraycopy(piece, 0, block, i * piece.length, piece.length);
      for (long written = 0; written < bytes; written += block.length) zip.write(block);
      zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  private static byte[] zip(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      out.putNextEntry(new ZipEntry(name));
      out.write(content);
      out.closeEntry();
    }
    return bytes.toByteArray();
  }
}
