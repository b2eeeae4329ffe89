-- Documents, who may see them, and their chunks.

-- writer: curation-streams
-- id is stable for the document's source (a hash of its canonical URI or path, or an id the caller
-- gives); content_hash is its version. curation holds the record of every curation decision.
CREATE TABLE documents (
    id              text        PRIMARY KEY,
    owner_id        uuid        REFERENCES users (id) ON DELETE CASCADE,  -- null: ingested by an operator, no owner
    visibility      text        NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
    source          text        NOT NULL,           -- what it came from, e.g. a folder, a site, a JSONL file
    uri             text        NOT NULL,
    title           text,
    mime_type       text,
    content_hash    text        NOT NULL,           -- the version: hash of the raw content
    text_hash       text,                           -- hash of the normalised text (exact de-duplication)
    status          text        NOT NULL CHECK (status IN ('indexed', 'rejected', 'duplicate', 'failed')),
    status_reason   text,
    duplicate_of    text        REFERENCES documents (id) ON DELETE SET NULL,
    language        text,
    size_bytes      bigint,
    chunk_count     integer     NOT NULL DEFAULT 0,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    curation        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    last_job_id     uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    indexed_at      timestamptz
);
CREATE INDEX documents_owner_idx ON documents (owner_id, updated_at DESC);
CREATE INDEX documents_public_idx ON documents (updated_at DESC) WHERE visibility = 'public';
CREATE INDEX documents_source_idx ON documents (source);
CREATE INDEX documents_status_idx ON documents (status);
CREATE INDEX documents_text_hash_idx ON documents (text_hash);
CREATE INDEX documents_duplicate_of_idx ON documents (duplicate_of);

-- writer: query-api
CREATE TABLE document_grants (
    document_id  text        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    granted_by   uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX document_grants_user_idx ON document_grants (user_id);

-- writer: curation-streams
-- id is deterministic (document id + version + position), so a replayed record upserts the same
-- rows. A changed document's chunk set is replaced in one transaction.
CREATE TABLE chunks (
    id               uuid        PRIMARY KEY,
    document_id      text        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    document_version text        NOT NULL,
    position         integer     NOT NULL CHECK (position >= 0),
    text             text        NOT NULL,
    token_count      integer     NOT NULL CHECK (token_count > 0),
    heading_path     text[]      NOT NULL DEFAULT '{}',
    start_offset     integer     NOT NULL CHECK (start_offset >= 0),
    end_offset       integer     NOT NULL,
    page             integer,
    embedding        vector(384) NOT NULL,
    lexical          tsvector    GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chunks_offsets_ordered CHECK (end_offset >= start_offset),
    CONSTRAINT chunks_document_position_key UNIQUE (document_id, document_version, position)
);
-- Dense retrieval: approximate nearest neighbours by cosine distance.
CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
-- Lexical retrieval.
CREATE INDEX chunks_lexical_idx ON chunks USING gin (lexical);
