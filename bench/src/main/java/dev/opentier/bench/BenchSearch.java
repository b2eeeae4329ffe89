package dev.opentier.bench;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENT_GRANTS;
import static dev.opentier.platform.db.schema.Tables.USERS;

import dev.opentier.embedding.Embedder;
import dev.opentier.embedding.EmbeddingSettings;
import dev.opentier.intelligence.retrieval.HybridRetriever;
import dev.opentier.intelligence.retrieval.Passages;
import dev.opentier.intelligence.retrieval.RetrievalSettings;
import dev.opentier.platform.config.Settings;
import dev.opentier.platform.db.Database;
import dev.opentier.platform.db.DatabaseSettings;
import dev.opentier.platform.db.Migrations;
import dev.opentier.platform.db.DocumentAccess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * {@code ./opentier bench search [CHUNKS] [SECONDS]}: search latency at scale, in a database of its
 * own (dropped afterwards). The corpus: SciFact's abstracts, embedded once by the real model, then
 * repeated with small noise on the vectors (each copy a document of its own) until there are
 * CHUNKS chunks (default 100,000), spread over 50 owners: a fifth public, the rest private with a
 * few grants. Measures, for a user whose permission filter hides most chunks, Search's latency (p50,
 * p99) and queries/s with 4 concurrent clients per mode, and HNSW recall@10 against exact search.
 */
public final class BenchSearch {
  private BenchSearch() {}

  public static void main(String[] args) throws Exception {
    int target = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0]) : 100_000;
    int seconds = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 20;
    Path corpus = BenchChunks.locateCorpus();
    Map<String, String> queries = BenchQuality.readQueries(corpus.getParent().resolve("queries.jsonl"));
    List<BenchQuality.Doc> docs = BenchQuality.readCorpus(corpus);

    OwnDatabase own = OwnDatabase.create("bench_search");
    Settings settings = Settings.of(own.env());
    try (Database database = Database.connect(DatabaseSettings.from(settings), "bench-search");
         Embedder embedder = Embedder.create(EmbeddingSettings.from(settings))) {
      new Migrations(database.dataSource()).apply();
      DSLContext db = database.dsl();
      long started = System.nanoTime();
      List<String> texts = docs.stream().map(d -> d.text().length() > 1500 ? d.text().substring(0, 1500) : d.text()).toList();
      List<float[]> vectors = embedder.embedAll(texts);
      System.out.printf(Locale.ROOT, "bench search: embedded %d abstracts in %.0f s%n", texts.size(), (System.nanoTime() - started) / 1e9);
      UUID viewer = load(db, texts, vectors, target);
      HybridRetriever retriever = new HybridRetriever(db, embedder, RetrievalSettings.from(settings));
      retriever.refreshStatistics(true);
      Passages passages = new Passages(db);
      List<String> questions = new ArrayList<>(queries.values());
      System.out.printf(Locale.ROOT, "bench search: %d chunks; the measuring user may see %d of them%n",
          db.fetchCount(CHUNKS), db.fetchCount(CHUNKS.join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID)),
              DocumentAccess.visibleTo(viewer)));
      System.out.println("bench search: Search for the top 10 with the user's permission filter, 4 concurrent clients");
      for (HybridRetriever.Mode mode : HybridRetriever.Mode.values()) {
        measure(mode.name().toLowerCase(Locale.ROOT), questions, seconds,
            q -> passages.of(retriever.search(viewer, q, 10, HybridRetriever.Filter.NONE, mode)));
      }
      // The question's embedding alone: the part of dense and hybrid that PostgreSQL does not do.
      measure("embed", questions, seconds, embedder::embed);
      for (int efSearch : new int[] {40, 100, 200, 400}) recall(db, embedder, questions, efSearch);
    } finally {
      if (System.getenv("OPENTIER_BENCH_KEEP_DATABASE") == null) own.drop();
      else System.out.println("bench search: kept database " + own.name());
    }
  }

  /** Loads the corpus with the HNSW index built once at the end (as a bulk load should). Returns the measuring user. */
  private static UUID load(DSLContext db, List<String> texts, List<float[]> vectors, int target) {
    long started = System.nanoTime();
    List<UUID> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(db.insertInto(USERS).set(USERS.EMAIL, "user" + i + "@bench.example").set(USERS.EMAIL_VERIFIED_AT, java.time.OffsetDateTime.now())
          .returning(USERS.ID).fetchOne(USERS.ID));
    }
    db.execute("DROP INDEX chunks_embedding_hnsw_idx");
    Random random = new Random(7);
    int chunksPerDocument = 10;
    int documents = (target + chunksPerDocument - 1) / chunksPerDocument;
    List<Query> batch = new ArrayList<>();
    int chunk = 0;
    for (int d = 0; d < documents; d++) {
      String id = "doc-" + d;
      boolean isPublic = random.nextInt(5) == 0;
      UUID owner = users.get(random.nextInt(users.size()));
      db.insertInto(DOCUMENTS).set(DOCUMENTS.ID, id).set(DOCUMENTS.OWNER_ID, owner).set(DOCUMENTS.VISIBILITY, isPublic ? "public" : "private")
          .set(DOCUMENTS.SOURCE, "bench").set(DOCUMENTS.URI, "bench:" + id).set(DOCUMENTS.TITLE, "Document " + d)
          .set(DOCUMENTS.CONTENT_HASH, "v1").set(DOCUMENTS.STATUS, "indexed").set(DOCUMENTS.CHUNK_COUNT, chunksPerDocument).execute();
      if (!isPublic && random.nextInt(20) == 0) {
        db.insertInto(DOCUMENT_GRANTS).set(DOCUMENT_GRANTS.DOCUMENT_ID, id).set(DOCUMENT_GRANTS.EMAIL, "user" + random.nextInt(users.size()) + "@bench.example")
            .onConflictDoNothing().execute();
      }
      for (int p = 0; p < chunksPerDocument && chunk < target; p++, chunk++) {
        int source = chunk % texts.size();
        batch.add(db.insertInto(CHUNKS)
            .set(CHUNKS.ID, UUID.randomUUID()).set(CHUNKS.DOCUMENT_ID, id).set(CHUNKS.DOCUMENT_VERSION, "v1").set(CHUNKS.POSITION, p)
            .set(CHUNKS.TEXT, texts.get(source)).set(CHUNKS.TOKEN_COUNT, 100).set(CHUNKS.START_OFFSET, 0)
            .set(CHUNKS.END_OFFSET, texts.get(source).length())
            // The first copy of each abstract is its real embedding; later copies are near it.
            .set(CHUNKS.EMBEDDING, chunk < texts.size() ? vectors.get(source) : jitter(vectors.get(source), random)));
      }
      if (batch.size() >= 500) {
        db.batch(batch).execute();
        batch.clear();
      }
    }
    if (!batch.isEmpty()) db.batch(batch).execute();
    double loaded = (System.nanoTime() - started) / 1e9;
    long indexStarted = System.nanoTime();
    db.execute("SET maintenance_work_mem = '1GB'");
    db.execute("CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)");
    System.out.printf(Locale.ROOT, "bench search: loaded %d chunks in %.0f s, HNSW index built in %.0f s%n", chunk, loaded,
        (System.nanoTime() - indexStarted) / 1e9);
    return users.getFirst();
  }

  private static float[] jitter(float[] vector, Random random) {
    float[] copy = Arrays.copyOf(vector, vector.length);
    double norm = 0;
    for (int i = 0; i < copy.length; i++) {
      copy[i] += (float) (random.nextGaussian() * 0.02);
      norm += copy[i] * copy[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < copy.length; i++) copy[i] *= scale;
    return copy;
  }

  private static void measure(String name, List<String> questions, int seconds, Consumer<String> query) throws Exception {
    for (int i = 0; i < 20; i++) query.accept(questions.get(i)); // warm up
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      running.add(clients.submit(() -> {
        int i = client;
        while (System.nanoTime() < deadline) {
          long started = System.nanoTime();
          query.accept(questions.get(i++ % questions.size()));
          latencies.add(System.nanoTime() - started);
        }
        return null;
      }));
    }
    for (Future<?> client : running) client.get();
    clients.shutdown();
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(Locale.ROOT, "%-8s 4 clients: %.1f queries/s, p50 %.1f ms, p99 %.1f ms (%d queries)%n",
        name, sorted.length / (double) seconds, sorted[sorted.length / 2] / 1e6,
        sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6, sorted.length);
  }

  /** HNSW's top 10 against the exact top 10 (a sequential scan), over all chunks. */
  private static void recall(DSLContext db, Embedder embedder, List<String> questions, int efSearch) {
    double total = 0;
    int n = 100;
    for (int q = 0; q < n; q++) {
      String vector = Arrays.toString(embedder.embed(questions.get(q))).replace(" ", "");
      Set<String> approximate = new HashSet<>(nearest(db, vector, "SET LOCAL hnsw.ef_search = " + efSearch));
      List<String> exact = nearest(db, vector, "SET LOCAL enable_indexscan = off");
      total += exact.stream().filter(approximate::contains).count() / 10.0;
    }
    System.out.printf(Locale.ROOT, "HNSW recall@10 against exact search, ef_search %d, %d queries: %.3f%n", efSearch, n, total / n);
  }

  private static List<String> nearest(DSLContext db, String vector, String setting) {
    return db.transactionResult(tx -> {
      tx.dsl().execute(setting);
      return tx.dsl().fetch("SELECT id::text FROM chunks ORDER BY embedding <=> ?::vector LIMIT 10", vector).getValues(0, String.class);
    });
  }
}
