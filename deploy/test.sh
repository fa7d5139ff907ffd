#!/usr/bin/env bash
# The whole test suite: vet, then every package's tests against the real
# corpus in ../shared/corpus (or PLAZA_CORPUS). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAZA_CORPUS="${PLAZA_CORPUS:-$(cd .. && pwd)/shared/corpus}"
if [ ! -f "$PLAZA_CORPUS/manifest.csv" ]; then
  echo "test: corpus not found at $PLAZA_CORPUS (set PLAZA_CORPUS)" >&2
  exit 1
fi
go vet ./...
go test -race -count=1 -timeout 15m "$@" ./...
