#!/usr/bin/env bash
# dist/ is what the action runs: rebuild it and fail when the committed copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run bundle >/dev/null
if ! git diff --quiet --exit-code -- dist || [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is stale: run 'npm run bundle' and commit the result." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ is current"
