// Package importer publishes folders of documents through the one publishing
// pipeline: a folder with a manifest.csv (one row per file; rows with the same
// tenant, title and date are one document with several files), or a bare
// folder whose every file is a document of one tenant, with metadata read
// from the documents. A tenants.csv beside them registers those tenants first.
// A file that cannot be read is refused with its reason and the import goes
// on.
package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/plaza-portal/plaza/tenants"
)

// Options qualify an import.
type Options struct {
	// Tenant publishes a bare folder (no manifest) as this tenant's.
	Tenant string
	// Type is the document type of a bare folder's documents.
	Type tenants.DocType
	// Workers publish in parallel (text extraction is CPU-bound); default 2.
	Workers int
	// Progress, if set, is called at most a few times a second.
	Progress func(Progress)
}

// Progress reports how far an import has come.
type Progress struct {
	Done, Total int
	Bytes       int64
	Elapsed     time.Duration
}

// Refusal is a document that was not published, and why.
type Refusal struct {
	Files  []string `json:"files"`
	Reason string   `json:"reason"`
}

// Report sums up an import.
type Report struct {
	Tenants   int // tenants registered from a tenants.csv
	Published int
	Updated   int
	Unchanged int
	Refused   []Refusal
	Bytes     int64
	Elapsed   time.Duration
}

// Add folds another report into r.
func (r *Report) Add(o *Report) {
	r.Tenants += o.Tenants
	r.Published += o.Published
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.Refused = append(r.Refused, o.Refused...)
	r.Bytes += o.Bytes
	r.Elapsed += o.Elapsed
}

// Importer reads folders and publishes what they hold. Safe for concurrent use.
type Importer struct {
	registry  *tenants.Registry
	publisher *tenants.Publisher
}

// New returns an importer registering tenants in registry and publishing
// through publisher.
func New(registry *tenants.Registry, publisher *tenants.Publisher) *Importer {
	return &Importer{registry: registry, publisher: publisher}
}

// job is one document to publish: its files and the metadata known for it.
type job struct {
	sub   tenants.Submission
	paths []string
}

// Import publishes the folder at root. Errors that stop the whole import (an
// unreadable manifest, an unknown tenant) are returned; a document that
// cannot be published is listed in the report's Refused and the rest goes on.
func (im *Importer) Import(ctx context.Context, root string, opt Options) (*Report, error) {
	const op = "import"
	start := time.Now()
	rep := &Report{}
	fi, err := os.Stat(root)
	if err != nil || !fi.IsDir() {
		return nil, tenants.Errorf(op, tenants.Invalid, "%s: 폴더가 아니거나 읽을 수 없습니다 / not a readable folder", root)
	}
	if n, err := im.registerTenants(ctx, filepath.Join(root, "tenants.csv")); err != nil {
		return nil, err
	} else {
		rep.Tenants = n
	}

	var jobs []job
	manifest := filepath.Join(root, "manifest.csv")
	if _, err := os.Stat(manifest); err == nil && opt.Tenant == "" {
		jobs, err = readManifest(root, manifest)
		if err != nil {
			return nil, err
		}
	} else {
		if opt.Tenant == "" {
			return nil, tenants.Errorf(op, tenants.Invalid, "%s 에 manifest.csv 가 없습니다: --tenant 로 기관을 지정하세요 / %s has no manifest.csv: name the tenant with --tenant", root, root)
		}
		jobs, err = readBareFolder(root, opt)
		if err != nil {
			return nil, err
		}
	}
	for _, j := range jobs {
		if _, err := im.registry.Get(j.sub.Tenant); err != nil {
			return nil, tenants.Errorf(op, tenants.Invalid, "%s: 기관 %q 이 등록되어 있지 않습니다 / tenant %q is not registered", j.paths[0], j.sub.Tenant, j.sub.Tenant)
		}
	}

	workers := max(opt.Workers, 1)
	if opt.Workers == 0 {
		workers = 2
	}
	var (
		mu       sync.Mutex
		done     int
		lastProg time.Time
		wg       sync.WaitGroup
		next     = make(chan job)
		fatal    error
	)
	record := func(j job, size int64, pub *tenants.Publication, err error) {
		mu.Lock()
		defer mu.Unlock()
		done++
		rep.Bytes += size
		switch {
		case err != nil && (tenants.Is(err, tenants.Invalid) || tenants.Is(err, tenants.Forbidden)):
			rep.Refused = append(rep.Refused, Refusal{Files: j.paths, Reason: tenants.PublicMessage(err)})
		case err != nil:
			if fatal == nil {
				fatal = err
			}
		case pub.Outcome == tenants.Published:
			rep.Published++
		case pub.Outcome == tenants.Updated:
			rep.Updated++
		default:
			rep.Unchanged++
		}
		if opt.Progress != nil && (time.Since(lastProg) > 250*time.Millisecond || done == len(jobs)) {
			lastProg = time.Now()
			opt.Progress(Progress{Done: done, Total: len(jobs), Bytes: rep.Bytes, Elapsed: time.Since(start)})
		}
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				size, err := j.load()
				var pub *tenants.Publication
				if err == nil {
					pub, err = im.publisher.Publish(ctx, j.sub)
				}
				record(j, size, pub, err)
				j.sub.Files = nil // let the bytes go
			}
		}()
	}
feed:
	for _, j := range jobs {
		mu.Lock()
		stop := fatal != nil
		mu.Unlock()
		if stop {
			break
		}
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	rep.Elapsed = time.Since(start)
	if fatal != nil {
		return rep, fatal
	}
	return rep, ctx.Err()
}

// load reads the job's files; a file that cannot be read refuses the job.
func (j *job) load() (int64, error) {
	var total int64
	for _, p := range j.paths {
		fi, err := os.Stat(p)
		if err == nil && fi.Size() > tenants.MaxFileSize {
			return total, tenants.Errorf("import", tenants.Invalid, "%s: 파일이 너무 큽니다 / file too large", filepath.Base(p))
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return total, tenants.Errorf("import", tenants.Invalid, "%s: 파일을 읽을 수 없습니다 / cannot read the file: %v", filepath.Base(p), errors.Unwrap(err))
		}
		total += int64(len(data))
		j.sub.Files = append(j.sub.Files, tenants.Upload{Name: filepath.Base(p), Data: data})
	}
	return total, nil
}

func (im *Importer) registerTenants(ctx context.Context, path string) (int, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, tenants.E("import.tenants", tenants.Invalid, fmt.Sprintf("%s: 읽을 수 없습니다 / cannot read", path), err)
	}
	defer f.Close()
	ts, err := tenants.ReadTenantsCSV(f)
	if err != nil {
		return 0, err
	}
	for _, t := range ts {
		if old, err := im.registry.Get(t.Slug); err == nil && old.NameKo == t.NameKo && old.NameEn == t.NameEn && old.Kind == t.Kind {
			if _, err := im.registry.Ensure(ctx, t.Slug); err != nil {
				return 0, err
			}
			continue
		}
		if err := im.registry.Register(ctx, t); err != nil {
			return 0, err
		}
	}
	return len(ts), nil
}

// readManifest groups the manifest's rows into documents: rows with the same
// tenant, title and date are one document with several files (in row order).
func readManifest(root, path string) ([]job, error) {
	const op = "import.manifest"
	f, err := os.Open(path)
	if err != nil {
		return nil, tenants.E(op, tenants.Invalid, "manifest.csv 를 읽을 수 없습니다 / cannot read manifest.csv", err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, tenants.E(op, tenants.Invalid, "manifest.csv 의 머리글을 읽을 수 없습니다 / cannot read the header of manifest.csv", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, need := range []string{"file", "tenant"} {
		if _, ok := col[need]; !ok {
			return nil, tenants.Errorf(op, tenants.Invalid, "manifest.csv 에 %s 열이 없습니다 / manifest.csv has no %s column", need, need)
		}
	}
	var jobs []job
	byKey := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, tenants.Errorf(op, tenants.Invalid, "manifest.csv %d행을 읽을 수 없습니다 / cannot read line %d of manifest.csv: %v", line, line, err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		bad := func(what string, err error) error {
			return tenants.Errorf(op, tenants.Invalid, "manifest.csv %d행: %s: %s", line, what, tenants.PublicMessage(err))
		}
		rel := filepath.FromSlash(get("file"))
		if rel == "" || filepath.IsAbs(rel) || !filepath.IsLocal(rel) {
			return nil, tenants.Errorf(op, tenants.Invalid, "manifest.csv %d행: 파일 경로 %q 는 폴더 안의 상대 경로여야 합니다 / file %q must be a relative path inside the folder", line, get("file"), get("file"))
		}
		produced, err := tenants.ParseDate(get("produced"))
		if err != nil {
			return nil, bad("produced", err)
		}
		sub := tenants.Submission{Tenant: get("tenant"), Type: tenants.DocType(get("type")), Title: get("title"),
			Produced: produced, Department: get("department"), Number: get("number"), Summary: get("summary")}
		if d := get("disclosure"); d != "" {
			sub.Disclosure = tenants.Disclosure(d)
		}
		// Rows without a title cannot be grouped; each is its own document.
		key := fmt.Sprintf("%s\x00%s\x00%s", sub.Tenant, sub.Title, produced)
		if sub.Title == "" {
			key = "\x00file\x00" + rel
		}
		if i, ok := byKey[key]; ok {
			jobs[i].paths = append(jobs[i].paths, filepath.Join(root, rel))
			continue
		}
		byKey[key] = len(jobs)
		jobs = append(jobs, job{sub: sub, paths: []string{filepath.Join(root, rel)}})
	}
	return jobs, nil
}

// readBareFolder makes every regular file under root (hidden files and
// manifests aside) a document of opt.Tenant, in name order.
func readBareFolder(root string, opt Options) ([]job, error) {
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != root && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && name != "manifest.csv" && name != "tenants.csv" {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, tenants.E("import.folder", tenants.Invalid, fmt.Sprintf("%s: 폴더를 읽을 수 없습니다 / cannot read the folder", root), err)
	}
	sort.Strings(paths)
	jobs := make([]job, len(paths))
	for i, p := range paths {
		jobs[i] = job{sub: tenants.Submission{Tenant: opt.Tenant, Type: opt.Type}, paths: []string{p}}
	}
	return jobs, nil
}
