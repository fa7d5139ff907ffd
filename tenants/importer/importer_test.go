package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plaza-portal/plaza/tenants/extract"

	"github.com/plaza-portal/plaza/tenants/corpustest"

	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/storage/memstream"
	"github.com/plaza-portal/plaza/tenants"
	"github.com/plaza-portal/plaza/tenants/importer"
)

type stack struct {
	store    *disk.Store
	registry *tenants.Registry
	archive  *tenants.Archive
	stream   *memstream.Stream
	importer *importer.Importer
}

func newStack(t *testing.T) *stack {
	t.Helper()
	store, err := disk.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	reg, err := tenants.NewRegistry(context.Background(), store, tenants.Seoul())
	if err != nil {
		t.Fatal(err)
	}
	arc := tenants.NewArchive(store, reg)
	st := memstream.New()
	return &stack{store: store, registry: reg, archive: arc, stream: st, importer: importer.New(reg, tenants.NewPublisher(arc, extract.Extractor{}, st))}
}

func (s *stack) documents(t *testing.T, tenant string) []*tenants.Document {
	t.Helper()
	var out []*tenants.Document
	err := s.archive.EachDocument(context.Background(), tenant, func(_ string, d *tenants.Document, err error) error {
		out = append(out, d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportManifest(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	rep, err := s.importer.Import(ctx, corpustest.Dir(t), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 23 rows: the two format pairs make 2 documents of 2 files each, the two
	// unreadable edge files are refused, so 23 - 2 - 2 = 19 published.
	if rep.Tenants != 10 || rep.Published != 19 || len(rep.Refused) != 2 || rep.Updated != 0 {
		t.Fatalf("report = %+v", rep)
	}
	reasons := map[string]string{}
	for _, r := range rep.Refused {
		reasons[filepath.Base(r.Files[0])] = r.Reason
	}
	if r := reasons["drm_markany_wrapped.hwp"]; !strings.Contains(r, "DRM") || !strings.Contains(r, "drm_markany_wrapped.hwp") {
		t.Errorf("DRM refusal reason: %q", r)
	}
	if r := reasons["html_error_page_named_hwp.hwp"]; !strings.Contains(r, "HTML") || !strings.Contains(r, "html_error_page_named_hwp.hwp") {
		t.Errorf("HTML refusal reason: %q", r)
	}

	t.Run("HWPXNamedHWPIsPublished", func(t *testing.T) {
		docs := s.documents(t, "nibr")
		if len(docs) != 1 || docs[0].Files[0].Format != "hwpx" || docs[0].Files[0].Name != "nibr_2023_wildlife_system_rfp__hwpx_content_with_hwp_extension.hwp" {
			t.Fatalf("nibr = %+v", docs)
		}
		if docs[0].Title != "야생동물 종합관리 시스템 고도화(2023년) 제안요청서" || docs[0].Produced.String() != "2023-05" || docs[0].Department != "생물다양성총괄과" {
			t.Fatalf("metadata from the manifest: %+v", docs[0])
		}
	})
	t.Run("FormatPairsAreOneDocument", func(t *testing.T) {
		for _, tc := range []struct{ tenant, title, formats string }{
			{"nikl", "2022년 국립국어원 업무계획", "hwp,pdf"},
			{"moef", "'24년 1분기 해외직접투자 동향", "hwp,hwpx"},
		} {
			var found *tenants.Document
			for _, d := range s.documents(t, tc.tenant) {
				if d.Title == tc.title {
					found = d
				}
			}
			if found == nil || strings.Join(found.Formats(), ",") != tc.formats || len(found.Files) != 2 {
				t.Fatalf("%s: %+v", tc.title, found)
			}
			text, err := s.archive.Text(ctx, found)
			if err != nil || len(text) < 1000 {
				t.Fatalf("%s: text of %d bytes, %v", tc.title, len(text), err)
			}
		}
	})
	t.Run("ReimportChangesNothing", func(t *testing.T) {
		again, err := s.importer.Import(ctx, corpustest.Dir(t), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Published != 0 || again.Updated != 0 || again.Unchanged != 19 || len(again.Refused) != 2 {
			t.Fatalf("second import = %+v", again)
		}
		total := 0
		for _, tn := range s.registry.All() {
			if _, err := s.registry.Get(tn.Slug); err == nil {
				var n int
				s.archive.EachDocument(ctx, tn.Slug, func(_ string, _ *tenants.Document, err error) error { n++; return err })
				total += n
			}
		}
		if total != 19 {
			t.Fatalf("%d documents after re-import, want 19", total)
		}
	})
	t.Run("TenantsPersistInBuckets", func(t *testing.T) {
		tn, err := s.registry.Get("kwater")
		if err != nil || tn.NameKo != "한국수자원공사" || tn.Kind != tenants.KindPublicCorporation {
			t.Fatalf("kwater = %+v, %v", tn, err)
		}
	})
}

func TestImportBulkRulings(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	dir := filepath.Join(corpustest.Dir(t), "bulk", "nts")
	if err := s.registry.Register(ctx, tenants.Tenant{Slug: "nts", NameKo: "국세청", NameEn: "National Tax Service", Kind: tenants.KindAgency}); err != nil {
		t.Fatal(err)
	}
	var progress int
	rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "nts", Type: tenants.TypeRuling, Progress: func(importer.Progress) { progress++ }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bulk: %d published, %d refused, %.1f MB in %v", rep.Published, len(rep.Refused), float64(rep.Bytes)/1e6, rep.Elapsed)
	for _, r := range rep.Refused {
		t.Logf("refused %s: %s", r.Files[0], r.Reason)
	}
	if rep.Published+len(rep.Refused) != 1000 || rep.Published < 990 || progress == 0 {
		t.Fatalf("report = %+v, progress calls %d", rep, progress)
	}
	var withMeta, total int
	var bad []string
	for _, d := range s.documents(t, "nts") {
		total++
		if d.Title != "" && d.Number != "" && !d.Produced.IsZero() && d.Produced.Day != 0 && d.Type == tenants.TypeRuling {
			withMeta++
		} else if len(bad) < 10 {
			bad = append(bad, d.Files[0].Name+": "+d.Title+" | "+d.Number+" | "+d.Produced.String())
		}
	}
	t.Logf("%d of %d rulings have title, number and date from the header block", withMeta, total)
	if withMeta*100 < 99*1000 {
		t.Fatalf("only %d of 1000 rulings have title, number and date; e.g. %v", withMeta, bad)
	}
}

func TestImportBadInput(t *testing.T) {
	ctx := context.Background()
	t.Run("BareFolderNeedsTenant", func(t *testing.T) {
		s := newStack(t)
		if _, err := s.importer.Import(ctx, t.TempDir(), importer.Options{}); !tenants.Is(err, tenants.Invalid) || !strings.Contains(err.Error(), "--tenant") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("UnknownTenant", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), []byte("x"), 0o644)
		if _, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "atlantis"}); !tenants.Is(err, tenants.Invalid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ManifestEscapingTheFolder", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,type,title,produced\n../secret.hwp,seoul,report,x,2024\n"), 0o644)
		if _, err := s.importer.Import(ctx, dir, importer.Options{}); !tenants.Is(err, tenants.Invalid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ManifestBadDate", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,type,title,produced\na.hwp,seoul,report,x,2024-13-40\n"), 0o644)
		_, err := s.importer.Import(ctx, dir, importer.Options{})
		if !tenants.Is(err, tenants.Invalid) || !strings.Contains(err.Error(), "2행") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("CSVNotUTF8", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"), 0o644)
		// "통합재정통계" in CP949, as Excel on Korean Windows saves it.
		cp949 := []byte{0xc5, 0xeb, 0xc7, 0xd5, 0xc0, 0xe7, 0xc1, 0xa4, 0xc5, 0xeb, 0xb0, 0xe8}
		os.WriteFile(filepath.Join(dir, "manifest.csv"), append([]byte("file,tenant,title\na.hwp,seoul,"), cp949...), 0o644)
		_, err := s.importer.Import(ctx, dir, importer.Options{})
		if !tenants.Is(err, tenants.Invalid) || !strings.Contains(tenants.PublicMessage(err), "not UTF-8") {
			t.Fatalf("manifest: err = %v", err)
		}
		os.Remove(filepath.Join(dir, "manifest.csv"))
		os.WriteFile(filepath.Join(dir, "tenants.csv"), append([]byte("slug,name_ko,name_en,kind\nnewbody,"), append(cp949, ",New,agency\n"...)...), 0o644)
		_, err = s.importer.Import(ctx, dir, importer.Options{Tenant: "newbody"})
		if !tenants.Is(err, tenants.Invalid) || !strings.Contains(tenants.PublicMessage(err), "tenants.csv is not UTF-8") {
			t.Fatalf("tenants.csv: err = %v", err)
		}
		if len(s.documents(t, "seoul")) != 0 {
			t.Fatal("something was published")
		}
	})
	t.Run("ManifestListsEveryBadRow", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"), 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,type,title,produced,disclosure,grounds\n"+
			"a.hwp,seoul,statistics,ok,2014-08,,\n"+
			"b.hwp,seoul,보도자료,x,2024,,\n"+
			"c.hwp,seoul,report,x,2024-13,,\n"+
			"d.hwp,seoul,report,x,2024,none,\n"+
			"e.hwp,seoul,report,x\n"+
			"a.hwp,seoul,report,other,2024,,\n"+
			"f.hwp,seoul,statistics,ok,2014-08,none,5\n"), 0o644)
		_, err := s.importer.Import(ctx, dir, importer.Options{})
		msg := tenants.PublicMessage(err)
		for _, want := range []string{"3행", "4행", "5행", "6행", "7행", "8행", "nothing was published"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q:\n%s", want, msg)
			}
		}
		if strings.Contains(msg, " 2행:") || len(s.documents(t, "seoul")) != 0 {
			t.Fatalf("a good row was reported or something was published:\n%s", msg)
		}
	})
	t.Run("ManifestWithheldDocument", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"), 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,type,title,produced,disclosure,grounds\na.hwp,seoul,statistics,감사 자료,2014-08,none,제5호;6\n"), 0o644)
		rep, err := s.importer.Import(ctx, dir, importer.Options{})
		if err != nil || rep.Published != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		d := s.documents(t, "seoul")[0]
		if d.Disclosure != tenants.DisclosureNone || len(d.Grounds) != 2 || d.Grounds[0] != 5 || d.Grounds[1] != 6 {
			t.Fatalf("document = %+v", d)
		}
	})
	t.Run("LinksOutsideTheFolderAreRefused", func(t *testing.T) {
		s := newStack(t)
		outside := t.TempDir()
		secret := filepath.Join(outside, "secret.hwp")
		os.WriteFile(secret, corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"), 0o644)
		dir := t.TempDir()
		if err := os.Symlink(secret, filepath.Join(dir, "link.hwp")); err != nil {
			t.Fatal(err)
		}
		os.Symlink(outside, filepath.Join(dir, "sub"))
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,title\nlink.hwp,seoul,a\nsub/secret.hwp,seoul,b\n"), 0o644)
		_, err := s.importer.Import(ctx, dir, importer.Options{})
		if msg := tenants.PublicMessage(err); strings.Count(msg, "outside the folder") != 2 {
			t.Fatalf("err = %v", err)
		}
		// A bare folder refuses them too, by name.
		rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul"})
		if err != nil || rep.Published != 0 || len(rep.Refused) != 2 {
			t.Fatalf("bare folder report = %+v, %v", rep, err)
		}
		for _, r := range rep.Refused {
			if !strings.Contains(r.Reason, "outside the folder") {
				t.Errorf("refusal %+v", r)
			}
		}
	})
	t.Run("TenantsCSVUpdatesAKnownTenantAndKeepsItsCode", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "tenants.csv"), []byte("slug,name_ko,name_en,kind\nseoul,덮어쓰기 서울,Overwritten,city\nnewbody,새 기관,New body,agency\n"), 0o644)
		rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "newbody"})
		if err != nil || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "seoul updated") {
			t.Fatalf("report %+v, %v", rep, err)
		}
		if tn, _ := s.registry.Get("seoul"); tn.NameKo != "덮어쓰기 서울" || tn.Code != "6110000" {
			t.Fatalf("seoul = %+v", tn)
		}
		if tn, err := s.registry.Get("newbody"); err != nil || tn.NameKo != "새 기관" {
			t.Fatalf("newbody = %+v, %v", tn, err)
		}
	})
	t.Run("FailedImportRegistersNothing", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "tenants.csv"), []byte("slug,name_ko,name_en,kind\nnewbody,새 기관,New body,agency\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,title\na.hwp,newbody,x\n./b.hwp,zzz,y\nmissing.hwp,newbody,z\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "a.hwp"), []byte("x"), 0o644)
		_, err := s.importer.Import(ctx, dir, importer.Options{})
		msg := tenants.PublicMessage(err)
		if !strings.Contains(msg, " 3행:") || !strings.Contains(msg, "zzz") || !strings.Contains(msg, " 4행:") || !strings.Contains(msg, "no such file") {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.registry.Get("newbody"); err == nil {
			t.Fatal("a failed import registered its tenants")
		}
	})
	t.Run("BlankCellsOfAFurtherRowStateNothing", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), corpustest.File(t, "docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp"), 0o644)
		os.WriteFile(filepath.Join(dir, "a.hwpx"), corpustest.File(t, "docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx"), 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,type,title,produced,department\na.hwp,seoul,press-release,보도자료,2024-06-21,\na.hwpx,seoul,,보도자료,2024-06-21,대외경제국\n"), 0o644)
		rep, err := s.importer.Import(ctx, dir, importer.Options{})
		if err != nil || rep.Published != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		d := s.documents(t, "seoul")[0]
		if len(d.Files) != 2 || d.Type != tenants.TypePressRelease || d.Department != "대외경제국" {
			t.Fatalf("document = %+v", d)
		}
	})
	t.Run("SamePathTwice", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "b.hwp"), []byte("x"), 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,title\nb.hwp,seoul,one\n./x/../b.hwp,seoul,two\n"), 0o644)
		os.Mkdir(filepath.Join(dir, "x"), 0o755)
		if _, err := s.importer.Import(ctx, dir, importer.Options{}); !strings.Contains(tenants.PublicMessage(err), "also on line 2") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("SameBytesTwiceInOneImport", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		data := corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp")
		os.WriteFile(filepath.Join(dir, "a.hwp"), data, 0o644)
		os.WriteFile(filepath.Join(dir, "copy.hwp"), data, 0o644)
		os.WriteFile(filepath.Join(dir, "manifest.csv"), []byte("file,tenant,title\na.hwp,seoul,Doc One\ncopy.hwp,seoul,Doc Two\n"), 0o644)
		for run := range 2 {
			rep, err := s.importer.Import(ctx, dir, importer.Options{Workers: 1})
			if err != nil || len(rep.Refused) != 1 || rep.Updated != 0 || !strings.Contains(rep.Refused[0].Reason, "same bytes") {
				t.Fatalf("run %d: report %+v, %v", run, rep, err)
			}
		}
		if docs := s.documents(t, "seoul"); len(docs) != 1 || docs[0].Title != "Doc One" || docs[0].Revision != 1 {
			t.Fatalf("documents = %+v", docs)
		}
	})
	t.Run("FolderTypeIsForNewDocumentsOnly", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.hwp"), corpustest.File(t, "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"), 0o644)
		if _, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul", Type: tenants.TypeStatistics}); err != nil {
			t.Fatal(err)
		}
		rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul", Type: tenants.TypeReport})
		if err != nil || rep.Unchanged != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
		if d := s.documents(t, "seoul")[0]; d.Type != tenants.TypeStatistics {
			t.Fatalf("type = %s", d.Type)
		}
		if _, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul", Type: "bogus!"}); !tenants.Is(err, tenants.Invalid) {
			t.Fatalf("bad type: %v", err)
		}
	})
	t.Run("DamagedRecordIsRefusedAndTheRestGoesOn", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		for _, rel := range []string{"docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp", "docs/hwp/moef_integrated_fiscal_stats_2010-11.hwp"} {
			os.WriteFile(filepath.Join(dir, filepath.Base(rel)), corpustest.File(t, rel), 0o644)
		}
		if _, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul"}); err != nil {
			t.Fatal(err)
		}
		d := s.documents(t, "seoul")[0]
		broken := `{"broken`
		s.store.Put(ctx, "plaza-seoul", "documents/"+d.ID+"/meta.json", strings.NewReader(broken), int64(len(broken)), tenants.PutOptions{})
		rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul"})
		if err != nil || rep.Unchanged != 1 || len(rep.Refused) != 1 || !strings.Contains(rep.Refused[0].Reason, "damaged") {
			t.Fatalf("report %+v, %v", rep, err)
		}
	})
	t.Run("RefusalsDoNotStopTheRest", func(t *testing.T) {
		s := newStack(t)
		dir := t.TempDir()
		good, err := os.ReadFile(filepath.Join(corpustest.Dir(t), "docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "good.hwp"), good, 0o644)
		os.WriteFile(filepath.Join(dir, "empty.hwp"), nil, 0o644)
		os.WriteFile(filepath.Join(dir, "truncated.hwp"), good[:3000], 0o644)
		os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("회의 메모"), 0o644)
		rep, err := s.importer.Import(ctx, dir, importer.Options{Tenant: "seoul"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Published != 1 || len(rep.Refused) != 3 {
			t.Fatalf("report = %+v", rep)
		}
		docs := s.documents(t, "seoul")
		if len(docs) != 1 || docs[0].Files[0].Name != "good.hwp" {
			t.Fatalf("documents = %+v", docs)
		}
	})
}
