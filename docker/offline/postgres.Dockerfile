# PostgreSQL 17 with pgvector from Debian's packages: a stand-in for pgvector/pgvector where no
# image registry can be reached, configured the same way (POSTGRES_USER, POSTGRES_PASSWORD,
# POSTGRES_DB, PGDATA).
ARG OPENTIER_BASE_IMAGE
FROM ${OPENTIER_BASE_IMAGE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-17 postgresql-17-pgvector \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres /var/lib/postgresql/data /var/run/postgresql
COPY postgres-entrypoint /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/17/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
