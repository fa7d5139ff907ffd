// Package enginetest tells tests where the real engines run: the servers
// that deploy/engines.sh starts and deploy/test.sh announces in
// PLAZA_TEST_REDIS_URL, PLAZA_TEST_S3_URL and PLAZA_TEST_ES_URL. A test of a
// real engine skips when its URL is not set (a developer running go test
// without the engines), unless PLAZA_TEST_ENGINES=required (CI and the
// README's test command), where a missing engine fails the test.
package enginetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
)

// Engines whose URLs tests ask for.
const (
	Redis = "REDIS"
	S3    = "S3"
	ES    = "ES"
)

// URL returns the URL of a running engine (Redis, S3 or ES), or skips or
// fails the test as the package comment says.
func URL(tb testing.TB, engine string) string {
	tb.Helper()
	name := "PLAZA_TEST_" + engine + "_URL"
	if u := os.Getenv(name); u != "" {
		return u
	}
	msg := name + " is not set: start the engines with deploy/engines.sh (deploy/test.sh does)"
	if os.Getenv("PLAZA_TEST_ENGINES") == "required" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
	return ""
}

// Name returns a fresh lower-case name with the given prefix, for a bucket,
// stream or index of one test, so tests sharing a server never meet.
func Name(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}
