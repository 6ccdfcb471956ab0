#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, npm packages, then `npm test` (unit and
# end-to-end tests) and `npm run test:engines` (real engines and a one-node Slurm cluster run
# workflows in Stowage's images). Prints a closing "N passed, N failed" line and the time of each.
# Extra arguments go to both jest runs (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
started=$SECONDS
npm test -- --json --outputFile="$results/main.json" "$@" || status=$?
main_seconds=$((SECONDS - started))
started=$SECONDS
npm run test:engines -- --json --outputFile="$results/engines.json" "$@" || status=$?
engine_seconds=$((SECONDS - started))
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/main.json" "$results/engines.json" || true
echo "times: npm test ${main_seconds} s, engine suite ${engine_seconds} s"
exit $status
