-- Ingestion jobs: one per `opentier ingest` invocation or upload. What was submitted and how far
-- the pipeline got are written by different processes, so they live in two tables (one writer each).

-- writer: the ingest library (run by query-api for uploads and by the `opentier ingest` CLI)
CREATE TABLE ingestion_jobs (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created_by           uuid        REFERENCES users (id) ON DELETE SET NULL,
    kind                 text        NOT NULL CHECK (kind IN ('file', 'folder', 'url', 'jsonl', 'stdin', 'upload', 'delete')),
    source               text        NOT NULL,
    options              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status               text        NOT NULL DEFAULT 'submitting' CHECK (status IN ('submitting', 'submitted', 'failed')),
    documents_submitted  integer     NOT NULL DEFAULT 0,
    documents_deleted    integer     NOT NULL DEFAULT 0,  -- deletes submitted (--delete, --sync)
    bytes_submitted      bigint      NOT NULL DEFAULT 0,
    submit_errors        jsonb       NOT NULL DEFAULT '[]'::jsonb,  -- what could not even be read, with reasons
    created_at           timestamptz NOT NULL DEFAULT now(),
    submitted_at         timestamptz
);
CREATE INDEX ingestion_jobs_created_idx ON ingestion_jobs (created_at DESC);
CREATE INDEX ingestion_jobs_created_by_idx ON ingestion_jobs (created_by, created_at DESC);

-- writer: curation-streams
-- Per-outcome counters of a job, updated as the pipeline finishes each document.
CREATE TABLE ingestion_job_progress (
    job_id       uuid        PRIMARY KEY REFERENCES ingestion_jobs (id) ON DELETE CASCADE,
    indexed      integer     NOT NULL DEFAULT 0,
    unchanged    integer     NOT NULL DEFAULT 0,
    rejected     integer     NOT NULL DEFAULT 0,
    duplicate    integer     NOT NULL DEFAULT 0,
    failed       integer     NOT NULL DEFAULT 0,
    deleted      integer     NOT NULL DEFAULT 0,
    chunks       integer     NOT NULL DEFAULT 0,
    bytes        bigint      NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
