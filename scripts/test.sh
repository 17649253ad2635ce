#!/usr/bin/env bash
# The project's test command: installs test dependencies, builds, and runs every test project.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Tokenizers]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test TtLora.slnx -c Release "$@" 2>&1 | tee "$log" || status=$?

# One summary line over all test assemblies.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
