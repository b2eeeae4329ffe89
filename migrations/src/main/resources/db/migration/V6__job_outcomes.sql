-- What the pipeline concluded for each document of a job. One row per (job, document) makes the
-- counters in ingestion_job_progress exactly-once: a replayed record finds its row and counts nothing.

-- writer: curation-streams
CREATE TABLE ingestion_job_documents (
    job_id       uuid        NOT NULL REFERENCES ingestion_jobs (id) ON DELETE CASCADE,
    document_id  text        NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('indexed', 'unchanged', 'rejected', 'duplicate', 'failed', 'deleted')),
    stage        text,
    reason       text,
    chunks       integer     NOT NULL DEFAULT 0,
    bytes        bigint      NOT NULL DEFAULT 0,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, document_id)
);
CREATE INDEX ingestion_job_documents_problems_idx ON ingestion_job_documents (job_id) WHERE outcome IN ('rejected', 'failed');

-- A document's stored content hash answers "unchanged?" before any parsing; the pipeline reads it per record.
CREATE INDEX documents_content_hash_idx ON documents (id, content_hash);

-- Replaying dead letters is a job of its own.
ALTER TABLE ingestion_jobs DROP CONSTRAINT ingestion_jobs_kind_check;
ALTER TABLE ingestion_jobs ADD CONSTRAINT ingestion_jobs_kind_check
    CHECK (kind IN ('file', 'folder', 'url', 'jsonl', 'stdin', 'upload', 'delete', 'replay'));
