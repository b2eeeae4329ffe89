package dev.opentier.intelligence.retrieval;

import dev.opentier.embedding.Embedder;
import dev.opentier.platform.db.DocumentAccess;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;

/**
 * Hybrid retrieval inside PostgreSQL over the chunks a user may see.
 *
 * <ul>
 *   <li><b>dense</b>: pgvector HNSW by cosine distance, {@code hnsw.ef_search} from the settings and
 *       iterative index scans (relaxed order, re-sorted here), so a permission filter that removes
 *       most neighbours does not starve the result;
 *   <li><b>lexical</b>: BM25. Each chunk stores BM25's term-frequency part as a sparse vector
 *       ({@code chunks.lexical_weights}); the query is a sparse vector of IDFs from the {@code
 *       lexicon} view, so the score is an inner product, found through an HNSW index on the
 *       sparse vectors (inner product, iterative scans);
 *   <li><b>fusion</b>: weighted reciprocal rank fusion, {@code w/(k + rank)} per list, its two
 *       parameters tuned on SciFact's train split.
 * </ul>
 * Permissions are part of every query: a chunk is visible when its document is indexed and public,
 * owned by the user, or granted to them. Being an admin changes nothing here.
 */
public final class HybridRetriever {
  public enum Mode { HYBRID, DENSE, LEXICAL }

  /** What to search among: none of the lists set means everything the user may see. */
  public record Filter(List<String> documentIds, List<String> sources, Map<String, String> metadata) {
    public static final Filter NONE = new Filter(List.of(), List.of(), Map.of());
  }

  /** One retrieved chunk with its place in each list (null when a list did not return it). */
  public record Hit(UUID chunkId, double fused, Double dense, Integer denseRank, Double lexical, Integer lexicalRank) {}

  private static final int SPARSE_DIMENSIONS = 1_000_000_000;

  private final DSLContext db;
  private final Embedder embedder;
  private final RetrievalSettings settings;
  /** The chunk count IDF is computed over: the count at the last lexicon refresh. */
  private final AtomicLong corpusChunks;

  public HybridRetriever(DSLContext db, Embedder embedder, RetrievalSettings settings) {
    this(db, embedder, settings, new AtomicLong(-1));
  }

  private HybridRetriever(DSLContext db, Embedder embedder, RetrievalSettings settings, AtomicLong corpusChunks) {
    this.db = db;
    this.embedder = embedder;
    this.settings = settings;
    this.corpusChunks = corpusChunks;
  }

  /** A retriever over the same corpus with other settings, sharing this one's statistics (no refresh needed). */
  public HybridRetriever with(RetrievalSettings other) {
    return new HybridRetriever(db, embedder, other, corpusChunks);
  }

  /** The best {@code limit} chunks for the query, fused, best first. */
  public List<Hit> search(UUID userId, String query, int limit, Filter filter, Mode mode) {
    int candidates = Math.max(limit, settings.candidates());
    Map<UUID, Double> dense = mode == Mode.LEXICAL ? Map.of() : dense(userId, embedder.embed(query), candidates, filter);
    Map<UUID, Double> lexical = mode == Mode.DENSE ? Map.of() : lexical(userId, query, candidates, filter);
    return fuse(dense, lexical, limit);
  }

  private List<Hit> fuse(Map<UUID, Double> dense, Map<UUID, Double> lexical, int limit) {
    Map<UUID, double[]> fused = new HashMap<>();
    Map<UUID, Integer> denseRanks = ranks(dense);
    Map<UUID, Integer> lexicalRanks = ranks(lexical);
    double k = settings.rrfK();
    denseRanks.forEach((id, rank) -> fused.computeIfAbsent(id, x -> new double[1])[0] += settings.denseWeight() / (k + rank));
    lexicalRanks.forEach((id, rank) -> fused.computeIfAbsent(id, x -> new double[1])[0] += (1 - settings.denseWeight()) / (k + rank));
    return fused.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<UUID, double[]> e) -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
        .limit(limit)
        .map(e -> new Hit(e.getKey(), e.getValue()[0], dense.get(e.getKey()), denseRanks.get(e.getKey()),
            lexical.get(e.getKey()), lexicalRanks.get(e.getKey())))
        .toList();
  }

  /** Ranks from 1, in the map's (score) order. */
  private static Map<UUID, Integer> ranks(Map<UUID, Double> scored) {
    Map<UUID, Integer> ranks = new HashMap<>();
    int rank = 0;
    for (UUID id : scored.keySet()) ranks.put(id, ++rank);
    return ranks;
  }

  /** Cosine similarity of the nearest chunks, best first. */
  private Map<UUID, Double> dense(UUID userId, float[] vector, int limit, Filter filter) {
    String literal = Arrays.toString(vector).replace(" ", "");
    Field<Double> distance = DSL.field("{0} <=> {1}::vector", SQLDataType.DOUBLE, CHUNKS.EMBEDDING, DSL.val(literal));
    return db.transactionResult(tx -> {
      DSLContext t = tx.dsl();
      scanSettings(t, settings.efSearch());
      Map<UUID, Double> hits = new LinkedHashMap<>();
      t.select(CHUNKS.ID, distance)
          .from(CHUNKS)
          .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
          .where(visibleTo(userId)).and(matching(filter))
          .orderBy(distance)
          .limit(limit)
          .fetch()
          .stream()
          // relaxed order: an iterative scan may return neighbours slightly out of order
          .sorted(Comparator.comparingDouble((Record r) -> r.get(1, Double.class)))
          .forEach(r -> hits.put(r.get(CHUNKS.ID), 1 - r.get(1, Double.class)));
      return hits;
    });
  }

  /** The transaction's HNSW scan settings, in one round trip. */
  private static void scanSettings(DSLContext t, int efSearch) {
    t.execute("SELECT set_config('hnsw.ef_search', {0}, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)",
        DSL.val(Integer.toString(efSearch)));
  }

  /** BM25 scores of the chunks sharing a lexeme with the query, best first. */
  private Map<UUID, Double> lexical(UUID userId, String query, int limit, Filter filter) {
    // The query's lexemes (the same English configuration as the chunks), their term numbers and chunk frequencies.
    var terms = db.resultQuery(
            "SELECT t.lexeme, bm25_term(t.lexeme) AS term, coalesce(l.chunks, 0) AS df "
                + "FROM unnest(to_tsvector('english', {0})) AS t LEFT JOIN lexicon l ON l.term = bm25_term(t.lexeme)",
            DSL.val(query))
        .fetch();
    if (terms.isEmpty()) return Map.of();
    long n = Math.max(corpusChunks(), 1);
    TreeMap<Integer, Double> idf = new TreeMap<>();
    for (Record term : terms) {
      long df = Math.min(term.get("df", Long.class), n);
      idf.merge(term.get("term", Integer.class), Math.log(1 + (n - df + 0.5) / (df + 0.5)), Double::sum);
    }
    String sparse = idf.entrySet().stream().map(e -> e.getKey() + ":" + (float) e.getValue().doubleValue())
        .collect(Collectors.joining(",", "{", "}/" + SPARSE_DIMENSIONS));
    Field<Double> innerProduct = DSL.field("({0} <#> {1}::sparsevec)", SQLDataType.DOUBLE, DSL.field("chunks.lexical_weights"), DSL.val(sparse));
    Map<UUID, Double> hits = new LinkedHashMap<>();
    db.transaction(tx -> {
      DSLContext t = tx.dsl();
      // The HNSW index on the term weights (inner product), scanned iteratively like the dense one.
      scanSettings(t, settings.lexicalEfSearch());
      t.select(CHUNKS.ID, innerProduct)
          .from(CHUNKS)
          .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
          .where(visibleTo(userId)).and(matching(filter))
          .orderBy(innerProduct)
          .limit(limit)
          .fetch()
          .stream()
          .filter(r -> r.get(1, Double.class) < 0) // no shared term: not a lexical match
          .sorted(Comparator.comparingDouble((Record r) -> r.get(1, Double.class)))
          .forEach(r -> hits.put(r.get(CHUNKS.ID), -r.get(1, Double.class)));
    });
    return hits;
  }

  /** Indexed and public, owned, or granted: the one definition of who sees a chunk. */
  static Condition visibleTo(UUID userId) {
    return DOCUMENTS.STATUS.eq("indexed").and(DocumentAccess.visibleTo(userId));
  }

  private static Condition matching(Filter filter) {
    Condition condition = DSL.noCondition();
    if (!filter.documentIds().isEmpty()) condition = condition.and(CHUNKS.DOCUMENT_ID.in(filter.documentIds()));
    if (!filter.sources().isEmpty()) condition = condition.and(DOCUMENTS.SOURCE.in(filter.sources()));
    if (!filter.metadata().isEmpty()) {
      try {
        String json = dev.opentier.platform.kafka.JsonSerde.MAPPER.writeValueAsString(filter.metadata());
        condition = condition.and(DSL.condition("documents.metadata @> {0}::jsonb", DSL.val(json)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("metadata filter cannot be written as JSON", e);
      }
    }
    return condition;
  }

  public long corpusChunks() {
    long known = corpusChunks.get();
    return known >= 0 ? known : db.fetchCount(CHUNKS);
  }

  /**
   * Recomputes the lexicon's document frequencies and the planner's statistics when the number of chunks changed by more than the
   * settings allow since the last refresh (always when {@code force}, and on the first call).
   * Searches meanwhile use the previous figures. Returns true when it refreshed.
   *
   * <p>The statistics are those of the tables a search reads. A bulk load leaves them describing the tables as they were (autovacuum may be off, as on the
   * machines OpenTier is built on, or not have caught up), and with a public share estimated at a
   * hundredth of the truth PostgreSQL chose an exact scan of every visible chunk over the HNSW
   * index: 90 ms a dense query over SciFact's 9,904 chunks instead of 22.
   */
  public boolean refreshStatistics(boolean force) {
    long now = db.fetchCount(CHUNKS);
    long before = corpusChunks.get();
    boolean changed = before < 0 || Math.abs(now - before) > Math.max(10, before * settings.lexiconRefreshChange());
    if (!force && !changed) return false;
    db.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY lexicon");
    db.execute("ANALYZE documents, document_grants, chunks");
    corpusChunks.set(now);
    return true;
  }
}
