package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/plaza-portal/plaza/tenants/extract"

	"github.com/plaza-portal/plaza/tenants/corpustest"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/bleveindex"
	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/tenants"
)

// The documents the fixture publishes, by the name tests use for them.
// Each is a real corpus file with its manifest row's metadata; some are
// published with a twist (a Korean upload name, a hostile title, withheld).
const (
	docPress24     = "press24"     // MOEF press release, HWPX
	docPress25     = "press25"     // MOEF press release, HWPX
	docStats14     = "stats14"     // MOEF statistics, HWP
	docStats10     = "stats10"     // MOEF statistics, HWP
	docRuling      = "ruling"      // NTS ruling, HWP
	docTribunal    = "tribunal"    // Tax Tribunal decision, HWP
	docWorkPlan    = "workplan"    // NIKL work plan, HWP under its Korean name
	docWorkPlanPDF = "workplanpdf" // the same work plan as PDF
	docKwater      = "kwater"      // K-water press release, HWP
	docScript      = "script"      // a real file under a <script> title
	docWithheld    = "withheld"    // not disclosed, ground 5
)

const scriptTitle = "<script>alert(1)</script> 테스트"

// koreanUploadName is the upload name of docWorkPlan, to test RFC 5987.
const koreanUploadName = "2022년 국립국어원 업무계획.hwp"

type fixtureDoc struct {
	name, file string
	title      string // overrides the manifest title when set
	upload     string // overrides the upload name when set
	disclosure tenants.Disclosure
	grounds    []tenants.Ground
}

var fixtureDocs = []fixtureDoc{
	{name: docPress24, file: "docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx"},
	{name: docPress25, file: "docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx"},
	{name: docStats14, file: "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"},
	{name: docStats10, file: "docs/hwp/moef_integrated_fiscal_stats_2010-11.hwp"},
	{name: docRuling, file: "docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp"},
	{name: docTribunal, file: "docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp"},
	{name: docWorkPlan, file: "docs/hwp/nikl_2022_work_plan.hwp", upload: koreanUploadName},
	{name: docWorkPlanPDF, file: "docs/pdf/nikl_2022_work_plan.pdf"},
	{name: docKwater, file: "docs/hwp/kwater_press_2026-01-30_bonghwa_dam.hwp"},
	{name: docScript, file: "docs/hwp/supreme_court_tax_case_2015-06-11_2015du38849.hwp", title: scriptTitle},
	{name: docWithheld, file: "docs/hwp/moef_tax_reply_2022-02-23_intl-tax-98.hwp",
		disclosure: tenants.DisclosureNone, grounds: []tenants.Ground{5}},
}

// fixture is a server over a real stack (disk buckets, Bleve index,
// synchronous indexer) holding real corpus documents.
type fixture struct {
	corpus string
	docs   map[string]*tenants.Document
	files  map[string]string // name → corpus path
	index  federation.Index
}

// bytesOf returns the corpus bytes of a fixture document's file.
func (f *fixture) bytesOf(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.corpus, f.files[name]))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// manifest reads corpus/manifest.csv into rows by file.
func manifest(t testing.TB, corpus string) map[string]map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(corpus, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		out[row["file"]] = row
	}
	return out
}

// newTestServer builds the real stack in a temporary folder, registers the
// corpus tenants and publishes fixtureDocs.
func newTestServer(t testing.TB) (*Server, *fixture) {
	t.Helper()
	ctx := context.Background()
	corpus := corpustest.Dir(t)
	dir := t.TempDir()

	store, err := disk.Open(filepath.Join(dir, "buckets"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := tenants.NewRegistry(ctx, store, tenants.Seoul())
	if err != nil {
		t.Fatal(err)
	}
	arc := tenants.NewArchive(store, reg)
	idx, err := bleveindex.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	pub := tenants.NewPublisher(arc, extract.Extractor{}, federation.NewIndexer(arc, idx, nil))

	tf, err := os.Open(filepath.Join(corpus, "tenants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := tenants.ReadTenantsCSV(tf)
	tf.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range ts {
		if err := reg.Register(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}

	rows := manifest(t, corpus)
	fx := &fixture{corpus: corpus, docs: map[string]*tenants.Document{}, files: map[string]string{}, index: idx}
	for _, fd := range fixtureDocs {
		row, ok := rows[fd.file]
		if !ok {
			t.Fatalf("%s is not in the manifest", fd.file)
		}
		data, err := os.ReadFile(filepath.Join(corpus, fd.file))
		if err != nil {
			t.Fatal(err)
		}
		produced, err := tenants.ParseDate(row["produced"])
		if err != nil {
			t.Fatal(err)
		}
		sub := tenants.Submission{
			Tenant: row["tenant"], Type: tenants.DocType(row["type"]), Title: row["title"],
			Department: row["department"], Produced: produced,
			Disclosure: fd.disclosure, Grounds: fd.grounds,
			Files: []tenants.Upload{{Name: filepath.Base(fd.file), Data: data}},
		}
		if fd.title != "" {
			sub.Title = fd.title
		}
		if fd.upload != "" {
			sub.Files[0].Name = fd.upload
		}
		p, err := pub.Publish(ctx, sub)
		if err != nil {
			t.Fatalf("publish %s: %v", fd.file, err)
		}
		fx.docs[fd.name] = p.Document
		fx.files[fd.name] = fd.file
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s := New(Config{Registry: reg, Archive: arc, Index: idx, Logger: log,
		Ready: func(ctx context.Context) error { _, err := idx.Count(ctx); return err }})
	return s, fx
}

// get runs a GET through the app and returns the response and its body.
func get(t testing.TB, s *Server, target string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", target, err)
	}
	return res, body
}

// getJSON runs a GET and decodes a JSON body into v, checking the status.
func getJSON(t testing.TB, s *Server, target string, status int, v any) *http.Response {
	t.Helper()
	res, body := get(t, s, target)
	if res.StatusCode != status {
		t.Fatalf("GET %s: status %d, want %d; body %.300s", target, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" && ct != "application/json; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v; body %.300s", target, err, body)
	}
	return res
}

func decode(body []byte, v any) error { return json.Unmarshal(body, v) }
