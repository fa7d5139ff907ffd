#!/usr/bin/env bash
# The whole test suite: installs and starts the real engines (Redis, an S3
# server, an Elasticsearch-API server; see deploy/engines.sh), then go vet
# and every package's tests, against the real corpus in ../shared/corpus (or
# PLAZA_CORPUS). Run from anywhere; extra arguments go to go test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAZA_CORPUS="${PLAZA_CORPUS:-$(cd .. && pwd)/shared/corpus}"
if [ ! -f "$PLAZA_CORPUS/manifest.csv" ]; then
  echo "test: corpus not found at $PLAZA_CORPUS (set PLAZA_CORPUS)" >&2
  exit 1
fi
./deploy/engines.sh install
run=$(mktemp -d "${TMPDIR:-/tmp}/plaza-engines.XXXXXX")
trap './deploy/engines.sh stop "$run"; rm -rf "$run"' EXIT
eval "$(./deploy/engines.sh start "$run")"
export PLAZA_TEST_ENGINES=required
unformatted=$(gofmt -l cmd tenants federation storage policy web)
if [ -n "$unformatted" ]; then
  echo "test: not gofmt-formatted:" $unformatted >&2
  exit 1
fi
go vet ./...
go test -race -count=1 -timeout 15m "$@" ./...
