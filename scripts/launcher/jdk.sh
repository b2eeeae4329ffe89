# Finds a JDK 21+: JAVA_HOME, then the known Temurin location(s), then `java` on PATH.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1
}

find_jdk() {
  local candidates=() seen="" c major on_path
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in ${OPENTIER_JDK_SEARCH-/usr/lib/jvm/temurin-25-jdk-amd64}; do candidates+=("$c"); done
  if on_path="$(command -v java 2>/dev/null)"; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$on_path")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] || continue
    case " $seen " in *" $c ("*) continue ;; esac
    major="$(java_major "$c")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$c"
      export PATH="$c/bin:$PATH"
      JAVA_MAJOR="$major"
      return 0
    fi
    seen="$seen ${c} (Java ${major:-?})"
  done
  die "no JDK 21 or newer found (looked at:${seen:- nothing}); install one (e.g. Temurin 21+) and set JAVA_HOME to it" 2
}

# Maven, with the JDK found above.
mvn_run() {
  command -v mvn >/dev/null 2>&1 || die "Maven is not installed: apt-get install maven (or run .ci/run)" 2
  local opts="${MAVEN_OPTS:-}"
  # Maven 3.8's bundled Guice touches sun.misc.Unsafe; on JDK 23+ that warns on every run.
  if [ "${JAVA_MAJOR:-0}" -ge 23 ]; then opts="$opts --sun-misc-unsafe-memory-access=allow"; fi
  # Maven 3.8 prints colour resets even in batch mode; strip them (the exit status is Maven's).
  MAVEN_OPTS="$opts" mvn -B -ntp "$@" 2>&1 | sed -u $'s/\x1b\[[0-9;]*m//g'
  return "${PIPESTATUS[0]}"
}
