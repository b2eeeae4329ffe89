-- Accounts, sessions, OAuth links and the audit log.

-- writer: query-api
CREATE TABLE users (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email             text        NOT NULL,
    display_name      text,
    password_hash     text,                    -- Argon2id (PHC string); null for OAuth-only accounts
    role              text        NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    email_verified_at timestamptz,
    disabled_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_not_blank CHECK (length(trim(email)) > 0)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- writer: query-api
-- Opaque session tokens (no JWT): only the SHA-256 of the token is stored. The user's role is
-- cached here so that one query authenticates a request; a role change updates these rows.
CREATE TABLE sessions (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash     bytea       NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           text        NOT NULL CHECK (role IN ('user', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,       -- absolute expiry; idle expiry is last_seen_at + setting
    ip             inet,
    user_agent     text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- writer: query-api
CREATE TABLE oauth_accounts (
    provider          text        NOT NULL CHECK (provider IN ('google', 'github')),
    provider_user_id  text        NOT NULL,
    user_id           uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email             text,
    email_verified    boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_login_at     timestamptz,
    PRIMARY KEY (provider, provider_user_id)
);
CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);

-- writer: query-api
-- Actors and targets are kept as plain ids (no foreign keys): the log outlives what it describes.
CREATE TABLE audit_log (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid,
    action        text        NOT NULL,
    target_type   text,
    target_id     text,
    ip            inet,
    request_id    text,
    details       jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, at DESC);
