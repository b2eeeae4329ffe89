-- Per-stage counters of a job: how many of its documents the pipeline received, parsed, chunked
-- and embedded. Counted when a document's outcome is recorded (once per job and document, in the
-- same transaction), so they are exact under replays; a document that failed at a stage counts
-- for the stages before it.

-- writer: curation-streams
ALTER TABLE ingestion_job_progress
    ADD COLUMN received integer NOT NULL DEFAULT 0,
    ADD COLUMN parsed   integer NOT NULL DEFAULT 0,
    ADD COLUMN chunked  integer NOT NULL DEFAULT 0,
    ADD COLUMN embedded integer NOT NULL DEFAULT 0;
