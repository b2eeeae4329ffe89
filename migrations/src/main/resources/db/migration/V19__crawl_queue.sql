-- Crawls started over HTTP wait here until a crawl worker (any gateway's) leases one. A worker
-- renews its lease while it crawls; when its gateway dies the lease runs out and another worker
-- takes the crawl again from the start (documents already sent are counted once per job). A crawl
-- whose worker died too often is concluded as failed, with the reason.

-- writer: the ingest library (query-api's crawl workers)
CREATE TABLE crawl_queue (
    job_id      uuid        PRIMARY KEY REFERENCES ingestion_jobs (id) ON DELETE CASCADE,
    url         text        NOT NULL,
    crawl       jsonb       NOT NULL,   -- the crawl's options (depth, pages, address guard …)
    options     jsonb       NOT NULL,   -- the job's options (visibility, owner, curation profile)
    attempts    integer     NOT NULL DEFAULT 0,
    leased_by   text,
    lease_until timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crawl_queue_lease_idx ON crawl_queue (lease_until NULLS FIRST, created_at);
