#!/usr/bin/env bash
# Lists the javadoc (doclint) warnings of every module, with a count per file, without failing on them.
#
#   scripts/javadoc-warnings.sh [MAVEN ARGS...]      e.g. -o, -pl trainer -am, -Dmaven.repo.local=...
#
# Runs `compile javadoc:javadoc` with the parent pom's javadoc configuration (-Xdoclint:all), so it sees
# exactly what `install` sees. Prints each warning once, then the count per file and the total.
# Exit status: 0 when there is no warning nor error, 1 when there is any, 2 when Maven itself failed.
# Once it prints none, the parent pom's javadoc.failOnWarnings can become true.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# The javadoc plugin skips a module whose sources and options have not changed since its last run (and
# then prints nothing): forget those runs so every module is linted again.
find . -path ./.m2-local -prune -o -name maven-javadoc-plugin-stale-data.txt -path '*/target/*' -print0 \
  | xargs -0 rm -f

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# The BOM has no parent, so no javadoc plugin to resolve the `javadoc:` prefix with (offline that fails):
# leave it out unless the caller picks the projects.
projects=(-pl '!bom')
for arg in "$@"; do
  case "$arg" in -pl|--projects|-pl=*|--projects=*) projects=() ;; esac
done

if ! ./mvnw -B -ntp compile javadoc:javadoc -Djavadoc.failOnWarnings=false -Dmaven.javadoc.failOnError=false \
    "${projects[@]}" "$@" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "javadoc-warnings: Maven failed (log above)" >&2
  exit 2
fi

found="$(grep -E '\.java:[0-9]+: (warning|error)' "$log" | sed -E 's/^\[[A-Z]+\] //; s|^'"$repo_root"'/||' | sort -u)"
if [[ -z "$found" ]]; then
  echo "javadoc-warnings: none"
  exit 0
fi
echo "$found"
echo
echo "per file:"
echo "$found" | sed -E 's/:[0-9]+: .*//' | sort | uniq -c | sort -rn
echo
echo "javadoc-warnings: $(echo "$found" | wc -l) in total"
exit 1
