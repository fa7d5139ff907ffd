// Package corpustest finds the corpus of real public documents that tests
// read: $PLAZA_CORPUS, or shared/corpus beside the repository (found by
// walking up from the working directory). Tests need real input, so a
// missing corpus fails the test; it never skips.
package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the corpus folder, or fails the test.
func Dir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("PLAZA_CORPUS"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "manifest.csv")); err != nil {
			tb.Fatalf("PLAZA_CORPUS=%s is not the document corpus: %v", dir, err)
		}
		return dir
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		c := filepath.Join(dir, "shared", "corpus")
		if _, err := os.Stat(filepath.Join(c, "manifest.csv")); err == nil {
			return c
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	tb.Fatalf("document corpus not found: set PLAZA_CORPUS or put shared/corpus beside the repository (searched upwards from %s)", wd)
	return ""
}

// File reads one corpus file by its path relative to the corpus.
func File(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(tb), rel))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
