# The web app (ui/): installed with npm ci from the committed lock file and built into ui/dist,
# which query-api serves. Uses the machine's Node.js and npm; nothing downloads Node itself.

UI_DIR="$ROOT/ui"

require_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
    die "the web app needs Node.js 20 or newer and npm (apt-get install nodejs npm)" 2
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "the web app needs Node.js 20 or newer; this is $(node -v)" 2
}

# Installs the dependencies when the lock file changed, and builds when a source is newer than the build.
ensure_ui_built() {
  require_node
  if [ ! -f "$UI_DIR/node_modules/.package-lock.json" ] || [ "$UI_DIR/package-lock.json" -nt "$UI_DIR/node_modules/.package-lock.json" ]; then
    say "installing the web app's dependencies (npm ci) …"
    (cd "$UI_DIR" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in ui/"
  fi
  if [ ! -f "$UI_DIR/dist/index.html" ] || [ -n "$(find "$UI_DIR/src" "$UI_DIR/index.html" "$UI_DIR/vite.config.ts" \
      "$UI_DIR/package-lock.json" "$UI_DIR/tsconfig.json" -newer "$UI_DIR/dist/index.html" -print -quit)" ]; then
    say "building the web app (npm run build) …"
    (cd "$UI_DIR" && npm run build --silent >/dev/null) || die "the web app's build failed (cd ui && npm run build)"
  fi
}

# The web app's component and store tests (Vitest).
ui_tests() {
  say "web app tests (vitest) …"
  (cd "$UI_DIR" && npm test --silent)
}
