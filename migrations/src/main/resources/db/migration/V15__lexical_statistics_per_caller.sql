-- Lexical search is exact BM25 with statistics over what the caller may see (security round,
-- finding 1): the shared lexicon counted every user's chunks, and a score that used it told a
-- caller whether chunks it cannot see hold a term. Searches now count, per query, the visible
-- chunks that hold each query lexeme (through the GIN index on chunks.lexical) and score every
-- visible chunk holding one of them, so the approximate HNSW index over the sparse term weights is
-- read by nothing.

-- writer: intelligence (was)
DROP MATERIALIZED VIEW lexicon;

-- writer: curation-streams (the index on its table)
DROP INDEX chunks_lexical_weights_hnsw_idx;
