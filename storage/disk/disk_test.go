package disk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/storage/storetest"
	"github.com/plaza-portal/plaza/tenants"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tenants.BlobStore {
		s, err := disk.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestSweepRemovesOldTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := disk.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s.EnsureBucket(ctx, "plaza-b")
	if _, err := s.Put(ctx, "plaza-b", "documents/a/meta.json", strings.NewReader("{}"), 2, tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "plaza-b", "documents", "a", ".tmp-123")
	fresh := filepath.Join(dir, "plaza-b", ".tmp-456")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	os.Chtimes(old, past, past)
	n, err := s.Sweep(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatal("old temporary file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("a write in progress was swept")
	}
	if _, err := s.Stat(ctx, "plaza-b", "documents/a/meta.json"); err != nil {
		t.Fatal(err)
	}
}
