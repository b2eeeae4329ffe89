-- Extensions every later migration relies on.
-- `vector` (pgvector) is not a trusted extension: a superuser must create it once per database.
-- ./opentier up and the test harness do that; in production the DBA does. This statement is then
-- a no-op, and fails with PostgreSQL's own clear message where nobody did.
CREATE EXTENSION IF NOT EXISTS vector;
