package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
	"github.com/plaza-portal/plaza/web"
)

// ready reports whether the engines a request needs answer: the buckets
// and the index.
func (a *App) ready(ctx context.Context) error {
	if _, err := a.store.Buckets(ctx); err != nil {
		return err
	}
	_, err := a.index.Count(ctx)
	return err
}

// sweeper is a blob store that can leave temporary files behind when a
// process dies mid-write (the disk store), and sweeps them.
type sweeper interface {
	Sweep(ctx context.Context, olderThan time.Duration) (int, error)
}

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
	a.startIndexer()
	if err := a.reconcile(ctx); err != nil {
		return err
	}
	if sw, ok := a.store.(sweeper); ok {
		go func() { // what writes interrupted by a crash left behind
			if n, err := sw.Sweep(ctx, time.Hour); err != nil {
				a.log.Warn("sweep temporary files", "err", err)
			} else if n > 0 {
				a.log.Info("removed temporary files left by interrupted writes", "files", n)
			}
		}()
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.cfg.Addr, err)
	}
	srv := web.New(web.Config{
		Registry: a.registry, Archive: a.archive, Index: a.index, Logger: a.log,
		Ready: a.ready,
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

func importPaths(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer, paths []string, tenantsCSV string, opt importer.Options) error {
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	var rep *importer.Report
	if tenantsCSV != "" {
		err = a.registerTenants(tenantsCSV, stdout)
	}
	if err == nil {
		rep, err = a.importAll(ctx, stderr, paths, opt)
	}
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if rep != nil {
		printReport(stdout, rep)
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("중단되었습니다. 게시된 문서는 보존되며, 같은 명령을 다시 실행하면 이어서 게시합니다 / interrupted: what was published is kept; run the same command again to go on")
	}
	if err == nil && rep != nil && len(rep.Refused) > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d건을 게시하지 못했습니다 (위의 사유 참고) / %d refused (reasons above)", len(rep.Refused), len(rep.Refused))}
	}
	return err
}

// registerTenants registers the tenants of a tenants.csv file.
func (a *App) registerTenants(path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("tenants.csv: %w", err)
	}
	defer f.Close()
	n, notes, err := importer.RegisterTenants(context.Background(), a.registry, f)
	for _, note := range notes {
		fmt.Fprintln(stdout, "  "+note)
	}
	if err == nil {
		fmt.Fprintf(stdout, "기관 %d곳 확인 / %d tenants registered or confirmed\n", n, n)
	}
	return err
}

// importAll imports each path in turn and waits until the index has every
// published document. Progress goes to a terminal as one line rewritten in
// place, elsewhere (a log file) as a line every few seconds.
func (a *App) importAll(ctx context.Context, progress io.Writer, paths []string, opt importer.Options) (*importer.Report, error) {
	a.startIndexer()
	total := &importer.Report{}
	tty := isTerminal(progress)
	var last time.Time
	opt.Progress = func(p importer.Progress) {
		if !tty && p.Done != p.Total && time.Since(last) < 5*time.Second {
			return
		}
		last = time.Now()
		secs := max(p.Elapsed.Seconds(), 0.001)
		line := fmt.Sprintf("%d/%d 문서 / documents  %.1f MB  %.0f 문서/초 / docs/s", p.Done, p.Total, float64(p.Bytes)/1e6, float64(p.Done)/secs)
		switch {
		case tty && p.Done != p.Total:
			fmt.Fprint(progress, "\r"+line+" ")
		case tty:
			fmt.Fprintln(progress, "\r"+line+" ")
		default:
			fmt.Fprintln(progress, line)
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
	if err := a.stream.Wait(ctx); err != nil {
		return total, err
	}
	// An earlier run that was killed may have stored documents it never
	// announced; this run found them unchanged. Reconciling makes a finished
	// import mean a complete index.
	return total, a.reconcile(ctx)
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func printReport(w io.Writer, r *importer.Report) {
	secs := max(r.Elapsed.Seconds(), 0.001)
	fmt.Fprintf(w, "게시 %d, 갱신 %d, 변경 없음 %d, 거부 %d / published %d, updated %d, unchanged %d, refused %d (%.1f MB, %.1fs)\n",
		r.Published, r.Updated, r.Unchanged, len(r.Refused), r.Published, r.Updated, r.Unchanged, len(r.Refused), float64(r.Bytes)/1e6, secs)
	for _, note := range r.Notes {
		fmt.Fprintf(w, "  %s\n", note)
	}
	for _, ref := range r.Refused {
		fmt.Fprintf(w, "  거부 / refused: %s\n    %s\n", strings.Join(ref.Files, ", "), ref.Reason)
	}
}

// reindex builds a new index from the buckets alone beside the old one and
// swaps it in when the build is done, so a failed rebuild leaves the old
// index serving. Records that cannot be read are skipped and listed.
func reindex(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	start := time.Now()
	if cfg.ESURL != "" {
		return reindexInPlace(ctx, cfg, log, stdout)
	}
	build := indexDir + ".new"
	if err := os.RemoveAll(filepath.Join(cfg.Data, build)); err != nil {
		return err
	}
	a, err := openAppWithIndex(ctx, cfg, log, build)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := federation.Reconcile(ctx, a.archive, a.index, a.tenantSlugs())
	if err != nil {
		a.index.Close()
		os.RemoveAll(filepath.Join(cfg.Data, build))
		return fmt.Errorf("색인을 다시 만들지 못했습니다. 기존 색인은 그대로입니다 / rebuild failed, the old index is kept: %w", err)
	}
	n, err := a.index.Count(ctx)
	if err != nil {
		return err
	}
	// Swap while the data folder is still locked.
	if err := a.index.Close(); err != nil {
		return err
	}
	live, old := filepath.Join(cfg.Data, indexDir), filepath.Join(cfg.Data, indexDir+".old")
	os.RemoveAll(old)
	if err := os.Rename(live, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(filepath.Join(cfg.Data, build), live); err != nil {
		return err
	}
	os.RemoveAll(old)
	fmt.Fprintf(stdout, "색인 완료: 문서 %d건, %.1fs / reindexed %d documents in %.1fs\n", n, time.Since(start).Seconds(), n, time.Since(start).Seconds())
	return unreadable(stdout, st.Unreadable)
}

// reindexInPlace brings a shared Elasticsearch index in line with the
// buckets while it serves: every record whose revision the index lacks is
// put, every entry without a record removed. (To rebuild with a new
// mapping, delete the index first: Open creates it empty.)
func reindexInPlace(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	start := time.Now()
	a, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	st, err := federation.Reconcile(ctx, a.archive, a.index, a.tenantSlugs())
	if err != nil {
		return fmt.Errorf("색인을 맞추지 못했습니다 / reindex failed: %w", err)
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "색인 완료: 문서 %d건 (새로 색인 %d, 삭제 %d), %.1fs / reindexed %d documents (%d indexed, %d removed) in %.1fs\n",
		st.Records, st.Indexed, st.Removed, secs, st.Records, st.Indexed, st.Removed, secs)
	return unreadable(stdout, st.Unreadable)
}

// unreadable lists the records a rebuild left out, and fails if there are any.
func unreadable(stdout io.Writer, records []string) error {
	if len(records) == 0 {
		return nil
	}
	for _, u := range records {
		fmt.Fprintf(stdout, "  읽을 수 없는 기록 / unreadable record: %s\n", u)
	}
	return fmt.Errorf("%d개 문서 기록을 읽을 수 없어 색인에서 뺐습니다 / %d unreadable records were left out of the index", len(records), len(records))
}

// demo imports the corpus (the manifest's documents, then the bulk tax
// rulings as the National Tax Service's) and serves it.
func demo(ctx context.Context, cfg Config, log *slog.Logger, stdout, stderr io.Writer) error {
	if cfg.S3URL != "" || cfg.ESURL != "" || cfg.RedisURL != "" {
		return fmt.Errorf("demo 는 내장 엔진에서만 돕니다. PLAZA_S3_URL, PLAZA_ES_URL, PLAZA_REDIS_URL 을 지우거나 plaza import 를 쓰세요 / demo runs on the embedded engines only: unset PLAZA_S3_URL, PLAZA_ES_URL and PLAZA_REDIS_URL, or use plaza import")
	}
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
