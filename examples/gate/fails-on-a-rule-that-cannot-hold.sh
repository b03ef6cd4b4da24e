#!/usr/bin/env bash
# The example's gate must be able to fail: builds a copy of examples/gate whose check goal asks for
# `ece <= 0.0001`, which no model of two epochs meets, and checks that the build fails at that goal, naming the
# rule and the value found. Extra arguments go to Maven (CI passes -ntp; offline runs pass -o).
# Needs the smoothcal artifacts installed (./mvnw -B -DskipTests install), like the example itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/gate"
(cd "$here" && tar --exclude=target -cf - .) | (cd "$work/gate" && tar -xf -)
sed -i 's|<rule>ece &lt;= 0.2</rule>|<rule>ece \&lt;= 0.0001</rule>|' "$work/gate/gate/pom.xml"
grep -q '<rule>ece &lt;= 0.0001</rule>' "$work/gate/gate/pom.xml" || { echo "could not change the rule in the copy" >&2; exit 1; }

log="$work/build.log"
if (cd "$root" && ./mvnw -B -f "$work/gate/pom.xml" verify "$@") >"$log" 2>&1; then
  cat "$log"
  echo "FAIL: the copy with rule 'ece <= 0.0001' built successfully; expected the gate to fail it" >&2
  exit 1
fi

fail=0
expect() {
  if ! grep -Eq "$1" "$log"; then
    echo "FAIL: the build log lacks: $2" >&2
    fail=1
  fi
}
expect '\[ERROR\] smoothcal: ece <= 0\.0001 +0\.[0-9]{6} +0\.000100 +FAILED' "the rule's row in the verdict table"
expect 'check \(gate\) on project gate-check: smoothcal check failed: ece <= 0\.0001 \(found 0\.[0-9]{6}\)' \
  "the failed goal naming the rule and its value"
expect 'Tests run: 1, Failures: 0' "the JUnit gate passing (its bounds still hold)"
if [ "$fail" -ne 0 ]; then
  cat "$log"
  exit 1
fi
grep -E 'smoothcal: (rule|accuracy|ece|parity)|smoothcal check failed' "$log" | sed 's/^/  /'
echo "ok: the copy failed at its gate, naming ece <= 0.0001 and the value found"
