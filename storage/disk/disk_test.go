package disk_test

import (
	"testing"

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
