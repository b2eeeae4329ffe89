-- The running curation-streams instances, each with where its metrics are and a heartbeat: the
-- operations view finds every instance here (those whose heartbeat is recent), without a list of
-- addresses to keep by hand. An instance removes its row when it stops; a killed one's goes stale.

-- writer: curation-streams; reader: query-api (the operations view)
CREATE TABLE pipeline_instances (
    instance_id  text        PRIMARY KEY,
    metrics_url  text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
