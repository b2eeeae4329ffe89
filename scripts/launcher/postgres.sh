# Makes the local PostgreSQL available with pgvector, the opentier role and its database.
# Only a local server is managed; with OPENTIER_DB_URL pointing elsewhere nothing is touched.

DB_URL="${OPENTIER_DB_URL:-jdbc:postgresql://127.0.0.1:5432/opentier}"
DB_USER="${OPENTIER_DB_USER:-opentier}"
DB_PASSWORD="${OPENTIER_DB_PASSWORD:-opentier}"
PG_STARTED_MARKER="$RUN_DIR/postgres.started"

db_host() { local rest="${DB_URL#jdbc:postgresql://}"; rest="${rest%%/*}"; echo "${rest%%:*}"; }
db_port() { local rest="${DB_URL#jdbc:postgresql://}"; rest="${rest%%/*}"; [[ "$rest" == *:* ]] && echo "${rest##*:}" || echo 5432; }
db_name() { local rest="${DB_URL##*/}"; echo "${rest%%\?*}"; }

db_is_local() { case "$(db_host)" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

# psql as the PostgreSQL superuser: over TCP when trust allows it, else as the postgres OS user.
psql_admin() {
  if psql -h 127.0.0.1 -p "$(db_port)" -U postgres -d postgres -qtA -c 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -p "$(db_port)" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- psql -p "$(db_port)" -v ON_ERROR_STOP=1 -qtA "$@"
  else
    sudo -n -u postgres psql -p "$(db_port)" -v ON_ERROR_STOP=1 -qtA "$@"
  fi
}

ensure_postgres_running() {
  local port; port="$(db_port)"
  if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then return 0; fi
  command -v pg_lsclusters >/dev/null 2>&1 || die "OPENTIER_DB_URL: no PostgreSQL answers on 127.0.0.1:$port and none is installed here (apt-get install postgresql)" 2
  local cluster
  cluster="$(pg_lsclusters -h | awk -v p="$port" '$3 == p {print $1" "$2; exit}')"
  [ -n "$cluster" ] || die "OPENTIER_DB_URL: no PostgreSQL cluster is configured on port $port" 2
  say "starting PostgreSQL cluster $cluster"
  # shellcheck disable=SC2086
  as_root pg_ctlcluster --skip-systemctl-redirect $cluster start >/dev/null \
    || die "OPENTIER_DB_URL: could not start PostgreSQL cluster $cluster" 2
  mkdir -p "$RUN_DIR"
  echo "$cluster" > "$PG_STARTED_MARKER"
  await 30 "PostgreSQL" pg_isready -q -h 127.0.0.1 -p "$port" || die "OPENTIER_DB_URL: PostgreSQL did not come up on port $port" 2
}

ensure_pgvector() {
  if [ -z "$(psql_admin -d postgres -c "select 1 from pg_available_extensions where name = 'vector'")" ]; then
    say "pgvector is missing: building it from Debian's source package"
    "$ROOT/scripts/install-pgvector.sh" || die "could not install pgvector (see above)"
  fi
}

ensure_database() {
  local name user
  name="$(db_name)"; user="$DB_USER"
  [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "OPENTIER_DB_URL: database name '$name' must be lower-case letters, digits and _" 2
  [[ "$user" =~ ^[a-z_][a-z0-9_]*$ ]] || die "OPENTIER_DB_USER: '$user' must be lower-case letters, digits and _" 2
  if [ -z "$(psql_admin -d postgres -c "select 1 from pg_roles where rolname = '$user'")" ]; then
    psql_admin -d postgres -c "create role $user login password '${DB_PASSWORD//\'/\'\'}'" >/dev/null
    say "created role $user"
  fi
  if [ -z "$(psql_admin -d postgres -c "select 1 from pg_database where datname = '$name'")" ]; then
    psql_admin -d postgres -c "create database $name owner $user" >/dev/null
    say "created database $name"
  fi
  # pgvector is not a trusted extension: the superuser creates it, the migrations then find it.
  psql_admin -d "$name" -c "create extension if not exists vector" >/dev/null 2>&1 \
    || die "could not create the vector extension in database $name"
}

# Everything the platform needs from PostgreSQL, for `up` (all three) or `test` (no role/db).
ensure_postgres() {
  if ! db_is_local; then
    say "using the database at $(db_host):$(db_port) (OPENTIER_DB_URL); not managing it"
    return 0
  fi
  command -v psql >/dev/null 2>&1 || die "PostgreSQL's client (psql) is not installed: apt-get install postgresql" 2
  ensure_postgres_running
  ensure_pgvector
  [ "${1:-}" = "--no-database" ] || ensure_database
}

# Stops PostgreSQL only when this launcher started it.
stop_postgres_if_started() {
  [ -f "$PG_STARTED_MARKER" ] || return 0
  local cluster; cluster="$(cat "$PG_STARTED_MARKER")"
  # shellcheck disable=SC2086
  as_root pg_ctlcluster --skip-systemctl-redirect $cluster stop >/dev/null 2>&1 || true
  rm -f "$PG_STARTED_MARKER"
  say "stopped PostgreSQL cluster $cluster (it was started by opentier)"
}
