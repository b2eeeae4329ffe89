-- Retrieval: each chunk carries its context (the document's title) for both searches, and its
-- BM25 term weights for lexical search.

-- writer: curation-streams
ALTER TABLE chunks ADD COLUMN context text NOT NULL DEFAULT '';

-- A lexeme's position in the sparse term space: a hash, so no vocabulary has to be shared.
CREATE FUNCTION bm25_term(lexeme text) RETURNS integer
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
    RETURN ((hashtext(lexeme)::bigint & 2147483647) % 1000000000)::integer + 1;

-- The document side of BM25 (k1 = 1.2, b = 0.75, average length 100 lexemes: chunks are bounded,
-- so lengths vary little): tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)) per term. The query side
-- multiplies by each term's IDF, so a chunk's score is an inner product.
CREATE FUNCTION bm25_weights(document tsvector) RETURNS sparsevec(1000000000)
    IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql
BEGIN ATOMIC
    WITH terms AS (
        SELECT bm25_term(t.lexeme) AS term, coalesce(cardinality(t.positions), 1) AS tf
        FROM unnest(document) AS t),
    length AS (SELECT coalesce(sum(tf), 0) AS dl FROM terms),
    merged AS (SELECT term, sum(tf) AS tf FROM terms GROUP BY term)
    SELECT coalesce('{' || string_agg(term || ':' || (tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * (SELECT dl FROM length) / 100.0)))::real,
                                      ',' ORDER BY term) || '}/1000000000', '{}/1000000000')::sparsevec
    FROM merged;
END;

ALTER TABLE chunks DROP COLUMN lexical;
ALTER TABLE chunks ADD COLUMN lexical tsvector GENERATED ALWAYS AS (to_tsvector('english', context || ' ' || text)) STORED;
ALTER TABLE chunks ADD COLUMN lexical_weights sparsevec(1000000000) GENERATED ALWAYS AS (bm25_weights(to_tsvector('english', context || ' ' || text))) STORED;
CREATE INDEX chunks_lexical_idx ON chunks USING gin (lexical);
-- Lexical search by index: the best inner products without scoring every chunk that shares a
-- common term (150 ms a query at 100,000 chunks when scored through the GIN index).
CREATE INDEX chunks_lexical_weights_hnsw_idx ON chunks USING hnsw (lexical_weights sparsevec_ip_ops) WITH (m = 16, ef_construction = 64);

-- Document frequencies for IDF, refreshed by intelligence when the corpus has grown or shrunk
-- (REFRESH … CONCURRENTLY: searches read the previous figures meanwhile).
CREATE MATERIALIZED VIEW lexicon AS
SELECT bm25_term(word) AS term, sum(ndoc)::integer AS chunks
FROM ts_stat('SELECT lexical FROM public.chunks')  -- qualified: PostgreSQL 17 runs this with search_path = pg_catalog
GROUP BY 1;
CREATE UNIQUE INDEX lexicon_term_idx ON lexicon (term);
