// Package importer publishes folders of documents through the one publishing
// pipeline: a folder with a manifest.csv (one row per file; rows with the same
// tenant, title and date are one document with several files), or a bare
// folder whose every file is a document of one tenant, with metadata read
// from the documents. A tenants.csv beside them registers those tenants first.
//
// A manifest is checked whole before anything is published: a bad row stops
// the import and every bad row is listed. A file that cannot be read is
// refused with its reason and the import goes on. Files are opened through
// an os.Root, so neither a path nor a symbolic link can reach outside the
// folder.
package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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
	// Type is the document type of a bare folder's new documents (default
	// other); documents it already holds keep theirs.
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
	Notes     []string // things the importer chose not to do, and why
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
	r.Notes = append(r.Notes, o.Notes...)
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

// job is one document to publish: its files (paths relative to the folder)
// and the metadata known for it.
type job struct {
	sub   tenants.Submission
	files []string
	line  int // the manifest line of its first file
}

// shown names the job's files for a report: folder/relative path.
func (j job) shown(dir string) []string {
	out := make([]string, len(j.files))
	for i, f := range j.files {
		out[i] = filepath.Join(dir, f)
	}
	return out
}

// Import publishes the folder dir. Errors that stop the whole import (a bad
// manifest, an unknown tenant) are returned before anything is published; a
// document that cannot be published is listed in the report's Refused and
// the rest goes on.
func (im *Importer) Import(ctx context.Context, dir string, opt Options) (*Report, error) {
	const op = "import"
	start := time.Now()
	rep := &Report{}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, tenants.Errorf(op, tenants.Invalid, "%s: 폴더가 아니거나 읽을 수 없습니다 / not a readable folder", dir)
	}
	defer root.Close()
	// Everything is checked before anything is written: the tenants.csv,
	// the manifest, the tenants the documents name, the files they list.
	listed, err := readTenantsFile(root)
	if err != nil {
		return nil, err
	}
	known := func(slug string) bool {
		_, err := im.registry.Get(slug)
		return err == nil || slices.ContainsFunc(listed, func(t tenants.Tenant) bool { return t.Slug == slug })
	}
	var jobs []job
	if _, err := root.Stat("manifest.csv"); err == nil && opt.Tenant == "" {
		jobs, err = readManifest(root, known)
		if err != nil {
			return nil, err
		}
	} else {
		if opt.Tenant == "" {
			return nil, tenants.Errorf(op, tenants.Invalid, "%s 에 manifest.csv 가 없습니다: --tenant 로 기관을 지정하세요 / %s has no manifest.csv: name the tenant with --tenant", dir, dir)
		}
		if !known(opt.Tenant) {
			return nil, tenants.Errorf(op, tenants.Invalid, "기관 %q 이 등록되어 있지 않습니다. tenants.csv 로 먼저 등록하세요 (plaza import --tenants FILE) / tenant %q is not registered: register it with a tenants.csv first", opt.Tenant, opt.Tenant)
		}
		if opt.Type != "" && !opt.Type.Valid() {
			return nil, tenants.Errorf(op, tenants.Invalid, "문서 유형 %q 이 올바르지 않습니다 (예: ruling) / invalid document type %q (e.g. ruling)", opt.Type, opt.Type)
		}
		jobs, err = readBareFolder(root, opt)
		if err != nil {
			return nil, err
		}
	}
	n, notes, err := registerTenants(ctx, im.registry, listed)
	rep.Tenants, rep.Notes = n, notes
	if err != nil {
		return rep, err
	}

	// Two documents of one import with a file of the same bytes would take
	// turns at being that document: the second is refused.
	var seenMu sync.Mutex
	seen := map[string]string{} // sha256 -> the file that had it first
	claim := func(j *job) error {
		seenMu.Lock()
		defer seenMu.Unlock()
		for i, u := range j.sub.Files {
			sum := sha256.Sum256(u.Data)
			key := hex.EncodeToString(sum[:])
			if first, ok := seen[key]; ok && !slices.Contains(j.files, first) {
				return tenants.Errorf(op, tenants.Invalid, "%s: 같은 가져오기의 %s 와 내용이 같은 파일입니다 / the same bytes as %s in this import", j.files[i], first, first)
			}
			seen[key] = j.files[i]
		}
		return nil
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
		case err != nil && (tenants.Is(err, tenants.Invalid) || tenants.Is(err, tenants.Forbidden) || tenants.Is(err, tenants.Conflict)):
			rep.Refused = append(rep.Refused, Refusal{Files: j.shown(dir), Reason: tenants.PublicMessage(err)})
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
				size, err := j.load(root)
				if err == nil {
					err = claim(&j)
				}
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

// load reads the job's files through root; a file that cannot be read, is
// not a regular file or lies outside the folder refuses the job.
func (j *job) load(root *os.Root) (int64, error) {
	var total int64
	for _, rel := range j.files {
		name := filepath.Base(rel)
		data, err := readFile(root, rel)
		if err != nil {
			return total, tenants.Errorf("import", tenants.Invalid, "%s: %s", name, err.Error())
		}
		total += int64(len(data))
		j.sub.Files = append(j.sub.Files, tenants.Upload{Name: name, Data: data})
	}
	return total, nil
}

// readFile reads one regular file of the folder, at most MaxFileSize bytes.
// Its errors are messages for a clerk.
func readFile(root *os.Root, rel string) ([]byte, error) {
	f, err := openFile(root, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, tenants.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("파일을 읽을 수 없습니다 / cannot read the file: %v", err)
	}
	return data, nil
}

// openFile opens a regular file of the folder of at most MaxFileSize bytes.
// Its errors are messages for a clerk.
func openFile(root *os.Root, rel string) (*os.File, error) {
	f, err := root.Open(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New("파일이 없습니다 / no such file")
	case err != nil && strings.Contains(err.Error(), "escapes"): // os.Root's error for it is not exported
		return nil, errors.New("폴더 밖을 가리키는 링크입니다 / a link that points outside the folder")
	case err != nil:
		return nil, fmt.Errorf("파일을 열 수 없습니다 / cannot open the file: %v", errors.Unwrap(err))
	}
	fi, err := f.Stat()
	switch {
	case err != nil || !fi.Mode().IsRegular():
		f.Close()
		return nil, errors.New("보통 파일이 아닙니다 / not a regular file")
	case fi.Size() > tenants.MaxFileSize:
		f.Close()
		return nil, fmt.Errorf("파일이 너무 큽니다 (%d MiB까지) / file too large (max %d MiB)", tenants.MaxFileSize>>20, tenants.MaxFileSize>>20)
	}
	return f, nil
}

// readTenantsFile reads the folder's tenants.csv, if it has one.
func readTenantsFile(root *os.Root) ([]tenants.Tenant, error) {
	f, err := root.Open("tenants.csv")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, tenants.E("import.tenants", tenants.Invalid, "tenants.csv 를 읽을 수 없습니다 / cannot read tenants.csv", err)
	}
	defer f.Close()
	return readTenantsCSV(f)
}

// readTenantsCSV parses a tenants.csv that must be UTF-8.
func readTenantsCSV(r io.Reader) ([]tenants.Tenant, error) {
	b, err := readUTF8(r, "tenants.csv")
	if err != nil {
		return nil, tenants.Errorf("import.tenants", tenants.Invalid, "%s", err.Error())
	}
	return tenants.ReadTenantsCSV(bytes.NewReader(b))
}

// RegisterTenants registers the tenants of a tenants.csv (see
// tenants.ReadTenantsCSV). It returns how many rows it read and notes on the
// known tenants it updated.
func RegisterTenants(ctx context.Context, registry *tenants.Registry, r io.Reader) (int, []string, error) {
	ts, err := readTenantsCSV(r)
	if err != nil {
		return 0, nil, err
	}
	return registerTenants(ctx, registry, ts)
}

// registerTenants registers ts. A known tenant is updated with the names and
// kind the CSV gives, and keeps its code, parent and departments where the
// CSV leaves them empty; every such change is noted.
func registerTenants(ctx context.Context, registry *tenants.Registry, ts []tenants.Tenant) (int, []string, error) {
	var notes []string
	for _, t := range ts {
		if old, err := registry.Get(t.Slug); err == nil {
			t.Status, t.Departments = old.Status, old.Departments
			if t.Code == "" {
				t.Code = old.Code
			}
			if t.Parent == "" {
				t.Parent = old.Parent
			}
			if t.NameKo == old.NameKo && t.NameEn == old.NameEn && t.Kind == old.Kind && t.Code == old.Code && t.Parent == old.Parent {
				if _, err := registry.Ensure(ctx, t.Slug); err != nil {
					return 0, notes, err
				}
				continue
			}
			notes = append(notes, fmt.Sprintf("tenants.csv: 기관 %s 의 기록을 고쳤습니다: %q → %q / tenant %s updated: %q → %q", t.Slug, old.NameKo, t.NameKo, t.Slug, old.NameKo, t.NameKo))
		}
		if err := registry.Register(ctx, t); err != nil {
			return 0, notes, err
		}
	}
	return len(ts), notes, nil
}

// readBareFolder makes every file in the folder and below it (hidden files
// and the CSVs aside) a document of opt.Tenant, in name order.
func readBareFolder(root *os.Root, opt Options) ([]job, error) {
	var rels []string
	err := fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != "." && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		// Links are listed too, so that one leading outside the folder is
		// refused by name rather than passed over in silence.
		if (d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0) && name != "manifest.csv" && name != "tenants.csv" {
			rels = append(rels, filepath.FromSlash(p))
		}
		return nil
	})
	if err != nil {
		return nil, tenants.E("import.folder", tenants.Invalid, fmt.Sprintf("%s: 폴더를 읽을 수 없습니다 / cannot read the folder", root.Name()), err)
	}
	sort.Strings(rels)
	jobs := make([]job, len(rels))
	for i, rel := range rels {
		jobs[i] = job{sub: tenants.Submission{Tenant: opt.Tenant, DefaultType: opt.Type}, files: []string{rel}}
	}
	return jobs, nil
}
