package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
	"github.com/plaza-portal/plaza/web"
)

// reconcileEvery is how often serve compares the buckets with the index, as
// a backstop for announcements lost in a crash.
const reconcileEvery = 10 * time.Minute

func serve(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.serve(ctx, stdout)
}

// serve reconciles, then serves HTTP until ctx is done.
func (a *App) serve(ctx context.Context, stdout io.Writer) error {
	if err := a.reconcile(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.cfg.Addr, err)
	}
	srv := web.New(web.Config{
		Registry: a.registry, Archive: a.archive, Index: a.index, Logger: a.log,
		Ready: func(ctx context.Context) error { _, err := a.index.Count(ctx); return err },
	})
	fmt.Fprintf(stdout, "Plaza: http://%s/ (Ctrl+C 로 멈춤 / Ctrl+C to stop)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	tick := time.NewTicker(reconcileEvery)
	defer tick.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick.C:
			if err := a.reconcile(ctx); err != nil {
				a.log.Error("reconcile", "err", err)
			}
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return srv.Shutdown(sctx)
		}
	}
}

func importPaths(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer, paths []string, tenant, docType string) error {
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	rep, err := a.importAll(ctx, stderr, paths, importer.Options{Tenant: tenant, Type: tenants.DocType(docType)})
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if rep != nil {
		printReport(stdout, rep)
	}
	return err
}

// importAll imports each path in turn and waits until the index has every
// published document.
func (a *App) importAll(ctx context.Context, progress io.Writer, paths []string, opt importer.Options) (*importer.Report, error) {
	total := &importer.Report{}
	opt.Progress = func(p importer.Progress) {
		secs := max(p.Elapsed.Seconds(), 0.001)
		fmt.Fprintf(progress, "\r%d/%d 문서 / documents  %.1f MB  %.0f 문서/초 / docs/s ", p.Done, p.Total, float64(p.Bytes)/1e6, float64(p.Done)/secs)
		if p.Done == p.Total {
			fmt.Fprintln(progress)
		}
	}
	for _, p := range paths {
		fmt.Fprintf(progress, "%s\n", p)
		rep, err := a.importer.Import(ctx, p, opt)
		if rep != nil {
			total.Add(rep)
		}
		if err != nil {
			return total, err
		}
	}
	return total, a.stream.Wait(ctx)
}

func printReport(w io.Writer, r *importer.Report) {
	secs := max(r.Elapsed.Seconds(), 0.001)
	fmt.Fprintf(w, "게시 %d, 갱신 %d, 변경 없음 %d, 거부 %d / published %d, updated %d, unchanged %d, refused %d (%.1f MB, %.1fs)\n",
		r.Published, r.Updated, r.Unchanged, len(r.Refused), r.Published, r.Updated, r.Unchanged, len(r.Refused), float64(r.Bytes)/1e6, secs)
	for _, ref := range r.Refused {
		fmt.Fprintf(w, "  거부 / refused: %s\n    %s\n", strings.Join(ref.Files, ", "), ref.Reason)
	}
}

func reindex(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	// The index is derived data: remove it and build it again from the buckets.
	lock, err := lockFolder(cfg.Data)
	if err != nil {
		return err
	}
	err = os.RemoveAll(filepath.Join(cfg.Data, "index"))
	lock.Close()
	if err != nil {
		return err
	}
	start := time.Now()
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.reconcile(ctx); err != nil {
		return err
	}
	n, err := a.index.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "색인 완료: 문서 %d건, %.1fs / reindexed %d documents in %.1fs\n", n, time.Since(start).Seconds(), n, time.Since(start).Seconds())
	return nil
}

// demo imports the corpus (the manifest's documents, then the bulk tax
// rulings as the National Tax Service's) and serves it.
func demo(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer) error {
	if _, err := os.Stat(filepath.Join(cfg.Corpus, "manifest.csv")); err != nil {
		return fmt.Errorf("말뭉치를 찾을 수 없습니다: %s (PLAZA_CORPUS 또는 --corpus 로 지정) / corpus not found at %s: set PLAZA_CORPUS or --corpus", cfg.Corpus, cfg.Corpus)
	}
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.importAll(ctx, stderr, []string{cfg.Corpus}, importer.Options{})
	if err == nil {
		bulk := filepath.Join(cfg.Corpus, "bulk", "nts")
		var r2 *importer.Report
		if _, serr := os.Stat(bulk); serr == nil {
			r2, err = a.importAll(ctx, stderr, []string{bulk}, importer.Options{Tenant: "nts", Type: tenants.TypeRuling})
			rep.Add(r2)
		}
	}
	if rep != nil {
		printReport(stdout, rep)
	}
	if err != nil {
		return err
	}
	return a.serve(ctx, stdout)
}

func listTenants(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tNAME (EN)\tKIND\tCODE")
	for _, t := range a.registry.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Slug, t.NameKo, t.NameEn, t.Kind, t.Code)
	}
	return tw.Flush()
}
