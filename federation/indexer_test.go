package federation_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plaza-portal/plaza/tenants/extract"

	"github.com/plaza-portal/plaza/tenants/corpustest"

	"github.com/plaza-portal/plaza/federation"
	"github.com/plaza-portal/plaza/federation/bleveindex"
	"github.com/plaza-portal/plaza/storage/disk"
	"github.com/plaza-portal/plaza/storage/memstream"
	"github.com/plaza-portal/plaza/tenants"
)

type stack struct {
	store   *disk.Store
	archive *tenants.Archive
	index   *bleveindex.Index
}

func newStack(t *testing.T) *stack {
	t.Helper()
	store, err := disk.Open(filepath.Join(t.TempDir(), "buckets"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := tenants.NewRegistry(context.Background(), store, tenants.Seoul())
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return &stack{store: store, archive: tenants.NewArchive(store, reg), index: idx}
}

func (s *stack) search(t *testing.T, text string) *federation.Result {
	t.Helper()
	q := federation.Query{Text: text}
	if err := q.Normalize(); err != nil {
		t.Fatal(err)
	}
	res, err := s.index.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStreamToIndex publishes through the in-process stream with the indexer
// consuming it, as serve does.
func TestStreamToIndex(t *testing.T) {
	s := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stream := memstream.New()
	ix := federation.NewIndexer(s.archive, s.index, nil)
	go ix.Run(ctx, stream)
	pub := tenants.NewPublisher(s.archive, extract.Extractor{}, stream)

	press := corpustest.File(t, "docs/hwpx/moef_press_2025q1_overseas_direct_investment.hwpx")
	p, err := pub.Publish(ctx, tenants.Submission{Tenant: "seoul", Type: tenants.TypePressRelease, Title: "'25년 1분기 해외직접투자 동향",
		Files: []tenants.Upload{{Name: "보도자료.hwpx", Data: press}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	res := s.search(t, "해외 직접 투자")
	if res.Total != 1 || res.Hits[0].ID != p.Document.ID || res.Hits[0].Tenant != "seoul" {
		t.Fatalf("search = %+v", res)
	}
	// A replayed, older announcement changes nothing.
	if err := ix.Apply(ctx, []tenants.Change{{Tenant: "seoul", ID: p.Document.ID, Revision: 0}}); err != nil {
		t.Fatal(err)
	}
	if rev, _ := s.index.Revision(ctx, "seoul", p.Document.ID); rev != 1 {
		t.Fatalf("revision %d after replay", rev)
	}
	// A damaged record is skipped, and changes behind it still apply.
	broken := `{"broken`
	if _, err := s.store.Put(ctx, "plaza-seoul", "documents/damaged/meta.json", strings.NewReader(broken), int64(len(broken)), tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := stream.Announce(ctx, tenants.Change{Tenant: "seoul", ID: "damaged", Revision: 1}); err != nil {
		t.Fatal(err)
	}
	second, err := pub.Publish(ctx, tenants.Submission{Tenant: "seoul", Title: "봉화댐 현장점검",
		Files: []tenants.Upload{{Name: "a.hwp", Data: corpustest.File(t, "docs/hwp/kwater_press_2026-01-30_bonghwa_dam.hwp")}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if res := s.search(t, "봉화댐"); res.Total != 1 || res.Hits[0].ID != second.Document.ID {
		t.Fatalf("change behind a damaged record: %+v", res.Hits)
	}

	// A change whose record is gone removes the entry.
	if err := s.store.Delete(ctx, "plaza-seoul", "documents/"+p.Document.ID+"/meta.json"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, []tenants.Change{{Tenant: "seoul", ID: p.Document.ID, Revision: 2, Deleted: true}}); err != nil {
		t.Fatal(err)
	}
	if res := s.search(t, "해외직접투자"); res.Total != 0 {
		t.Fatalf("deleted document still found: %+v", res.Hits)
	}
}

// TestReconcile covers a crash between a write and its announcement: the
// reconciler finds records the index lacks, stale entries and orphans.
func TestReconcile(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	lost := &dropAll{}
	pub := tenants.NewPublisher(s.archive, extract.Extractor{}, lost) // announcements are lost
	a, err := pub.Publish(ctx, tenants.Submission{Tenant: "seoul", Files: []tenants.Upload{{Name: "a.hwp", Data: corpustest.File(t, "docs/hwp/nts_ruling_2008-12-26_beopgyu-yangdo-2008-0091.hwp")}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := pub.Publish(ctx, tenants.Submission{Tenant: "mapo-gu", Files: []tenants.Upload{{Name: "b.hwp", Data: corpustest.File(t, "docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp")}}})
	if err != nil {
		t.Fatal(err)
	}
	// An entry whose record never existed.
	if err := s.index.Put(ctx, federation.Entry{Tenant: "seoul", ID: "orphan", Revision: 1, Title: "유령 문서"}); err != nil {
		t.Fatal(err)
	}
	slugs := []string{"seoul", "mapo-gu", "jongno-gu"}
	st, err := federation.Reconcile(ctx, s.archive, s.index, slugs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 2 || st.Indexed != 2 || st.Removed != 1 {
		t.Fatalf("stats = %+v", st)
	}
	if n, _ := s.index.Count(ctx); n != 2 {
		t.Fatalf("count = %d", n)
	}
	if res := s.search(t, "재건축"); res.Total != 1 || res.Hits[0].ID != a.Document.ID {
		t.Fatalf("search = %+v", res.Hits)
	}
	// An update whose announcement is lost is picked up by revision.
	if _, err := pub.Publish(ctx, tenants.Submission{Tenant: "mapo-gu", Title: "실질 귀속 판단 (수정)", Files: []tenants.Upload{{Name: "b.hwp", Data: corpustest.File(t, "docs/hwp/tax_tribunal_decision_2009-10-27_josim-2009-jeon-9999.hwp")}}}); err != nil {
		t.Fatal(err)
	}
	st, err = federation.Reconcile(ctx, s.archive, s.index, slugs)
	if err != nil || st.Indexed != 1 || st.Removed != 0 {
		t.Fatalf("second reconcile = %+v, %v", st, err)
	}
	if rev, _ := s.index.Revision(ctx, "mapo-gu", b.Document.ID); rev != 2 {
		t.Fatalf("revision = %d", rev)
	}
	// Nothing to do the third time.
	if st, err = federation.Reconcile(ctx, s.archive, s.index, slugs); err != nil || st.Indexed != 0 || st.Removed != 0 {
		t.Fatalf("third reconcile = %+v, %v", st, err)
	}
	// A damaged record is skipped and named, its entry removed; the walk goes on.
	broken := `{"broken`
	if _, err := s.store.Put(ctx, "plaza-seoul", "documents/"+a.Document.ID+"/meta.json", strings.NewReader(broken), int64(len(broken)), tenants.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err = federation.Reconcile(ctx, s.archive, s.index, slugs)
	if err != nil || len(st.Unreadable) != 1 || !strings.HasPrefix(st.Unreadable[0], "seoul/"+a.Document.ID) || st.Records != 1 || st.Removed != 1 {
		t.Fatalf("reconcile with a damaged record = %+v, %v", st, err)
	}
	if n, _ := s.index.Count(ctx); n != 1 {
		t.Fatalf("count = %d after a damaged record: its entry would lead to a broken page", n)
	}
}

type dropAll struct{}

func (dropAll) Announce(context.Context, tenants.Change) error { return nil }
