package dev.opentier.bench;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;

import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.ingest.job.Ingestion;
import dev.opentier.ingest.job.JobProgress;
import dev.opentier.ingest.source.DocumentIds;
import dev.opentier.ingest.source.JsonlSource;
import dev.opentier.ingest.source.Source;
import dev.opentier.ingest.source.SourceDocument;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.kafka.KafkaSettings;
import dev.opentier.platform.pipeline.DocumentEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code ./opentier bench pipeline}: against a running platform, ingests SciFact documents end to
 * end (CLI library → Kafka → Streams → pgvector) under fresh ids, then embeds the same chunks
 * alone to get the pipeline/embedding ratio, then measures freshness (a changed document's new
 * chunks searchable). Removes what it ingested at the end.
 *
 * <p>First, a warm-up job of the documents that follow the measured ones in the corpus (500 by
 * default, 0 for none), timed and printed but not counted: the first minute or two after
 * curation-streams starts, its JIT compilers take a large part of the two cores (about 44 s of CPU
 * over the first 1,000 documents, measured with JFR), which is what a freshly started process
 * costs once and not what the pipeline sustains.
 */
public final class BenchPipeline {
  private BenchPipeline() {}

  public static void main(String[] args) throws Exception {
    Path corpus = args.length > 0 && !args[0].isBlank() ? Path.of(args[0]) : BenchChunks.locateCorpus();
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int freshnessSamples = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 500;
    Settings settings = Settings.fromEnvironment();
    String prefix = "bench-" + System.currentTimeMillis() + "-";
    try (Database database = Database.connect(DatabaseSettings.from(settings), "bench");
         Ingestion ingestion = new Ingestion(database.dsl(), KafkaSettings.from(settings))) {
      var db = database.dsl();
      var options = new Ingestion.Options(DocumentEvent.Visibility.PRIVATE, null, null, false);

      Source scifact = new JsonlSource(corpus, prefix, 20 * 1024 * 1024);
      if (warmup > 0) {
        long warmupStarted = System.nanoTime();
        JobProgress warm = ingestion.await(
            ingestion.submit(slice(scifact, limit, warmup), options, (d, b) -> {}),
            Duration.ofHours(1), p -> {});
        double warmupSeconds = (System.nanoTime() - warmupStarted) / 1e9;
        System.out.printf(Locale.ROOT, "warm-up (not counted): %d documents, %d chunks in %.1f s: %.1f documents/s, %.1f chunks/s%n",
            warm.concluded(), warm.chunks(), warmupSeconds, warm.concluded() / warmupSeconds, warm.chunks() / warmupSeconds);
      }

      long started = System.nanoTime();
      UUID job = ingestion.submit(slice(scifact, 0, limit), options, (d, b) -> {});
      JobProgress done = ingestion.await(job, Duration.ofHours(1), p -> {});
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(Locale.ROOT, "pipeline: %d documents (%d indexed), %d chunks in %.1f s: %.1f documents/s, %.1f chunks/s "
              + "(rejected %d, duplicate %d, failed %d)%n",
          done.concluded(), done.indexed(), done.chunks(), seconds, done.concluded() / seconds, done.chunks() / seconds,
          done.rejected(), done.duplicate(), done.failed());

      List<String> texts = db.select(CHUNKS.TEXT).from(CHUNKS).join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
          .where(DOCUMENTS.LAST_JOB_ID.eq(job)).fetch(CHUNKS.TEXT);
      try (Embedder embedder = Embedder.create(EmbeddingSettings.from(settings))) {
        embedder.embedAll(texts.subList(0, Math.min(32, texts.size())));
        long embedStarted = System.nanoTime();
        embedder.embedAll(texts);
        double embedRate = texts.size() / ((System.nanoTime() - embedStarted) / 1e9);
        System.out.printf(Locale.ROOT, "embedding alone, same %d chunks: %.1f chunks/s%n", texts.size(), embedRate);
        System.out.printf(Locale.ROOT, "pipeline ratio vs embedding: %.2f%n", (done.chunks() / seconds) / embedRate);
      }

      // Freshness: one document changes; how long until its new chunks are what a search finds.
      String sourceId = prefix + "freshness";
      String id = DocumentIds.owned(null, "bench:" + sourceId, sourceId); // the id it is stored under
      double[] latencies = new double[freshnessSamples];
      for (int i = 0; i < freshnessSamples; i++) {
        byte[] content = ("Freshness probe version " + i + ". " + "Vitamin D and bone health. ".repeat(5)).getBytes(StandardCharsets.UTF_8);
        String version = DocumentIds.version(content);
        long produced = System.nanoTime();
        UUID probe = ingestion.submit(single(sourceId, content), options, (d, b) -> {});
        while (!db.fetchExists(CHUNKS, CHUNKS.DOCUMENT_ID.eq(id).and(CHUNKS.DOCUMENT_VERSION.eq(version)))) {
          Thread.sleep(5);
        }
        latencies[i] = (System.nanoTime() - produced) / 1e6;
        ingestion.await(probe, Duration.ofMinutes(1), p -> {});
      }
      Arrays.sort(latencies);
      System.out.printf(Locale.ROOT, "freshness (produce → new chunks searchable), %d samples: p50 %.0f ms, p95 %.0f ms, max %.0f ms%n",
          freshnessSamples, latencies[freshnessSamples / 2], latencies[(int) Math.ceil(freshnessSamples * 0.95) - 1], latencies[freshnessSamples - 1]);

      // (stored ids are hashes namespaced by owner: the benchmark's documents are found by their URIs' fresh ids)
      List<String> ids = new ArrayList<>(db.select(DOCUMENTS.ID).from(DOCUMENTS)
          .where(DOCUMENTS.URI.like("%#" + prefix + "%").or(DOCUMENTS.URI.eq("bench:" + sourceId))).fetch(DOCUMENTS.ID));
      ingestion.await(ingestion.delete(ids, null), Duration.ofMinutes(10), p -> {});
      System.out.printf("removed the %d benchmark documents%n", ids.size());
    }
  }

  /** The documents {@code skip} to {@code skip + limit} of a source. */
  private static Source slice(Source source, int skip, int limit) {
    return new Source() {
      @Override
      public String name() {
        return source.name() + "?skip=" + skip + "&first=" + limit;
      }

      @Override
      public String kind() {
        return source.kind();
      }

      @Override
      public void forEach(Consumer<SourceDocument> sink) throws IOException {
        int[] seen = {0};
        source.forEach(document -> {
          int at = seen[0]++;
          if (at >= skip && at < skip + limit) sink.accept(document);
        });
      }
    };
  }

  private static Source single(String id, byte[] content) {
    return new Source() {
      @Override
      public String name() {
        return "bench:freshness";
      }

      @Override
      public String kind() {
        return "stdin";
      }

      @Override
      public void forEach(Consumer<SourceDocument> sink) {
        sink.accept(SourceDocument.of(id, "bench:" + id, "Freshness probe", "text/plain", content, Map.of()));
      }
    };
  }
}
