# The credentials OpenTier's services use with each other, made once per var dir by `up`: a random
# secret that signs query-api's calls to intelligence (which user each call acts for), and a local
# certificate authority with one certificate per service for mutual TLS on that channel. Only the
# user running OpenTier can read them (directory 0700, files 0600). Settings given by the user
# (OPENTIER_INTERNAL_SECRET_FILE or OPENTIER_INTERNAL_SECRET, OPENTIER_INTERNAL_TLS_CA with its CERT and KEY) win over these.

SECRETS_DIR="$VAR_DIR/secrets"

ensure_internal_credentials() {
  local dir="${1:-$SECRETS_DIR}" name
  private_dirs "$dir"
  if [ ! -s "$dir/internal-secret" ]; then
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n=' > "$dir/internal-secret")
  fi
  if [ -s "$dir/ca.crt" ] && [ -s "$dir/intelligence.crt" ] && [ -s "$dir/query-api.crt" ]; then return 0; fi
  command -v openssl >/dev/null 2>&1 || die "openssl is needed to make the services' certificates (apt-get install openssl)" 2
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj "/CN=OpenTier local CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1
    for name in intelligence query-api; do
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=opentier-$name" \
        -keyout "$dir/$name.key" -out "$dir/$name.csr" >/dev/null 2>&1
      printf 'subjectAltName=DNS:localhost,DNS:%s,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth,clientAuth\n' "$name" > "$dir/$name.ext"
      openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
        -extfile "$dir/$name.ext" -out "$dir/$name.crt" >/dev/null 2>&1
      rm -f "$dir/$name.csr" "$dir/$name.ext"
    done
    rm -f "$dir/ca.srl"
  ) || die "could not make the services' certificates in $dir" 2
  say "made the services' shared secret and certificates in $dir"
}

# The settings a service gets for calls between services: NAME's certificate, the secret. Prints
# NAME=VALUE lines for `env`; curation-streams calls no other service and gets none.
internal_credentials_env() {
  local name="$1"
  case "$name" in query-api|intelligence|bench) ;; *) return 0 ;; esac
  [ "$name" = bench ] && name=query-api
  if [ -z "${OPENTIER_INTERNAL_SECRET:-}" ] && [ -z "${OPENTIER_INTERNAL_SECRET_FILE:-}" ]; then
    echo "OPENTIER_INTERNAL_SECRET_FILE=$SECRETS_DIR/internal-secret"
  fi
  if [ -z "${OPENTIER_INTERNAL_TLS_CA:-}" ]; then
    echo "OPENTIER_INTERNAL_TLS_CA=$SECRETS_DIR/ca.crt"
    echo "OPENTIER_INTERNAL_TLS_CERT=$SECRETS_DIR/$name.crt"
    echo "OPENTIER_INTERNAL_TLS_KEY=$SECRETS_DIR/$name.key"
  fi
}
