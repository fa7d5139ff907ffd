package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/plaza-portal/plaza/tenants/extract"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
)

// App is Plaza wired together: blob store, index and event stream, each the
// embedded twin (local-disk buckets, the Bleve index, the in-process stream,
// under one data folder that only one process may open at a time) unless
// the configuration names the real engine (S3, Elasticsearch, Redis).
type App struct {
	cfg       Config
	log       *slog.Logger
	lock      *os.File
	store     tenants.BlobStore
	registry  *tenants.Registry
	archive   *tenants.Archive
	index     federation.Index
	stream    eventStream
	indexer   *federation.Indexer
	publisher *tenants.Publisher
	importer  *importer.Importer

	stopIndexer context.CancelFunc
	indexerDone chan error
}

// indexDir is the index's folder in the data folder; reindex builds a new
// one beside it and swaps it in only when the build is done.
const indexDir = "index"

// openApp opens the data folder and starts the indexer on the stream.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	return openAppWithIndex(ctx, cfg, log, indexDir)
}

// openAppWithIndex is openApp with the index in another folder of the data
// folder.
func openAppWithIndex(ctx context.Context, cfg Config, log *slog.Logger, index string) (*App, error) {
	a := &App{cfg: cfg, log: log}
	ok := false
	if cfg.usesDataFolder() {
		if _, err := os.Stat(cfg.Data); errors.Is(err, os.ErrNotExist) {
			log.Warn("새 데이터 폴더를 만듭니다 / creating a new, empty data folder", "data", cfg.Data)
		}
		if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
			return nil, fmt.Errorf("data folder %s: %w", cfg.Data, err)
		}
		lock, err := lockFolder(cfg.Data)
		if err != nil {
			return nil, err
		}
		a.lock = lock
	}
	var err error
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if a.store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	if a.registry, err = tenants.NewRegistry(ctx, a.store, tenants.Seoul()); err != nil {
		return nil, err
	}
	for _, d := range a.registry.Damaged() {
		log.Warn("읽을 수 없는 기관 기록을 건너뜁니다 / skipping an unreadable tenant record", "record", d)
	}
	a.archive = tenants.NewArchive(a.store, a.registry)
	if a.index, err = openIndex(ctx, cfg, index); err != nil {
		return nil, err
	}
	if a.stream, err = openStream(ctx, cfg, log); err != nil {
		return nil, err
	}
	a.indexer = federation.NewIndexer(a.archive, a.index, a.log)
	a.publisher = tenants.NewPublisher(a.archive, extract.Extractor{}, a.stream)
	a.importer = importer.New(a.registry, a.publisher)

	if !a.stream.Durable() {
		// In-process changes are lost unless this process indexes them.
		a.startIndexer()
	}
	ok = true
	return a, nil
}

// startIndexer starts indexing the stream's changes, once. On a durable
// stream only the commands that publish or serve join the consumer group,
// so a short-lived command never takes changes it would leave pending.
func (a *App) startIndexer() {
	if a.indexerDone != nil {
		return
	}
	ictx, cancel := context.WithCancel(context.Background())
	a.stopIndexer, a.indexerDone = cancel, make(chan error, 1)
	go func() {
		err := a.indexer.Run(ictx, a.stream)
		if err != nil && ictx.Err() == nil {
			a.log.Error("색인기가 멈췄습니다. 정기 대조만 색인합니다 / the indexer stopped; only reconciliation indexes now", "err", err)
		}
		a.indexerDone <- err
	}()
}

// tenantSlugs lists every registered tenant.
func (a *App) tenantSlugs() []string {
	var out []string
	for _, t := range a.registry.All() {
		out = append(out, t.Slug)
	}
	return out
}

// reconcile brings the registry and the index in line with the buckets.
func (a *App) reconcile(ctx context.Context) error {
	if err := a.registry.Refresh(ctx); err != nil {
		return err
	}
	st, err := federation.Reconcile(ctx, a.archive, a.index, a.tenantSlugs())
	if err != nil {
		return err
	}
	for _, u := range st.Unreadable {
		a.log.Warn("읽을 수 없는 문서 기록을 건너뜁니다 / skipping an unreadable document record", "record", u)
	}
	a.log.Info("reconciled index with buckets", "records", st.Records, "indexed", st.Indexed, "removed", st.Removed, "unreadable", len(st.Unreadable))
	return nil
}

// Close stops the indexer (an in-process stream is drained into the index
// first; a durable one keeps what is left for other nodes), then closes the
// engines and releases the data folder.
func (a *App) Close() error {
	var errs []error
	if a.stream != nil && a.indexerDone == nil {
		errs = append(errs, a.stream.Close())
	} else if a.stream != nil && a.stream.Durable() {
		// What was announced stays in the stream for the next consumer.
		a.stopIndexer()
		errs = append(errs, ignoreCanceled(<-a.indexerDone), a.stream.Close())
	} else if a.stream != nil {
		// Let the indexer drain what was announced; if the index keeps
		// failing, give up after a while: the reconciler indexes the rest at
		// the next start.
		errs = append(errs, a.stream.Close())
		select {
		case err := <-a.indexerDone:
			errs = append(errs, ignoreCanceled(err))
		case <-time.After(time.Minute):
			a.log.Warn("색인이 끝나지 않아 멈춥니다. 다음 시작 때 맞춥니다 / stopping before the index caught up; the next start reconciles")
			a.stopIndexer()
			<-a.indexerDone
		}
		a.stopIndexer()
	}
	if a.index != nil {
		errs = append(errs, a.index.Close())
	}
	if a.lock != nil {
		errs = append(errs, a.lock.Close())
	}
	return errors.Join(errs...)
}

func ignoreCanceled(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// lockFolder takes an exclusive lock on the data folder, so a second plaza
// process (say, an import while serve runs) fails at once with a clear
// message instead of waiting on the index.
func lockFolder(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("데이터 폴더 %s 를 다른 plaza 프로세스가 쓰고 있습니다. 그 프로세스를 멈춘 뒤 다시 실행하세요 / the data folder %s is in use by another plaza process; stop it first", dir, dir)
	}
	return f, nil
}
