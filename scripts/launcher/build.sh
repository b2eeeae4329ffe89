# Builds what is missing or out of date.

BUILD_STAMP="$BUILD_DIR/opentier-build.stamp"

build_is_stale() {
  [ -f "$BUILD_STAMP" ] || return 0
  [ -n "$(find "$ROOT" \( -path "$ROOT/var" -o -path "$ROOT/ui" -o -name target -o -name node_modules -o -name .git \) -prune \
      -o \( -name pom.xml -o -path '*/src/*' \) -newer "$BUILD_STAMP" -print -quit)" ]
}

ensure_built() {
  if build_is_stale || [ "${1:-}" = "--force" ]; then
    say "building (mvn install -DskipTests) …"
    mkdir -p "$BUILD_DIR"
    # Maven copies dependencies into target/lib but never removes any: after a version bump (or a
    # GPU build) the old jars would stay on the classpath beside the new ones.
    rm -rf "$ROOT"/*/target/lib
    if ! mvn_run -q -DskipTests install; then
      die "the build failed (see the Maven output above)"
    fi
    touch "$BUILD_STAMP"
  fi
}

# The runtime classpath of a module built with its dependencies copied to target/lib.
module_classpath() {
  local module="$ROOT/$1"
  local jar
  jar="$(ls "$module"/target/opentier-"$1"-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -1)"
  [ -n "$jar" ] || die "$1 is not built: run ./opentier up again (it builds) or mvn install"
  echo "$jar:$module/target/lib/*"
}
