#!/usr/bin/env bash
# Fails when a generated file is stale: the JSON Schemas of the manifest and of the listing
# file (schema/), the SDK enums, docs/report-examples.md
# and docs/results.md (npm run generate), or the bundles of the action (dist/) and of the
# check command (dist/cli/, npm run build) differ from the files in the working tree.
# Regenerating leaves the fresh files in place, ready to commit.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(schema src/generated docs dist)
before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
for p in "${paths[@]}"; do
  mkdir -p "$before/$p"
  if [ -d "$p" ]; then cp -R "$p/." "$before/$p/"; fi
done
npm run --silent generate >/dev/null
npm run --silent build >/dev/null
stale=0
for p in "${paths[@]}"; do
  if ! diff -r -q "$before/$p" "$p" >&2; then stale=1; fi
done
if [ "$stale" -ne 0 ]; then
  echo "Generated files were stale (listed above) and have been regenerated: commit them." >&2
  exit 1
fi
echo "schema/, src/generated/, docs/ and dist/ are up to date"
