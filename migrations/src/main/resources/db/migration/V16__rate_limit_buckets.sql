-- The strict rate-limit tiers (sign-in and other secrets; chat answers) are one budget for every
-- gateway instance: Bucket4j keeps each bucket's state here (SELECT … FOR UPDATE per request on
-- those routes), and expired buckets are removed in batches. Keys are "tier|who".

-- writer: query-api
CREATE TABLE rate_limit_buckets (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);
CREATE INDEX rate_limit_buckets_expires_idx ON rate_limit_buckets (expires_at);
