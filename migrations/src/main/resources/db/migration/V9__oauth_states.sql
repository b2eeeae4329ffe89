-- Sign-ins in flight with an OAuth provider: the state (bound to the browser by a cookie holding
-- it; only its hash is stored), the PKCE verifier and the OIDC nonce. Single use, short-lived.

-- writer: query-api
CREATE TABLE oauth_states (
    state_hash     bytea       PRIMARY KEY CHECK (length(state_hash) = 32),
    provider       text        NOT NULL CHECK (provider IN ('google', 'github')),
    code_verifier  text        NOT NULL,
    nonce          text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);
