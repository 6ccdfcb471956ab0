#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, npm packages, then `npm test` (unit and
# integration tests), `npm run test:e2e` (real builds with dockerd and buildah against a loopback
# registry, pip's resolver against served wheels) and `npm run test:engines` (real engines and a
# one-node Slurm cluster run workflows in Stowage's images). Prints a closing "N passed, N failed"
# line and the time of each. Extra arguments go to every jest run (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
times=()
for suite in test test:e2e test:engines; do
  started=$SECONDS
  npm run "$suite" -- --json --outputFile="$results/${suite//:/-}.json" "$@" || status=$?
  times+=("npm run $suite $((SECONDS - started)) s")
done
node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const file of process.argv.slice(1)) {
    if (!fs.existsSync(file)) { failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests;
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results/test.json" "$results/test-e2e.json" "$results/test-engines.json" || true
echo "times: $(IFS=';'; echo "${times[*]}")"
exit $status
