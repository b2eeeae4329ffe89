-- Curation: lineage, duplicates kept for promotion, and per-job summaries by reason.

-- A duplicate may be linked to its canonical document before that one's row is written (both are
-- judged in the stream, the canonical one is still being embedded), so the link is not a foreign
-- key. When the canonical document is deleted or changes, curation-streams submits its duplicates
-- again (see document_holds) and one of them becomes the new canonical document.
ALTER TABLE documents DROP CONSTRAINT documents_duplicate_of_fkey;
CREATE INDEX documents_language_idx ON documents (language);

-- writer: curation-streams
-- The event of each document held back as a duplicate: what is submitted again when its
-- canonical document goes away. Removed when the document is indexed or deleted.
CREATE TABLE document_holds (
    document_id  text        PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    event        bytea       NOT NULL,
    held_at      timestamptz NOT NULL DEFAULT now()
);

-- The rules behind a rejection (e.g. min_words, stop_words) or the kind of duplicate, for
-- summaries by reason.
ALTER TABLE ingestion_job_documents ADD COLUMN rules text[] NOT NULL DEFAULT '{}';

-- Per job: documents not indexed, by outcome, stage and rule (a document failing two quality
-- rules counts once under each).
CREATE VIEW ingestion_job_curation_summary AS
SELECT d.job_id, d.outcome, d.stage, r.rule, count(*)::integer AS documents
FROM ingestion_job_documents d
CROSS JOIN LATERAL unnest(CASE WHEN cardinality(d.rules) = 0 THEN ARRAY[coalesce(d.stage, 'none')] ELSE d.rules END) AS r (rule)
WHERE d.outcome IN ('rejected', 'duplicate', 'failed')
GROUP BY d.job_id, d.outcome, d.stage, r.rule;
