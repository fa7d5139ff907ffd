package tenants_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/plaza-portal/plaza/tenants/extract"

	"github.com/plaza-portal/plaza/tenants/corpustest"

	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/tenants"
)

// announcements records what the publisher announces.
type announcements struct {
	mu      sync.Mutex
	changes []tenants.Change
}

func (a *announcements) Announce(_ context.Context, c tenants.Change) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.changes = append(a.changes, c)
	return nil
}

type fixture struct {
	store     *disk.Store
	registry  *tenants.Registry
	archive   *tenants.Archive
	publisher *tenants.Publisher
	announced *announcements
}

func newFixture(t *testing.T) *fixture {
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
	ann := &announcements{}
	return &fixture{store: store, registry: reg, archive: arc, publisher: tenants.NewPublisher(arc, extract.Extractor{}, ann), announced: ann}
}

func TestPublish(t *testing.T) {
	ctx := context.Background()
	ruling := corpustest.File(t, "docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp")

	t.Run("MetadataFromHeaderBlock", func(t *testing.T) {
		f := newFixture(t)
		pub, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Type: tenants.TypeRuling, Files: []tenants.Upload{{Name: "ruling.hwp", Data: ruling}}})
		if err != nil {
			t.Fatal(err)
		}
		d := pub.Document
		if pub.Outcome != tenants.Published || d.Revision != 1 || d.Number != "법규양도2008-0091" || d.Produced.String() != "2008-12-26" ||
			!strings.Contains(d.Title, "재건축") || d.Summary == "" || d.Disclosure != tenants.DisclosureFull {
			t.Fatalf("document = %+v", d)
		}
		if len(f.announced.changes) != 1 || f.announced.changes[0] != (tenants.Change{Tenant: "seoul", ID: d.ID, Revision: 1}) {
			t.Fatalf("announced %+v", f.announced.changes)
		}
		got, _, err := f.archive.Document(ctx, "seoul", d.ID)
		if err != nil || got.Title != d.Title || got.Files[0].SHA256 != d.Files[0].SHA256 {
			t.Fatalf("stored record %+v, %v", got, err)
		}
		text, err := f.archive.Text(ctx, got)
		if err != nil || !strings.Contains(text, "양도소득세") {
			t.Fatalf("text %q..., %v", text[:min(len(text), 80)], err)
		}
		obj, file, err := f.archive.OpenFile(ctx, got, 0)
		if err != nil {
			t.Fatal(err)
		}
		obj.Close()
		if file.Format != "hwp" || file.MediaType != "application/x-hwp" || file.Size != int64(len(ruling)) {
			t.Fatalf("file = %+v", file)
		}
	})
	t.Run("SameFileTwiceIsOneDocument", func(t *testing.T) {
		f := newFixture(t)
		sub := tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}}}
		first, err := f.publisher.Publish(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		again, err := f.publisher.Publish(ctx, sub)
		if err != nil || again.Outcome != tenants.Unchanged || again.Document.ID != first.Document.ID || again.Document.Revision != 1 {
			t.Fatalf("again = %+v, %v", again, err)
		}
		// The same bytes with a corrected title: a new revision of the same document.
		sub.Title = "상가 재건축 양도소득세 (정정)"
		upd, err := f.publisher.Publish(ctx, sub)
		if err != nil || upd.Outcome != tenants.Updated || upd.Document.ID != first.Document.ID || upd.Document.Revision != 2 || upd.Document.Title != sub.Title {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		if !upd.Document.Disclosed.Equal(first.Document.Disclosed) {
			t.Fatal("an update changed the disclosure date")
		}
		n := 0
		f.archive.EachDocument(ctx, "seoul", func(_ string, _ *tenants.Document, err error) error { n++; return err })
		if n != 1 {
			t.Fatalf("%d documents", n)
		}
		// The same file in another tenant is that tenant's own document.
		other, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "gangnam-gu", Files: sub.Files})
		if err != nil || other.Outcome != tenants.Published {
			t.Fatalf("other tenant: %+v, %v", other, err)
		}
		if _, _, err := f.archive.Document(ctx, "jongno-gu", first.Document.ID); !tenants.Is(err, tenants.NotFound) {
			t.Fatalf("document visible in a tenant that does not hold it: %v", err)
		}
	})
	t.Run("RepublishingOneFileKeepsTheRest", func(t *testing.T) {
		f := newFixture(t)
		hwp := corpustest.File(t, "docs/hwp/moef_press_2024q1_overseas_direct_investment.hwp")
		hwpx := corpustest.File(t, "docs/hwpx/moef_press_2024q1_overseas_direct_investment.hwpx")
		produced, _ := tenants.ParseDate("2024-06-21")
		first, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Type: tenants.TypePressRelease, Title: "'24년 1분기 해외직접투자 동향",
			Produced: produced, Department: "대외경제국", Files: []tenants.Upload{{Name: "press.hwp", Data: hwp}, {Name: "press.hwpx", Data: hwpx}}})
		if err != nil {
			t.Fatal(err)
		}
		// One of its files again, as a bulk import would offer it: nothing
		// stated differs, so nothing changes.
		again, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Type: tenants.TypePressRelease, Files: []tenants.Upload{{Name: "other-name.hwpx", Data: hwpx}}})
		if err != nil || again.Outcome != tenants.Unchanged || again.Document.Revision != 1 {
			t.Fatalf("again = %+v, %v", again, err)
		}
		// A corrected department: a new revision with both files and the title kept.
		upd, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Department: "국제금융국", Files: []tenants.Upload{{Name: "press.hwpx", Data: hwpx}}})
		if err != nil || upd.Outcome != tenants.Updated {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		d := upd.Document
		if d.ID != first.Document.ID || d.Revision != 2 || len(d.Files) != 2 || d.Files[0].Name != "press.hwp" || d.Title != first.Document.Title ||
			d.Department != "국제금융국" || d.Produced != produced || d.Type != tenants.TypePressRelease {
			t.Fatalf("updated record = %+v", d)
		}
		// A new file with a known one is added to the document.
		pdf := corpustest.File(t, "docs/pdf/nikl_2022_work_plan.pdf")
		add, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "annex.pdf", Data: pdf}, {Name: "press.hwp", Data: hwp}}})
		if err != nil || add.Outcome != tenants.Updated || len(add.Document.Files) != 3 || add.Document.Files[2].N != 2 || add.Document.Files[2].Format != "pdf" {
			t.Fatalf("add = %+v, %v", add, err)
		}
		var keys []string
		f.store.List(ctx, "plaza-seoul", "documents/", func(o tenants.ObjectInfo) error { keys = append(keys, o.Key); return nil })
		if len(keys) != 7 { // meta.json + 3 originals + 3 texts
			t.Fatalf("objects = %v", keys)
		}
	})
	t.Run("RefusedFileWritesNothing", func(t *testing.T) {
		f := newFixture(t)
		html := corpustest.File(t, "edge/html_error_page_named_hwp.hwp")
		_, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "good.hwp", Data: ruling}, {Name: "page.hwp", Data: html}}})
		if !tenants.Is(err, tenants.Invalid) || !strings.Contains(tenants.PublicMessage(err), "page.hwp") {
			t.Fatalf("err = %v", err)
		}
		var keys []string
		f.store.List(ctx, "plaza-seoul", "", func(o tenants.ObjectInfo) error { keys = append(keys, o.Key); return nil })
		for _, k := range keys {
			if k != "tenant.json" {
				t.Fatalf("refused submission left %v", keys)
			}
		}
		if len(f.announced.changes) != 0 {
			t.Fatal("refused submission was announced")
		}
	})
	t.Run("BadSubmissions", func(t *testing.T) {
		f := newFixture(t)
		files := []tenants.Upload{{Name: "a.hwp", Data: ruling}}
		for name, s := range map[string]tenants.Submission{
			"NoFiles":      {Tenant: "seoul"},
			"NoGround":     {Tenant: "seoul", Disclosure: tenants.DisclosureNone, Files: files},
			"BadGround":    {Tenant: "seoul", Disclosure: tenants.DisclosurePartial, Grounds: []tenants.Ground{9}, Files: files},
			"UnknownLevel": {Tenant: "seoul", Disclosure: "secret", Files: files},
			"BadType":      {Tenant: "seoul", Type: "보도자료", Files: files},
			"EmptyFile":    {Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp"}}},
			"TitleTooLong": {Tenant: "seoul", Title: strings.Repeat("가", 501), Files: files},
		} {
			if _, err := f.publisher.Publish(ctx, s); !tenants.Is(err, tenants.Invalid) || tenants.PublicMessage(err) == "" {
				t.Errorf("%s: err = %v", name, err)
			}
		}
		if _, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "atlantis", Files: files}); !tenants.Is(err, tenants.NotFound) {
			t.Errorf("unknown tenant: %v", err)
		}
	})
	t.Run("WithheldDocumentKeepsItsContent", func(t *testing.T) {
		f := newFixture(t)
		pub, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Disclosure: tenants.DisclosureNone,
			Grounds: []tenants.Ground{5}, Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}}})
		if err != nil {
			t.Fatal(err)
		}
		// Nothing printed in the withheld file becomes public metadata.
		if d := pub.Document; d.Title != "a" || d.Summary != "" || d.Number != "" || d.Subject != "" || !d.Produced.IsZero() {
			t.Fatalf("withheld document took metadata from its content: %+v", d)
		}
		if _, err := f.archive.Text(ctx, pub.Document); !tenants.Is(err, tenants.Forbidden) {
			t.Fatalf("text of withheld document: %v", err)
		}
		if _, _, err := f.archive.OpenFile(ctx, pub.Document, 0); !tenants.Is(err, tenants.Forbidden) {
			t.Fatalf("file of withheld document: %v", err)
		}
	})
	t.Run("WithholdingLaterForgetsWhatCameFromTheContent", func(t *testing.T) {
		f := newFixture(t)
		files := []tenants.Upload{{Name: "ruling.hwp", Data: ruling}}
		first, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Department: "법규과", Files: files})
		if err != nil || first.Document.Summary == "" || first.Document.Number == "" || len(first.Document.FromContent) != 5 {
			t.Fatalf("first = %+v, %v", first, err)
		}
		upd, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Disclosure: tenants.DisclosureNone, Grounds: []tenants.Ground{5}, Files: files})
		if err != nil || upd.Outcome != tenants.Updated {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		d := upd.Document
		if d.Title != "ruling" || d.Summary != "" || d.Number != "" || d.Subject != "" || !d.Produced.IsZero() || d.Department != "법규과" || d.FromContent != nil {
			t.Fatalf("withheld record keeps content: %+v", d)
		}
		// Stated values survive: a title the publisher gives is theirs.
		titled, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Title: "감사 자료", Files: files})
		if err != nil || titled.Document.Title != "감사 자료" || titled.Document.Disclosure != tenants.DisclosureNone {
			t.Fatalf("titled = %+v, %v", titled, err)
		}
	})
	t.Run("UnknownDisclosureIsWithheld", func(t *testing.T) {
		d := &tenants.Document{Disclosure: "bogus"}
		if d.Public() {
			t.Fatal("a record with an unknown disclosure level is public")
		}
	})
	t.Run("CrashBeforeTheRecordIsTakenOver", func(t *testing.T) {
		// Files, text and checksum entries were written, then the process
		// died before meta.json: publishing again completes the document.
		f := newFixture(t)
		sub := tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}}}
		first, err := f.publisher.Publish(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.Delete(ctx, "plaza-seoul", "documents/"+first.Document.ID+"/meta.json"); err != nil {
			t.Fatal(err)
		}
		again, err := f.publisher.Publish(ctx, sub)
		if err != nil || again.Outcome != tenants.Published || again.Document.ID != first.Document.ID {
			t.Fatalf("again = %+v, %v", again, err)
		}
	})
	t.Run("ConcurrentUpdatesOfOneDocument", func(t *testing.T) {
		f := newFixture(t)
		base, err := f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}}})
		if err != nil {
			t.Fatal(err)
		}
		extra := []string{"docs/hwp/moef_integrated_fiscal_stats_2014-08.hwp", "docs/hwp/moef_integrated_fiscal_stats_2010-11.hwp",
			"docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp", "docs/hwp/moef_tax_reply_2022-02-23_intl-tax-98.hwp"}
		var wg sync.WaitGroup
		errs := make([]error, len(extra))
		for i, rel := range extra {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul",
					Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}, {Name: filepath.Base(rel), Data: corpustest.File(t, rel)}}})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		d, _, err := f.archive.Document(ctx, "seoul", base.Document.ID)
		if err != nil || len(d.Files) != 5 || d.Revision != 5 {
			t.Fatalf("document = %+v, %v", d, err)
		}
		for n, file := range d.Files {
			obj, _, err := f.archive.OpenFile(ctx, d, n)
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			io.Copy(h, obj)
			obj.Close()
			if hex.EncodeToString(h.Sum(nil)) != file.SHA256 {
				t.Fatalf("file %d does not hold the bytes its record names", n)
			}
		}
	})
	t.Run("ConcurrentPublishersMakeOneDocument", func(t *testing.T) {
		f := newFixture(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.publisher.Publish(ctx, tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp", Data: ruling}}})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && !tenants.Is(err, tenants.Conflict) {
				t.Fatalf("err = %v", err)
			}
		}
		n := 0
		f.archive.EachDocument(ctx, "seoul", func(_ string, _ *tenants.Document, err error) error { n++; return err })
		if n != 1 {
			t.Fatalf("%d documents from 4 concurrent publications of one file", n)
		}
	})
}

func TestTenantsCSV(t *testing.T) {
	ts, err := tenants.ReadTenantsCSV(strings.NewReader(string(corpustest.File(t, "tenants.csv"))))
	if err != nil || len(ts) != 10 || ts[0].Slug != "moef" || ts[0].NameKo != "기획재정부" || ts[0].Kind != tenants.KindMinistry {
		t.Fatalf("tenants = %+v, %v", ts, err)
	}
	for name, csv := range map[string]string{
		"BadSlug":     "slug,name_ko,name_en,kind\nBad Slug,이름,Name,agency\n",
		"UnknownKind": "slug,name_ko,name_en,kind\nok,이름,Name,empire\n",
		"NoName":      "slug,name_ko,name_en,kind\nok,,Name,agency\n",
		"NoKindCol":   "slug,name_ko\nok,이름\n",
	} {
		if _, err := tenants.ReadTenantsCSV(strings.NewReader(csv)); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestSeoulDefaults(t *testing.T) {
	ts := tenants.Seoul()
	codes := map[string]string{}
	districts := 0
	for _, tn := range ts {
		if err := tn.Validate(); err != nil {
			t.Error(err)
		}
		codes[tn.Slug] = tn.Code
		if tn.Kind == tenants.KindDistrict {
			districts++
		}
	}
	if districts != 25 || codes["seoul"] != "6110000" || codes["jongno-gu"] != "3000000" || codes["gangdong-gu"] != "3240000" {
		t.Fatalf("districts %d, codes %v", districts, codes)
	}
}

func TestRegistryKeepsRegisteredTenants(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, _ := disk.Open(dir)
	reg, _ := tenants.NewRegistry(ctx, store, tenants.Seoul())
	if err := reg.Register(ctx, tenants.Tenant{Slug: "nikl", NameKo: "국립국어원", Kind: tenants.KindAgency}); err != nil {
		t.Fatal(err)
	}
	if err := reg.Register(ctx, tenants.Tenant{Slug: "../etc", NameKo: "x", Kind: tenants.KindAgency}); !tenants.Is(err, tenants.Invalid) {
		t.Fatalf("bad slug: %v", err)
	}
	store2, _ := disk.Open(dir)
	reg2, err := tenants.NewRegistry(ctx, store2, tenants.Seoul())
	if err != nil {
		t.Fatal(err)
	}
	if tn, err := reg2.Get("nikl"); err != nil || tn.NameKo != "국립국어원" || tn.Status != tenants.StatusActive {
		t.Fatalf("after reopening: %+v, %v", tn, err)
	}
	all := reg2.All()
	if all[0].Slug != "seoul" || len(all) != len(tenants.Seoul())+1 {
		t.Fatalf("order/size: first %s, %d tenants", all[0].Slug, len(all))
	}
}

// TestRegistryLearnsOfOtherProcesses: on shared buckets, a tenant another
// process registers is found by Lookup at once and by Refresh for listing.
func TestRegistryLearnsOfOtherProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, _ := disk.Open(dir)
	serving, _ := tenants.NewRegistry(ctx, store, tenants.Seoul())
	other, _ := tenants.NewRegistry(ctx, store, tenants.Seoul())
	if err := other.Register(ctx, tenants.Tenant{Slug: "nibr", NameKo: "국립생물자원관", Kind: tenants.KindAgency}); err != nil {
		t.Fatal(err)
	}
	if _, err := serving.Get("nibr"); !tenants.Is(err, tenants.NotFound) {
		t.Fatalf("Get before lookup: %v", err)
	}
	if tn, err := serving.Lookup(ctx, "nibr"); err != nil || tn.NameKo != "국립생물자원관" {
		t.Fatalf("Lookup: %+v, %v", tn, err)
	}
	if _, err := serving.Lookup(ctx, "nobody"); !tenants.Is(err, tenants.NotFound) {
		t.Fatalf("Lookup of an unknown tenant: %v", err)
	}
	other.Register(ctx, tenants.Tenant{Slug: "nibr", NameKo: "국립생물자원관 (개칭)", Kind: tenants.KindAgency})
	other.Register(ctx, tenants.Tenant{Slug: "kdca", NameKo: "질병관리청", Kind: tenants.KindAgency})
	if err := serving.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if tn, _ := serving.Get("nibr"); tn.NameKo != "국립생물자원관 (개칭)" {
		t.Fatalf("after Refresh: %+v", tn)
	}
	if len(serving.All()) != len(tenants.Seoul())+2 {
		t.Fatalf("after Refresh: %d tenants", len(serving.All()))
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{"2024": "2024", "2024-6": "2024-06", "2024.06.21": "2024-06-21", "": ""} {
		d, err := tenants.ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	for _, bad := range []string{"2024-02-30", "2024-13", "24-01-01", "yesterday", "2024-00-05"} {
		if _, err := tenants.ParseDate(bad); !tenants.Is(err, tenants.Invalid) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRegistrySkipsADamagedTenantRecord(t *testing.T) {
	ctx := context.Background()
	store, _ := disk.Open(t.TempDir())
	reg, _ := tenants.NewRegistry(ctx, store, tenants.Seoul())
	if err := reg.Register(ctx, tenants.Tenant{Slug: "nikl", NameKo: "국립국어원", Kind: tenants.KindAgency}); err != nil {
		t.Fatal(err)
	}
	broken := `{"slug": "nikl", "name_ko": `
	store.Put(ctx, "plaza-nikl", "tenant.json", strings.NewReader(broken), int64(len(broken)), tenants.PutOptions{})
	reg2, err := tenants.NewRegistry(ctx, store, tenants.Seoul())
	if err != nil {
		t.Fatal(err)
	}
	if len(reg2.Damaged()) != 1 || !strings.Contains(reg2.Damaged()[0], "plaza-nikl/tenant.json") {
		t.Fatalf("damaged = %v", reg2.Damaged())
	}
	if _, err := reg2.Get("seoul"); err != nil {
		t.Fatal(err)
	}
}
