#!/usr/bin/env bash
# Fails when a generated file is stale: the JSON Schema and SDK enums (npm run generate)
# or the bundle in dist/ (npm run build) differ from what is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent generate >/dev/null
npm run --silent build >/dev/null
stale=$(git status --porcelain --untracked-files=all -- schema src/generated dist)
if [ -n "$stale" ]; then
  echo "Generated files are stale; run 'npm run generate && npm run build' and commit the result:" >&2
  echo "$stale" >&2
  git --no-pager diff --stat -- schema src/generated dist >&2 || true
  exit 1
fi
echo "schema/, src/generated/ and dist/ are up to date"
