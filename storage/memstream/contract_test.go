package memstream_test

import (
	"testing"
	"time"

	"github.com/plaza-portal/plaza/storage/memstream"
	"github.com/plaza-portal/plaza/storage/streamtest"
)

// contractStream gives memstream's Close the error result the contract's
// interface has (the Redis stream's Close can fail).
type contractStream struct{ *memstream.Stream }

func (s contractStream) Close() error {
	s.Stream.Close()
	return nil
}

func TestContract(t *testing.T) {
	streamtest.Run(t, func(t *testing.T) streamtest.Stream {
		s := memstream.NewWith(5*time.Millisecond, 5*time.Millisecond)
		t.Cleanup(s.Close)
		return contractStream{s}
	})
}
