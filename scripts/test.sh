#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, npm packages, then `npm test` (jest).
# Prints a closing "N passed, N failed" line for CI.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
results="$(mktemp)"
trap 'rm -f "$results"' EXIT
status=0
npm test -- --json --outputFile="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' "$results" || true
exit $status
