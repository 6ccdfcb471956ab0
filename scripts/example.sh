#!/usr/bin/env bash
# The main job on the bundled example, on a fresh machine: install, then lint and plan (findings,
# the plan table, plan.json and a Dockerfile per group), then build the images when a builder
# (docker or buildah) is available. Each result is printed once.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error >/dev/null
spec=examples/flood/stowage.yml
out=.stowage/flood
echo "── stowage plan $spec (lint, plan, Dockerfiles)"
node dist/cli/index.js plan "$spec" --out-dir "$out" --fail-on never
if command -v docker >/dev/null && docker info >/dev/null 2>&1 || command -v buildah >/dev/null; then
  echo
  echo "── stowage build $spec --no-push (build only, nothing pushed)"
  # The example's base images come from Docker Hub: without access to it (or a mirror given with
  # --base-image family=ref in STOWAGE_EXAMPLE_BUILD_ARGS) the build says why and the job goes on.
  # shellcheck disable=SC2086
  node dist/cli/index.js build "$spec" --out-dir "$out" --no-push ${STOWAGE_EXAMPLE_BUILD_ARGS:-} ||
    echo "The build did not complete (see above); the plan and Dockerfiles are in $out/."
else
  echo "No builder found (docker daemon or buildah): skipping the build. The Dockerfiles are in $out/."
fi
