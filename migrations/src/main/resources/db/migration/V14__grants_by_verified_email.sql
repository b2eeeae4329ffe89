-- Sharing is by e-mail address, and a share reaches an account only while that account has
-- verified the address (security round, finding 5). The grant form answers the same whether or not
-- an account has the address, so it no longer tells which addresses have accounts; a share to an
-- address without a (verified) account waits for one.

-- writer: query-api
ALTER TABLE document_grants ADD COLUMN email text;
UPDATE document_grants g SET email = lower(u.email) FROM users u WHERE u.id = g.user_id;
ALTER TABLE document_grants ALTER COLUMN email SET NOT NULL;
ALTER TABLE document_grants ADD CONSTRAINT document_grants_email_lower CHECK (email = lower(email) AND length(email) > 0);
ALTER TABLE document_grants DROP CONSTRAINT document_grants_pkey;
DROP INDEX document_grants_user_idx;
ALTER TABLE document_grants DROP COLUMN user_id;
ALTER TABLE document_grants ADD PRIMARY KEY (document_id, email);
-- "What is shared with me": the caller's verified address finds its grants.
CREATE INDEX document_grants_email_idx ON document_grants (email);
