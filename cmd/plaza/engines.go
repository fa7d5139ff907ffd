package main

import (
	"context"
	"log/slog"
	"path/filepath"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/bleveindex"
	"github.com/plaza-portal/plaza/federation/esindex"
	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/storage/memstream"
	"github.com/plaza-portal/plaza/storage/redisstream"
	"github.com/plaza-portal/plaza/storage/s3"
	"github.com/plaza-portal/plaza/tenants"
)

// This file is the one place that chooses each engine: the real one when the
// configuration gives its URL, else the embedded twin in the data folder.

// eventStream is what the app needs of the event stream: announce changes,
// feed them to the indexer, wait until everything announced is handled.
type eventStream interface {
	tenants.Announcer
	federation.Feed
	Wait(ctx context.Context) error
	// Close stops accepting changes. An in-process stream then lets Consume
	// drain what it holds; a durable one keeps it for the next consumer.
	Close() error
	// Durable reports whether announced changes outlive the process.
	Durable() bool
}

// usesDataFolder reports whether any engine keeps its data in the data
// folder (and so only one process may open it).
func (c Config) usesDataFolder() bool { return c.S3URL == "" || c.ESURL == "" }

func openStore(ctx context.Context, cfg Config) (tenants.BlobStore, error) {
	// Each branch returns a nil interface on error, never a nil pointer in
	// one, so the app's Close can test for nil.
	if cfg.S3URL != "" {
		s, err := s3.Open(ctx, cfg.S3URL)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := disk.Open(filepath.Join(cfg.Data, "buckets"))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openIndex opens the index; name is the folder in the data folder for the
// embedded index, and a suffix of the index name on Elasticsearch (empty
// for the live index).
func openIndex(ctx context.Context, cfg Config, dir string) (federation.Index, error) {
	if cfg.ESURL != "" {
		name := cfg.ESIndex
		if dir != indexDir {
			name += "-" + filepath.Base(dir)
		}
		x, err := esindex.Open(ctx, cfg.ESURL, name, esindex.Options{})
		if err != nil {
			return nil, err
		}
		return x, nil
	}
	x, err := bleveindex.Open(filepath.Join(cfg.Data, dir))
	if err != nil {
		return nil, err
	}
	return x, nil
}

func openStream(ctx context.Context, cfg Config, log *slog.Logger) (eventStream, error) {
	if cfg.RedisURL != "" {
		// One consumer group per index: every index (a new one being
		// filled, say) gets every change; the nodes of one index share them.
		s, err := redisstream.Open(ctx, cfg.RedisURL, redisstream.Options{Logger: log, Group: "plaza-indexer-" + cfg.ESIndex})
		if err != nil {
			return nil, err
		}
		return durableStream{s}, nil
	}
	return memStream{memstream.New()}, nil
}

type memStream struct{ *memstream.Stream }

func (s memStream) Close() error  { s.Stream.Close(); return nil }
func (s memStream) Durable() bool { return false }

type durableStream struct{ *redisstream.Stream }

func (durableStream) Durable() bool { return true }
