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
import java.math.BigDecimal;

import static dev.opentier.platform.db.schema.Tables.CHUNKS;
import static dev.opentier.platform.db.schema.Tables.DOCUMENTS;

/**
 * Hybrid retrieval inside PostgreSQL over the chunks a user may see.
 *
 * <ul>
 *   <li><b>dense</b>: pgvector HNSW by cosine distance, {@code hnsw.ef_search} from the settings and
 *       iterative index scans (relaxed order, re-sorted here), so a permission filter that removes
 *       most neighbours does not starve the result;
 *   <li><b>lexical</b>: exact BM25. Each chunk stores BM25's term-frequency part as a sparse vector
 *       ({@code chunks.lexical_weights}); the query is a sparse vector of IDFs computed over the
 *       chunks the caller may see, so the score is an inner product, taken for every visible chunk
 *       that holds a query lexeme (found through the GIN index on {@code chunks.lexical});
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
  /** The advisory lock key under which one instance at a time refreshes the planner's statistics ("OTstats"). */
  public static final long STATISTICS_LOCK = 0x4F5473746174734CL;

  private final DSLContext db;
  private final Embedder embedder;
  private final RetrievalSettings settings;
  /** The number of chunks at the last statistics refresh (for the log and for deciding when to refresh). */
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

  /**
   * Exact BM25 scores of the visible chunks sharing a lexeme with the query, best first (ties by
   * chunk id, so every run ranks alike). The statistics are the caller's own: the number of chunks
   * it may see and, per query lexeme, how many of those hold it. No score, rank or count depends on
   * a chunk the caller cannot see (security round, finding 1): the shared {@code lexicon} that counted
   * every user's chunks is gone.
   */
  private Map<UUID, Double> lexical(UUID userId, String query, int limit, Filter filter) {
    // The query's lexemes (the chunks' English configuration) and their places in the sparse term space.
    var terms = db.resultQuery("SELECT DISTINCT t.lexeme, bm25_term(t.lexeme) AS term FROM unnest(to_tsvector('english', {0})) AS t",
            DSL.val(query))
        .fetch();
    if (terms.isEmpty()) return Map.of();
    String[] lexemes = terms.stream().map(r -> tsquery(r.get("lexeme", String.class))).toArray(String[]::new);
    Condition visible = visibleTo(userId);
    return db.transactionResult(tx -> {
      DSLContext t = tx.dsl();
      long n = Math.max(1, t.select(DSL.coalesce(DSL.sum(DOCUMENTS.CHUNK_COUNT), BigDecimal.ZERO)).from(DOCUMENTS).where(visible)
          .fetchOne(0, Long.class));
      // Per lexeme, the visible chunks that hold it: one GIN probe each.
      Map<Long, Long> frequencies = new HashMap<>();
      t.resultQuery("SELECT q.i, (SELECT count(*) FROM chunks JOIN documents ON documents.id = chunks.document_id "
                  + "WHERE chunks.lexical @@ q.query AND {1}) AS df FROM unnest({0}::tsquery[]) WITH ORDINALITY AS q(query, i)",
              DSL.val(lexemes), visible)
          .fetch()
          .forEach(r -> frequencies.put(r.get(0, Long.class), r.get(1, Long.class)));
      TreeMap<Integer, Double> idf = new TreeMap<>();
      for (int i = 0; i < terms.size(); i++) {
        long df = Math.min(frequencies.getOrDefault((long) i + 1, 0L), n);
        if (df == 0) continue;
        idf.merge(terms.get(i).get("term", Integer.class), Math.log(1 + (n - df + 0.5) / (df + 0.5)), Double::sum);
      }
      if (idf.isEmpty()) return Map.<UUID, Double>of();
      String sparse = idf.entrySet().stream().map(e -> e.getKey() + ":" + (float) e.getValue().doubleValue())
          .collect(Collectors.joining(",", "{", "}/" + SPARSE_DIMENSIONS));
      String anyLexeme = String.join(" | ", lexemes);
      Field<Double> innerProduct = DSL.field("({0} <#> {1}::sparsevec)", SQLDataType.DOUBLE, DSL.field("chunks.lexical_weights"), DSL.val(sparse));
      Map<UUID, Double> hits = new LinkedHashMap<>();
      t.select(CHUNKS.ID, innerProduct)
          .from(CHUNKS)
          .join(DOCUMENTS).on(DOCUMENTS.ID.eq(CHUNKS.DOCUMENT_ID))
          .where(DSL.condition("chunks.lexical @@ {0}::tsquery", DSL.val(anyLexeme)))
          .and(visible).and(matching(filter))
          .orderBy(innerProduct, CHUNKS.ID)
          .limit(limit)
          .fetch()
          .forEach(r -> hits.put(r.get(CHUNKS.ID), -r.get(1, Double.class)));
      return hits;
    });
  }

  /** A lexeme as a tsquery operand, quoted as tsquery's input syntax wants, so it is matched as it is. */
  static String tsquery(String lexeme) {
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
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
   * Recomputes the planner's statistics when the number of chunks changed by more than the
   * settings allow since the last refresh (always when {@code force}, and on the first call).
   * Returns true when it refreshed. (BM25's own statistics are computed per query, over what the
   * caller may see.)
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
    // One instance at a time: with several intelligence instances, the one that takes the lock
    // analyses; the others count this change as seen (it is being analysed) instead of repeating it.
    boolean analysed = db.transactionResult(tx -> {
      Object locked = tx.dsl().fetchValue("SELECT pg_try_advisory_xact_lock({0})", DSL.val(STATISTICS_LOCK));
      if (!Boolean.TRUE.equals(locked)) return false;
      tx.dsl().execute("ANALYZE documents, document_grants, chunks");
      return true;
    });
    corpusChunks.set(now);
    return analysed;
  }

}
