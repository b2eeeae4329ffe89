-- Document ids namespaced by owner (DocumentIds.owned): sha256(owner or '-', uri, the source's own
-- id)[0:32]. Before, a document's id was its source's id alone (a hash of its URI, or a JSONL
-- line's own id), so one user's ingest of a URL or a JSONL id another user had could overwrite
-- that user's document. Existing rows move to their new ids, with everything that refers to them.

ALTER TABLE chunks DROP CONSTRAINT chunks_document_id_fkey;
ALTER TABLE chunks ADD CONSTRAINT chunks_document_id_fkey
    FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE document_grants DROP CONSTRAINT document_grants_document_id_fkey;
ALTER TABLE document_grants ADD CONSTRAINT document_grants_document_id_fkey
    FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE document_holds DROP CONSTRAINT document_holds_document_id_fkey;
ALTER TABLE document_holds ADD CONSTRAINT document_holds_document_id_fkey
    FOREIGN KEY (document_id) REFERENCES documents (id) ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TEMPORARY TABLE document_id_moves ON COMMIT DROP AS
SELECT id AS old_id,
       substr(encode(sha256(convert_to(coalesce(owner_id::text, '-') || E'\n' || uri || E'\n' || id, 'UTF8')), 'hex'), 1, 32) AS new_id
FROM documents;

UPDATE documents d SET id = m.new_id FROM document_id_moves m WHERE d.id = m.old_id AND m.old_id <> m.new_id;
UPDATE documents d SET duplicate_of = m.new_id FROM document_id_moves m WHERE d.duplicate_of = m.old_id;
UPDATE ingestion_job_documents j SET document_id = m.new_id FROM document_id_moves m WHERE j.document_id = m.old_id;

-- Curation profiles (knowledge-base, web, pretraining) are recorded per job in its options; a
-- rejected document can be indexed anyway by its owner: a job of its own kind.
ALTER TABLE ingestion_jobs DROP CONSTRAINT ingestion_jobs_kind_check;
ALTER TABLE ingestion_jobs ADD CONSTRAINT ingestion_jobs_kind_check
    CHECK (kind IN ('file', 'folder', 'url', 'jsonl', 'stdin', 'upload', 'delete', 'replay', 'override'));
