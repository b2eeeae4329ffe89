-- What a dead letter must not carry: the bytes of a document that failed before its text could be
-- read, so nothing in them was redacted (or a record that was not even a valid event). They are
-- kept here, apart from the dead-letter topic, for a replay, and deleted when they expire
-- (OPENTIER_DLQ_CONTENT_DAYS); the dead letter refers to them by id.

-- writer: curation-streams; reader: query-api (the dead-letter replay)
CREATE TABLE dead_letter_contents (
    id         text        PRIMARY KEY,      -- "event:<document id>:<content hash>" or "record:<sha-256>"
    content    bytea       NOT NULL,         -- the event as on the documents topic, or the record's bytes
    kept_at    timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX dead_letter_contents_expires_idx ON dead_letter_contents (expires_at);
